/* "May already answer your question" while the writer types (issue 11): a
   progressive enhancement of the message form, which works without it (the
   "先看看已有的答复" button asks the server). After a pause in typing,
   GET /messages/suggest asks the site search for answered messages and FAQ
   entries, shown in a polite live region. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-message-form]");
  if (!form || !window.fetch) return;
  var box = document.getElementById("live-suggestions");
  if (!box) return;
  var fields = ["f-title", "f-body"].map(function (id) { return document.getElementById(id); });
  var timer = 0, last = "";
  function words() {
    return fields.map(function (f) { return f ? f.value : ""; }).join(" ").trim();
  }
  function show(items) {
    box.textContent = "";
    if (!items.length) return;
    var h = document.createElement("p");
    h.textContent = "以下已有的答复可能解答了您的问题：";
    box.appendChild(h);
    var ul = document.createElement("ul");
    items.forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = it.url;
      a.textContent = it.title;
      li.appendChild(a);
      if (it.kind) li.appendChild(document.createTextNode("（" + it.kind + "）"));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function ask() {
    var q = words();
    if (q === last || q.length < 2) return;
    last = q;
    fetch("/messages/suggest?q=" + encodeURIComponent(q.slice(0, 200)), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (d) { if (q === last) show(d.suggestions || []); })
      .catch(function () {});
  }
  fields.forEach(function (f) {
    if (!f) return;
    f.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 500);
    });
  });
})();
