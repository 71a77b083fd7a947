// Live answers on an interview's page (a progressive enhancement: the
// page is complete without it, and a reload shows the same). Listens to
// the page's server-sent events and adds or updates questions in place.
(function () {
  "use strict";
  var page = document.getElementById("interview");
  if (!page || !window.EventSource) return;
  var url = page.getAttribute("data-live");
  if (!url) return;
  var list = document.getElementById("qa-list");
  var labels = { announced: "预告", live: "正在直播", closed: "已结束", archived: "已归档" };
  var es = new EventSource(url);
  // Marks the page as listening (for tests and styles).
  es.addEventListener("open", function () { page.setAttribute("data-live-open", "1"); });
  function line(cls, who, verb, text, textCls) {
    var p = document.createElement("p");
    p.className = cls;
    if (who) {
      var b = document.createElement("strong");
      b.textContent = who;
      p.appendChild(b);
      p.appendChild(document.createTextNode(verb));
    }
    var s = document.createElement("span");
    s.className = textCls;
    s.textContent = text;
    p.appendChild(s);
    return p;
  }
  es.addEventListener("question", function (ev) {
    var q = JSON.parse(ev.data);
    var li = document.getElementById("q-" + q.id);
    if (!li) {
      // A new question belongs on the last page (earlier pages keep theirs).
      if (list.getAttribute("data-append") !== "1") return;
      li = document.createElement("li");
      li.id = "q-" + q.id;
      li.className = "qa";
      list.appendChild(li);
      var empty = document.getElementById("qa-empty");
      if (empty) empty.remove();
    }
    li.textContent = "";
    li.appendChild(line("question", q.asker, "问：", q.body, "q-body"));
    if (q.answer) {
      li.appendChild(line("answer", q.answered_by, "答：", q.answer, "a-body"));
    } else {
      li.appendChild(line("answer pending", "", "", "待嘉宾回答", ""));
    }
  });
  es.addEventListener("status", function (ev) {
    var s = JSON.parse(ev.data).status;
    var el = document.getElementById("interview-status");
    if (el && labels[s]) el.textContent = labels[s];
    if (s !== "announced" && s !== "live") es.close();
  });
})();
