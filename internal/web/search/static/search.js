/* Typing suggestions for the search boxes (inputs with data-suggest): a
   progressive enhancement, the forms work without it. The ARIA 1.2
   combobox pattern: the input keeps focus, arrow keys move through the
   listbox, Enter takes the option, Escape closes; a polite status says how
   many suggestions there are. Suggestions come from GET /search/suggest. */
(function () {
  "use strict";
  var n = 0;
  function enhance(input) {
    var id = "sugg-" + (++n), timer = 0, active = -1, items = [], last = "";
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "vh";
    status.setAttribute("role", "status");
    var wrap = input.parentNode;
    wrap.classList.add("suggest-host");
    wrap.appendChild(list);
    wrap.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function mark(i) {
      var opts = list.children;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
      active = i;
      if (i >= 0) input.setAttribute("aria-activedescendant", opts[i].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function choose(i) {
      input.value = items[i];
      close();
      if (input.form) input.form.submit();
    }
    function show(words) {
      items = words;
      list.textContent = "";
      words.forEach(function (w, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = w;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (words.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = "有 " + words.length + " 条搜索建议，按上下方向键选择";
      } else {
        close();
        status.textContent = "";
      }
      active = -1;
    }
    function ask() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (!q || q.length > 50) { show([]); return; }
      fetch("/search/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (d) { if (input.value.trim() === q) show(d.suggestions || []); })
        .catch(function () { show([]); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  function init() {
    if (!window.fetch) return;
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) enhance(inputs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
