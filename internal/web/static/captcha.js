// Progressive enhancement of the CAPTCHA partial: 换一张 fetches a new
// image challenge without submitting the form. Without this file the button
// submits the form, which is shown again with a new challenge.
(function () {
  'use strict';
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('[data-captcha-new]');
    if (!btn) return;
    var box = btn.closest('[data-captcha]');
    var img = box && box.querySelector('.captcha-img');
    if (!img || !window.fetch) return; // a question: let the form post
    ev.preventDefault();
    fetch('/captcha/' + encodeURIComponent(box.getAttribute('data-captcha')) + '/new', { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (c) {
        box.querySelector('input[name=captcha_token]').value = c.token;
        img.src = c.image;
        var ans = box.querySelector('input[name=captcha_answer]');
        ans.value = '';
        box.querySelector('.captcha-status').textContent = '已换一张新的验证码，' + c.minutes + ' 分钟内有效。';
        ans.focus();
      })
      .catch(function () { btn.form.requestSubmit ? btn.form.requestSubmit(btn) : btn.form.submit(); });
  });
})();
