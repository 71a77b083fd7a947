// Progressive enhancement only: the pages work without this file.
(function () {
  'use strict';
  var doc = document, root = doc.documentElement;

  // --- Display preferences: the same cookie and encoding as internal/web/prefs.go ---
  var COOKIE = 'gk_prefs', STEPS = [100, 112, 125, 150, 175];
  function defaults() { return { t: 0, s: 'normal', l: 0, c: false, g: 'none', e: false, p: false, b: false }; }
  function decode(v) {
    var p = defaults();
    if (!v) return p;
    var toks = v.split('.'), seen = {};
    if (v.length > 40 || toks[0] !== '1' || toks.length < 2) return defaults();
    for (var i = 1; i < toks.length; i++) {
      var t = toks[i];
      if (!t || seen[t[0]]) return defaults();
      seen[t[0]] = 1;
      if (/^t[1-4]$/.test(t)) p.t = +t[1];
      else if (t === 'sc') p.s = 'contrast';
      else if (t === 'sd') p.s = 'dark';
      else if (/^l[12]$/.test(t)) p.l = +t[1];
      else if (t === 'c') p.c = true;
      else if (t === 'gl') p.g = 'line';
      else if (t === 'gx') p.g = 'cross';
      else if (t === 'e') p.e = true;
      else if (t === 'p') p.p = true;
      else if (t === 'b') p.b = true;
      else return defaults();
    }
    return p;
  }
  function encode(p) {
    var t = [];
    if (p.t) t.push('t' + p.t);
    if (p.s === 'contrast') t.push('sc'); else if (p.s === 'dark') t.push('sd');
    if (p.l) t.push('l' + p.l);
    if (p.c) t.push('c');
    if (p.g === 'line') t.push('gl'); else if (p.g === 'cross') t.push('gx');
    if (p.e) t.push('e');
    if (p.p) t.push('p');
    if (p.b) t.push('b');
    return t.length ? '1.' + t.join('.') : '';
  }
  function read() {
    var m = doc.cookie.match(/(?:^|;\s*)gk_prefs=([^;]*)/);
    return decode(m ? m[1] : '');
  }
  function write(p) {
    var v = encode(p), tail = '; path=/; samesite=lax' + (location.protocol === 'https:' ? '; secure' : '');
    doc.cookie = v ? COOKIE + '=' + v + tail + '; max-age=31536000' : COOKIE + '=' + tail + '; max-age=0';
  }
  // apply sets the classes the server would have rendered (prefs.Classes).
  function apply(p) {
    var keep = root.className.split(/\s+/).filter(function (c) {
      return c && !/^(t-\d|s-\w+|ls-\d|cur-big|guide-\w+)$/.test(c);
    });
    if (p.t) keep.push('t-' + p.t);
    if (p.s !== 'normal') keep.push('s-' + p.s);
    if (p.l) keep.push('ls-' + p.l);
    if (p.c) keep.push('cur-big');
    if (p.g !== 'none') keep.push('guide-' + p.g);
    root.className = keep.join(' ');
    guide(p.g);
  }
  // ops the page can apply at once; the others (elderly mode, plain text,
  // reset) change the markup, so their buttons submit to the server.
  var live = {
    'text+': function (p) { if (p.t < STEPS.length - 1) p.t++; return '文字大小 ' + STEPS[p.t] + '%'; },
    'text-': function (p) { if (p.t > 0) p.t--; return '文字大小 ' + STEPS[p.t] + '%'; },
    'text0': function (p) { p.t = 0; return '文字大小已还原为 100%'; },
    'scheme-normal': function (p) { p.s = 'normal'; return '已使用标准配色'; },
    'scheme-contrast': function (p) { p.s = 'contrast'; return '已使用高对比度配色'; },
    'scheme-dark': function (p) { p.s = 'dark'; return '已使用深色配色'; },
    'lines': function (p) { p.l = p.l ? 0 : 1; return p.l ? '已加大行距' : '已恢复标准行距'; },
    'cursor': function (p) { p.c = !p.c; return p.c ? '已开启大鼠标' : '已关闭大鼠标'; },
    'guide-line': function (p) { p.g = p.g === 'line' ? 'none' : 'line'; return p.g === 'line' ? '已开启辅助线' : '已关闭辅助线'; },
    'guide-cross': function (p) { p.g = p.g === 'cross' ? 'none' : 'cross'; return p.g === 'cross' ? '已开启十字线' : '已关闭十字线'; }
  };

  var bar, status;
  function say(msg) {
    if (!status) return;
    status.textContent = '';
    setTimeout(function () { status.textContent = msg; }, 50);
  }
  function syncBar(p) {
    if (!bar) return;
    var pressed = { 'scheme-normal': p.s === 'normal', 'scheme-contrast': p.s === 'contrast', 'scheme-dark': p.s === 'dark',
      'lines': !!p.l, 'cursor': p.c, 'guide-line': p.g === 'line', 'guide-cross': p.g === 'cross' };
    bar.querySelectorAll('button[aria-pressed]').forEach(function (b) {
      b.setAttribute('aria-pressed', pressed[b.value] ? 'true' : 'false');
    });
    var size = bar.querySelector('[data-text-size]');
    if (size) size.textContent = STEPS[p.t] + '%';
  }

  // --- Reading guide: a line (or crosshair) following the mouse and the focus ---
  var gh, gv, gx = 0, gy = -10;
  function guide(mode) {
    if (mode === 'none') {
      if (gh) { gh.remove(); gh = null; }
      if (gv) { gv.remove(); gv = null; }
      return;
    }
    if (!gh) { gh = doc.createElement('div'); gh.className = 'guide-h'; gh.setAttribute('aria-hidden', 'true'); doc.body.appendChild(gh); }
    if (mode === 'cross' && !gv) { gv = doc.createElement('div'); gv.className = 'guide-v'; gv.setAttribute('aria-hidden', 'true'); doc.body.appendChild(gv); }
    if (mode !== 'cross' && gv) { gv.remove(); gv = null; }
    place();
  }
  function place() {
    // CSSOM changes, not style attributes: allowed under the strict CSP.
    if (gh) gh.style.transform = 'translateY(' + gy + 'px)';
    if (gv) gv.style.transform = 'translateX(' + gx + 'px)';
  }

  // --- Read aloud in Mandarin with the browser's speech synthesis ---
  var synth = window.speechSynthesis, picked = '';
  function selectedText() { return String(window.getSelection ? window.getSelection() : '').trim(); }
  function chunks(text) {
    // Engines stop on long utterances: speak sentence by sentence.
    var out = [], cur = '';
    text.replace(/\s+/g, ' ').split(/(?<=[。！？；!?;\n])/).forEach(function (s) {
      if ((cur + s).length > 180 && cur) { out.push(cur); cur = ''; }
      cur += s;
    });
    if (cur.trim()) out.push(cur);
    return out;
  }
  function speak() {
    var sel = picked || selectedText(), main = doc.getElementById('main') || doc.body;
    var text = sel || main.innerText || '';
    picked = '';
    synth.cancel();
    if (!text.trim()) { say('没有可以朗读的文字'); return; }
    var voices = synth.getVoices(), voice = null;
    for (var i = 0; i < voices.length; i++) { if (/^zh[-_]CN/i.test(voices[i].lang)) { voice = voices[i]; break; } }
    var parts = chunks(text);
    parts.forEach(function (c, i) {
      var u = new SpeechSynthesisUtterance(c);
      u.lang = 'zh-CN';
      if (voice) u.voice = voice;
      u.rate = 0.9;
      if (i === parts.length - 1) u.onend = function () { say('朗读结束'); };
      synth.speak(u);
    });
    say(sel ? '正在朗读选中的文字' : '正在朗读本页正文');
  }

  function init() {
    bar = doc.getElementById('a11y-bar');
    status = bar && bar.querySelector('[data-a11y-status]');
    var p = read();
    guide(p.g);
    doc.addEventListener('mousemove', function (e) { if (gh) { gx = e.clientX; gy = e.clientY; place(); } }, { passive: true });
    doc.addEventListener('focusin', function (e) {
      if (!gh || !e.target.getBoundingClientRect) return;
      var r = e.target.getBoundingClientRect();
      gx = r.left; gy = r.bottom + 2; place();
    });

    // The header entry opens the toolbar in place instead of going to /a11y.
    var link = doc.querySelector('[data-bar-link]'), toggle = doc.querySelector('[data-bar-toggle]');
    if (bar && link && toggle) {
      link.hidden = true;
      toggle.hidden = false;
      toggle.addEventListener('click', function () {
        var q = read(), open = bar.hidden;
        bar.hidden = !open;
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
        q.b = open;
        write(q);
      });
    }
    if (bar) {
      bar.addEventListener('click', function (e) {
        var b = e.target.closest('button[name=op]');
        if (!b) return;
        var q = read();
        if (b.value === 'bar-off') {
          e.preventDefault();
          q.b = false; write(q);
          bar.hidden = true;
          if (toggle) { toggle.setAttribute('aria-expanded', 'false'); toggle.focus(); }
          return;
        }
        var f = live[b.value];
        if (!f) return; // submitted to the server
        e.preventDefault();
        var msg = f(q);
        write(q); apply(q); syncBar(q); say(msg);
      });
      var speech = bar.querySelector('[data-speech]');
      if (speech && synth && window.SpeechSynthesisUtterance) {
        speech.hidden = false;
        var sp = speech.querySelector('[data-speak]');
        // A click can clear the selection: remember it when the press starts.
        sp.addEventListener('pointerdown', function () { picked = selectedText(); });
        sp.addEventListener('click', speak);
        speech.querySelector('[data-speak-stop]').addEventListener('click', function () { picked = ''; synth.cancel(); say('已停止朗读'); });
        window.addEventListener('pagehide', function () { synth.cancel(); });
      }
    }
    // Back/forward cache: show the page as the cookie now says.
    window.addEventListener('pageshow', function (e) {
      if (!e.persisted) return;
      var q = read();
      if (q.e !== root.classList.contains('m-elderly') || q.p !== root.classList.contains('v-plain')) { location.reload(); return; }
      apply(q); syncBar(q);
    });

    doc.querySelectorAll('[data-print]').forEach(function (b) {
      b.hidden = false;
      b.addEventListener('click', function () { window.print(); });
    });
    doc.querySelectorAll('[data-close]').forEach(function (b) {
      b.hidden = false;
      b.addEventListener('click', function () { window.close(); });
    });
    doc.querySelectorAll('form[data-confirm]').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault();
      });
    });
  }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init); else init();
})();
