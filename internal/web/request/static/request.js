/* Suggestions of published items while the applicant describes what they
   want (issue 9): a progressive enhancement of the application form, which
   works without it (the "先查找已公开的信息" button asks the server). After a
   pause in typing, GET /request/suggest asks the site search and the list
   is shown in a polite live region. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-request-form]");
  if (!form || !window.fetch) return;
  var box = document.getElementById("live-suggestions");
  if (!box) return;
  var fields = ["f-title", "f-doc_no", "f-description"].map(function (id) { return document.getElementById(id); });
  var timer = 0, last = "";
  function words() {
    return fields.map(function (f) { return f ? f.value : ""; }).join(" ").trim();
  }
  function show(items) {
    box.textContent = "";
    if (!items.length) return;
    var h = document.createElement("p");
    h.textContent = "以下已公开的信息可能就是您要找的：";
    box.appendChild(h);
    var ul = document.createElement("ul");
    items.forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = it.url;
      a.textContent = it.title;
      li.appendChild(a);
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function ask() {
    var q = words();
    if (q === last || q.length < 2) return;
    last = q;
    fetch("/request/suggest?q=" + encodeURIComponent(q.slice(0, 200)), { credentials: "same-origin" })
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
