// Progressive enhancement of the item form's document pickers (issue 15):
// without this file the 查找 button submits the form and the page comes
// back with the hits; with it the hits come from /admin/items/lookup while
// typing, into the same list of radio buttons or checkboxes.
(function () {
  'use strict';
  var pickers = document.querySelectorAll('[data-picker]');
  Array.prototype.forEach.call(pickers, function (box) {
    var input = box.querySelector('input[type=search]');
    var button = box.querySelector('button[name=op]');
    var list = box.querySelector('[data-hits]');
    var status = box.querySelector('[data-status]');
    if (!input || !list || !status) return;
    var timer = 0, seq = 0;
    var multiple = box.getAttribute('data-multiple') === '1';
    var name = box.getAttribute('data-name');

    function chosen() {
      var ids = {};
      Array.prototype.forEach.call(box.querySelectorAll('input[name="' + name + '"]:checked'), function (el) { ids[el.value] = 1; });
      return ids;
    }

    function render(items) {
      var ids = chosen();
      // Keep what is chosen; replace the other hits.
      Array.prototype.forEach.call(list.querySelectorAll('li'), function (li) {
        var el = li.querySelector('input');
        if (!el || !el.checked) li.parentNode.removeChild(li);
      });
      items.forEach(function (it) {
        if (ids[String(it.id)]) return;
        var li = document.createElement('li');
        var label = document.createElement('label');
        var el = document.createElement('input');
        el.type = multiple ? 'checkbox' : 'radio';
        el.name = name;
        el.value = String(it.id);
        label.appendChild(el);
        var text = ' ' + it.title + (it.doc_no ? '（' + it.doc_no + '）' : '') + (it.published_on ? ' ' + it.published_on : '');
        label.appendChild(document.createTextNode(text));
        li.appendChild(label);
        list.appendChild(li);
      });
      status.textContent = items.length ? '找到 ' + items.length + ' 条，请勾选' : '没有找到相符的已发布文件';
    }

    function search() {
      var q = input.value.trim();
      if (!q) { status.textContent = ''; return; }
      var mine = ++seq;
      var url = '/admin/items/lookup?picker=' + encodeURIComponent(box.getAttribute('data-picker')) +
        '&type=' + encodeURIComponent(box.getAttribute('data-type')) + '&q=' + encodeURIComponent(q);
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (body) { if (mine === seq) render(body.items || []); })
        .catch(function () { if (mine === seq) status.textContent = '查找失败，请点“查找”按钮重试'; });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener('keydown', function (e) {
      // Enter searches instead of saving the whole form.
      if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); search(); }
    });
    if (button) {
      button.addEventListener('click', function (e) { e.preventDefault(); clearTimeout(timer); search(); });
    }
  });
})();
