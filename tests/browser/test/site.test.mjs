// Browser tests of the public site (seed task 12: 无障碍 and 适老化), run by
// `npm test` with node's test runner. One gongkai demo server and one
// headless Chromium serve every suite:
//   - axe-core's WCAG 2.1 A/AA rules on every public page template, in the
//     normal, high-contrast, dark, elderly and plain-text modes;
//   - keyboard-only use of every public form, the skip link, visible focus;
//   - the toolbar (with and without JavaScript), read-aloud, reading guide;
//   - reflow at 320 px and at 200 % zoom, the item page's weight, no
//     third-party requests, the print stylesheet;
//   - screenshots of the main pages in each mode, in artifacts/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, withdraw } from '../lib/app.mjs';
import { launch, newContext, axeCheck, screenshot, MODES, artifacts } from '../lib/browser.mjs';

let app, browser;
const ids = {};
const contexts = [];

async function ctxFor(prefs = '', options = {}) {
  const ctx = await newContext(browser, app.base, prefs, options);
  contexts.push(ctx);
  return ctx;
}

async function html(path) {
  const r = await fetch(app.base + path);
  return r.text();
}

before(async () => {
  app = await startApp();
  browser = await launch();
  // Find the demo items the pages need, through the public site and API.
  const seed = await (await fetch(app.base + '/api/v1/items?index_no=' + encodeURIComponent('1438332193/sfj/2021-0000192'))).json();
  ids.seed = seed.items[0].id;
  const repealed = (await html('/columns/zcwj?validity=repealed')).match(/href="\/items\/(\d+)"/);
  assert.ok(repealed, 'a repealed policy document in 政策文件');
  ids.repealed = repealed[1];
  const rev = (await html('/items/' + ids.repealed)).match(/href="(\/items\/\d+\/revisions\/\d+)"/);
  assert.ok(rev, 'the repealed document has an earlier revision');
  ids.revision = rev[1];
  const list = await (await fetch(app.base + '/api/v1/items?limit=50')).json();
  const news = list.items.filter((it) => it.doc_type === 'news' && String(it.id) !== String(ids.seed));
  assert.ok(news.length > 0, 'a news item to withdraw');
  ids.withdrawn = news[news.length - 1].id;
  await withdraw(app.base, ids.withdrawn, '内容已过时，由新的通知代替。');
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close();
  if (app) await app.stop();
});

// Every public page template, with its error and empty states.
function pages() {
  return [
    { name: 'home', path: '/', shot: true },
    { name: 'column', path: '/columns/zcwj', shot: true },
    { name: 'column-filtered', path: '/columns/zcwj?validity=repealed' },
    { name: 'column-no-results', path: '/columns/zcwj?year=1990' },
    { name: 'column-parent', path: '/columns/fdzdgk' },
    { name: 'column-link', path: '/columns/ysqgk' },
    { name: 'item', path: '/items/' + ids.seed, shot: true },
    { name: 'item-repealed', path: '/items/' + ids.repealed },
    { name: 'item-revision', path: ids.revision },
    { name: 'item-withdrawn', path: '/items/' + ids.withdrawn, status: 410 },
    { name: 'guide', path: '/xxgk/guide' },
    { name: 'catalogue', path: '/xxgk/catalogue' },
    { name: 'catalogue-filtered', path: '/xxgk/catalogue?column=zcwj&year=2021' },
    { name: 'search', path: '/search' },
    { name: 'search-results', path: '/search?q=' + encodeURIComponent('政务公开'), shot: true },
    { name: 'search-no-results', path: '/search?q=' + encodeURIComponent('没有这样的词语组合') },
    { name: 'search-error-empty', path: '/search?q=', status: 422, shot: true },
    { name: 'search-error-long', path: '/search?q=' + encodeURIComponent('长'.repeat(201)), status: 422 },
    { name: 'a11y', path: '/a11y?next=/', shot: true },
    { name: 'a11y-error', path: '/a11y?next=/', status: 422, shot: true, invalidSubmit: true },
    { name: 'sitemap', path: '/sitemap' },
    { name: 'contact', path: '/contact' },
    { name: 'privacy', path: '/privacy' },
    { name: 'help', path: '/help' },
    { name: 'not-found', path: '/no/such/page', status: 404, shot: true },
  ];
}

// open loads a page (for a11y-error: submits the settings form with a
// value that is not a choice) and checks its status.
async function open(page, p) {
  let resp = await page.goto(app.base + p.path);
  if (p.invalidSubmit) {
    await page.evaluate(() => { const r = document.getElementById('text-4'); r.value = 'huge'; r.checked = true; });
    [resp] = await Promise.all([page.waitForNavigation(), page.locator('form.settings button[type=submit]:not([name])').click()]);
  }
  assert.equal(resp.status(), p.status || 200, `${p.path}: HTTP status`);
  return resp;
}

describe('axe-core: WCAG 2.1 A and AA on every public page', () => {
  for (const mode of MODES) {
    describe(`${mode.name} mode`, () => {
      let ctx, page;
      before(async () => { ctx = await ctxFor(mode.prefs); page = await ctx.newPage(); });
      after(() => {
        assert.deepEqual(ctx.problems, [], 'script errors or CSP violations');
        assert.deepEqual(ctx.foreign, [], 'requests to other hosts');
      });
      it('renders the mode on the server', async () => {
        // Without any script, <html> already carries the mode's classes.
        const body = await (await fetch(app.base + '/', { headers: mode.prefs ? { cookie: 'gk_prefs=' + mode.prefs } : {} })).text();
        const cls = (body.match(/<html lang="zh-CN"(?: class="([^"]*)")?>/) || [])[1] || '';
        const want = { normal: '', contrast: 's-contrast', dark: 's-dark', elderly: 'm-elderly', plain: 'v-plain' }[mode.name];
        if (want) assert.ok(cls.split(' ').includes(want), `class="${cls}" lacks ${want}`);
        else assert.equal(cls, '');
      });
      for (const p of pages()) {
        it(`${p.name}`, async () => {
          // pages() needs the ids found in before(): resolve at run time.
          const cur = pages().find((x) => x.name === p.name);
          await open(page, cur);
          const violations = await axeCheck(page);
          if (cur.shot) await screenshot(page, `${mode.name}-${cur.name}`);
          assert.equal(violations.length, 0, `${cur.path} in ${mode.name} mode:\n${violations.join('\n')}`);
        });
      }
    });
  }
});

// focusInfo describes the focused element and whether its focus is visible.
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'), value: el.value, text: (el.textContent || '').trim().slice(0, 30),
      cls: el.className, visible: outline || shadow, onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0,
      focusVisible: el.matches(':focus-visible'),
    };
  });
}

// tabTo presses Tab until test(focused) holds; every stop must show its focus.
async function tabTo(page, test, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag !== 'body') {
      assert.ok(f.visible && f.onScreen, `focus not visible on <${f.tag} id="${f.id}" class="${f.cls}">${f.text}`);
    }
    if (test(f)) return f;
  }
  throw new Error('Tab never reached the wanted element');
}

describe('keyboard only', () => {
  let ctx, page;
  before(async () => { ctx = await ctxFor(); page = await ctx.newPage(); });
  after(() => { assert.deepEqual(ctx.problems, []); assert.deepEqual(ctx.foreign, []); });

  it('the skip link is the first stop and moves to the main content', async () => {
    await page.goto(app.base + '/items/' + ids.seed);
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.equal(f.text, '跳到主要内容');
    assert.ok(f.visible && f.onScreen, 'skip link visible when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    assert.ok(page.url().endsWith('#main'));
  });

  it('every stop on the home page shows visible focus', async () => {
    await page.goto(app.base + '/');
    // The same link may appear twice (the top bar and the main menu both
    // lead to 依申请公开), so only the first stop coming back means the
    // focus has wrapped around.
    const seen = new Set();
    let first = '';
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (f.tag === 'body') break;
      const key = `${f.tag}#${f.id}.${f.text}@${i}`;
      const stop = `${f.tag}#${f.id}.${f.text}`;
      if (i === 0) first = stop;
      else if (stop === first) break; // wrapped around
      seen.add(key);
      assert.ok(f.visible && f.onScreen, `focus not visible on <${f.tag}> ${f.text}`);
    }
    assert.ok(seen.size > 20, `only ${seen.size} focus stops`);
  });

  it('searches from the header search box', async () => {
    await page.goto(app.base + '/');
    await tabTo(page, (f) => f.id === 'site-q');
    await page.keyboard.type('政务公开工作重点');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.keyboard.press('Enter')]);
    const main = await page.locator('main').innerText();
    assert.match(main, /共 \d+ 条/);
    assert.match(main, /2021年临沂市司法局政务公开工作重点任务安排/);
  });

  it('an empty search shows an error tied to the field, and the summary leads to it', async () => {
    await page.goto(app.base + '/search');
    await tabTo(page, (f) => f.id === 'q');
    const [resp] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(resp.status(), 422);
    const q = page.locator('#q');
    assert.equal(await q.getAttribute('aria-invalid'), 'true');
    assert.match(await q.getAttribute('aria-describedby'), /\bq-error\b/);
    assert.match(await page.locator('#q-error').innerText(), /请输入要搜索的关键词/);
    assert.match(await page.title(), /^错误：/);
    await tabTo(page, (f) => f.tag === 'a' && f.text.startsWith('请输入'));
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    await page.keyboard.type('行政执法');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('main').innerText(), /共 \d+ 条/);
  });

  it('filters a column with the filter form', async () => {
    await page.goto(app.base + '/columns/zcwj');
    await tabTo(page, (f) => f.id === 'f-valid');
    // Choose 废止 with the arrow keys on the closed select.
    for (let i = 0; i < 6 && (await page.locator('#f-valid').inputValue()) !== 'repealed'; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#f-valid').inputValue(), 'repealed');
    await tabTo(page, (f) => f.tag === 'button' && f.text === '筛选');
    await Promise.all([page.waitForURL(/validity=repealed/), page.keyboard.press('Enter')]);
    assert.match(await page.locator('main').innerText(), /共 1 条信息/);
  });

  it('filters the catalogue with its filter form', async () => {
    await page.goto(app.base + '/xxgk/catalogue');
    await tabTo(page, (f) => f.id === 'c-year');
    await page.keyboard.press('ArrowDown');
    const year = await page.locator('#c-year').inputValue();
    assert.match(year, /^\d{4}$/);
    await tabTo(page, (f) => f.tag === 'button' && f.text === '筛选');
    await Promise.all([page.waitForURL(new RegExp('year=' + year)), page.keyboard.press('Space')]);
    assert.match(await page.locator('main').innerText(), /共 \d+ 条/);
  });

  it('saves the 无障碍 settings form and returns to the page', async () => {
    await page.goto(app.base + '/a11y?next=' + encodeURIComponent('/items/' + ids.seed));
    await tabTo(page, (f) => f.id === 'text-0'); // the checked radio of 文字大小
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, (f) => f.name === 'scheme');
    await page.keyboard.press('ArrowDown'); // 高对比度
    await tabTo(page, (f) => f.tag === 'button' && f.text === '保存设置');
    await Promise.all([page.waitForURL(new RegExp('/items/' + ids.seed + '$')), page.keyboard.press('Enter')]);
    const cls = await page.evaluate(() => document.documentElement.className);
    assert.deepEqual(cls.split(' ').sort(), ['s-contrast', 't-2']);
    const cookie = (await ctx.cookies()).find((c) => c.name === 'gk_prefs');
    assert.equal(cookie.value, '1.t2.sc');
    // And back to the defaults, also by keyboard.
    await page.goto(app.base + '/a11y');
    await tabTo(page, (f) => f.tag === 'button' && f.text === '全部恢复默认');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(await page.evaluate(() => document.documentElement.className), '');
    assert.equal((await ctx.cookies()).find((c) => c.name === 'gk_prefs'), undefined);
  });

  it('an invalid setting shows an error tied to its fieldset', async () => {
    await page.goto(app.base + '/a11y');
    await page.evaluate(() => { const r = document.getElementById('scheme-2'); r.value = 'purple'; });
    await tabTo(page, (f) => f.name === 'scheme');
    await page.keyboard.press('ArrowUp'); // from 标准配色 round to the last (tampered) choice
    await tabTo(page, (f) => f.tag === 'button' && f.text === '保存设置');
    const [resp] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(resp.status(), 422);
    const fs = page.locator('fieldset:has(#e-scheme)');
    assert.match(await fs.getAttribute('aria-describedby'), /\be-scheme\b/);
    assert.match(await page.locator('.error-summary').innerText(), /请从列出的选项中选择配色/);
  });

  it('enters and leaves 长辈版 from the header', async () => {
    await page.goto(app.base + '/');
    await tabTo(page, (f) => f.tag === 'button' && f.text === '长辈版');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('m-elderly')));
    await tabTo(page, (f) => f.tag === 'button' && f.text === '退出长辈版');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(await page.evaluate(() => document.documentElement.className), '');
  });
});

describe('the 无障碍浏览 toolbar', () => {
  it('opens from the header and applies settings at once, and the server agrees after a reload', async () => {
    const ctx = await ctxFor();
    const page = await ctx.newPage();
    await page.goto(app.base + '/items/' + ids.seed);
    const toggle = await tabTo(page, (f) => f.tag === 'button' && f.text === '无障碍浏览');
    assert.ok(toggle);
    assert.equal(await page.locator('[data-bar-toggle]').getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('[data-bar-toggle]').getAttribute('aria-expanded'), 'true');
    assert.ok(await page.locator('#a11y-bar').isVisible());
    await tabTo(page, (f) => f.value === 'text+');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    assert.match(await page.evaluate(() => document.documentElement.className), /\bt-2\b/);
    assert.equal(await page.locator('[data-text-size]').innerText(), '125%');
    await tabTo(page, (f) => f.value === 'scheme-dark');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('button[value=scheme-dark]').getAttribute('aria-pressed'), 'true');
    await tabTo(page, (f) => f.value === 'lines');
    await page.keyboard.press('Enter');
    await tabTo(page, (f) => f.value === 'cursor');
    await page.keyboard.press('Enter');
    const cursor = await page.evaluate(() => getComputedStyle(document.body).cursor);
    assert.match(cursor, /url\(/, 'large cursor');
    assert.equal((await ctx.cookies()).find((c) => c.name === 'gk_prefs').value, '1.t2.sd.l1.c.b');
    await page.reload();
    const cls = await page.evaluate(() => document.documentElement.className);
    assert.deepEqual(cls.split(' ').sort(), ['cur-big', 'ls-1', 's-dark', 't-2']);
    assert.ok(await page.locator('#a11y-bar').isVisible(), 'toolbar stays open');
    await screenshot(page, 'toolbar-dark-large-text');
    // 全部还原 goes to the server (it also leaves elderly and plain modes).
    await Promise.all([page.waitForNavigation(), page.locator('button[value=reset]').click()]);
    assert.equal(await page.evaluate(() => document.documentElement.className), '');
    assert.deepEqual(ctx.problems, []);
  });

  it('reads the selection, or else the main content, aloud in Mandarin', async () => {
    const ctx = await ctxFor('1.b');
    await ctx.addInitScript(() => {
      window.__spoken = [];
      window.__cancelled = 0;
      const s = window.speechSynthesis;
      s.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
      s.cancel = () => { window.__cancelled++; };
    });
    const page = await ctx.newPage();
    await page.goto(app.base + '/items/' + ids.seed);
    assert.ok(await page.locator('[data-speak]').isVisible(), 'read-aloud buttons shown when the browser can speak');
    await page.evaluate(() => {
      const r = document.createRange();
      r.selectNodeContents(document.querySelector('main h1'));
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    });
    await page.locator('[data-speak]').click();
    let spoken = await page.evaluate(() => window.__spoken);
    assert.equal(spoken.length, 1);
    assert.equal(spoken[0].lang, 'zh-CN');
    assert.equal(spoken[0].text, '2021年临沂市司法局政务公开工作重点任务安排');
    await page.evaluate(() => { getSelection().removeAllRanges(); window.__spoken = []; });
    await page.locator('[data-speak]').focus();
    await page.keyboard.press('Enter');
    spoken = await page.evaluate(() => window.__spoken);
    assert.ok(spoken.length > 3, 'the whole article, sentence by sentence');
    assert.ok(spoken.every((u) => u.lang === 'zh-CN'));
    const all = spoken.map((u) => u.text).join('');
    assert.match(all, /为认真落实国家、省关于政务公开工作部署要求/);
    assert.doesNotMatch(all, /跳到主要内容|网站地图/, 'reads the main content, not the navigation');
    await page.locator('[data-speak-stop]').click();
    assert.ok(await page.evaluate(() => window.__cancelled) > 0);
    await page.waitForFunction(() => /已停止朗读/.test(document.querySelector('[data-a11y-status]').textContent));
  });

  it('draws a reading line or crosshair that follows the mouse', async () => {
    const ctx = await ctxFor('1.b');
    const page = await ctx.newPage();
    await page.goto(app.base + '/items/' + ids.seed);
    await page.locator('button[value=guide-line]').click();
    await page.mouse.move(300, 420);
    assert.equal(await page.locator('.guide-h').count(), 1);
    assert.match(await page.locator('.guide-h').evaluate((e) => e.style.transform), /translateY\(420px\)/);
    assert.equal(await page.locator('.guide-h').getAttribute('aria-hidden'), 'true');
    await page.locator('button[value=guide-cross]').click();
    await page.mouse.move(500, 300);
    assert.equal(await page.locator('.guide-v').count(), 1);
    assert.match(await page.locator('.guide-v').evaluate((e) => e.style.transform), /translateX\(500px\)/);
    await screenshot(page, 'toolbar-crosshair');
    await page.reload();
    assert.match(await page.evaluate(() => document.documentElement.className), /guide-cross/);
    assert.equal(await page.locator('.guide-v').count(), 1, 'the guide comes back after a reload');
    assert.deepEqual(ctx.problems, []);
  });

  it('switches to the plain-text view and back', async () => {
    const ctx = await ctxFor('1.b');
    const page = await ctx.newPage();
    await page.goto(app.base + '/items/' + ids.seed);
    await Promise.all([page.waitForNavigation(), page.locator('button[value=plain-on]').click()]);
    const sheets = await page.evaluate(() => [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.getAttribute('href')));
    assert.ok(sheets.some((h) => /\/static\/text\.[0-9a-f]+\.css$/.test(h)) && !sheets.some((h) => /site\./.test(h)), sheets.join());
    assert.match(await page.locator('main').innerText(), /为认真落实国家、省关于政务公开工作部署要求/);
    await screenshot(page, 'plain-item-toolbar');
    await Promise.all([page.waitForNavigation(), page.locator('.topbar button[value=plain-off]').click()]);
    assert.doesNotMatch(await page.evaluate(() => document.documentElement.className), /v-plain/);
  });

  it('works without JavaScript: every button is a form', async () => {
    const ctx = await ctxFor('', { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(app.base + '/items/' + ids.seed);
    assert.ok(await page.locator('a[data-bar-link]').isVisible(), 'the header entry is a link to /a11y');
    assert.ok(!(await page.locator('#a11y-bar').isVisible()));
    await Promise.all([page.waitForNavigation(), page.locator('a[data-bar-link]').click()]);
    assert.match(page.url(), /\/a11y\?next=%2Fitems%2F/i);
    await page.locator('#bar-1').check();
    await page.locator('#mode-1').check();
    await Promise.all([page.waitForURL(new RegExp('/items/' + ids.seed + '$')), page.locator('form.settings button:not([name])').click()]);
    assert.deepEqual((await page.evaluate(() => document.documentElement.className)).split(' '), ['m-elderly']);
    assert.ok(await page.locator('#a11y-bar').isVisible(), 'toolbar shown by the server');
    assert.ok(!(await page.locator('[data-speech]').isVisible()), 'read-aloud needs a script, so it stays hidden');
    for (const [op, cls] of [['text+', 't-1'], ['scheme-contrast', 's-contrast'], ['lines', 'ls-1'], ['cursor', 'cur-big']]) {
      await Promise.all([page.waitForNavigation(), page.locator(`#a11y-bar button[value="${op}"]`).click()]);
      assert.match(await page.evaluate(() => document.documentElement.className), new RegExp('\\b' + cls + '\\b'), op);
    }
    await screenshot(page, 'nojs-elderly-contrast-toolbar');
    await Promise.all([page.waitForNavigation(), page.locator('button[value=elderly-off]').click()]);
    assert.doesNotMatch(await page.evaluate(() => document.documentElement.className), /m-elderly/);
    await Promise.all([page.waitForNavigation(), page.locator('#a11y-bar button[value=bar-off]').click()]);
    assert.ok(!(await page.locator('#a11y-bar').isVisible()));
    assert.deepEqual(ctx.foreign, []);
  });
});

describe('长辈版 (elderly mode, MIIT 2021)', () => {
  it('has large text, large targets, one column and no motion', async () => {
    const ctx = await ctxFor('1.e');
    const page = await ctx.newPage();
    await page.goto(app.base + '/');
    const m = await page.evaluate(() => {
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      const small = [];
      const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = tw.nextNode(); n; n = tw.nextNode()) {
        const el = n.parentElement;
        if (!n.textContent.trim() || el.closest('.vh,[hidden],script')) continue;
        if (px(el) < 24) small.push(`${el.tagName}.${el.className} ${px(el)}px "${n.textContent.trim().slice(0, 12)}"`);
      }
      const targets = [];
      for (const el of document.querySelectorAll('button, input, select, .access-btn, .mainnav a, .tiles a')) {
        const r = el.getBoundingClientRect();
        if (r.width && (r.height < 44 || r.width < 44)) targets.push(`${el.tagName} ${el.textContent.trim().slice(0, 10)} ${r.width}x${r.height}`);
      }
      return { body: px(document.body), small, targets, cols: getComputedStyle(document.querySelector('.home-grid')).gridTemplateColumns.split(' ').length,
        animations: document.getAnimations().length, exit: !!document.querySelector('button[value=elderly-off]') };
    });
    assert.ok(m.body >= 24, `body text ${m.body}px, want ≥ 24px (18 pt)`);
    assert.deepEqual(m.small, [], 'text smaller than 18 pt');
    assert.deepEqual(m.targets, [], 'targets smaller than 44 × 44 px');
    assert.equal(m.cols, 1, 'one column');
    assert.equal(m.animations, 0);
    assert.ok(m.exit, 'a clear 退出长辈版');
    await page.goto(app.base + '/items/' + ids.seed);
    assert.ok(parseFloat(await page.locator('.body').evaluate((e) => getComputedStyle(e).fontSize)) >= 24);
    assert.deepEqual(ctx.problems, []);
  });
});

describe('reflow, zoom, weight and print', () => {
  const main = () => ['/', '/columns/zcwj', '/items/' + ids.seed, '/xxgk/catalogue', '/search?q=' + encodeURIComponent('政务公开'), '/search?q=', '/a11y', '/xxgk/guide', ids.revision];

  for (const [label, width, prefs, shots] of [['320 px', 320, '', 'mobile-normal'], ['320 px elderly', 320, '1.e', 'mobile-elderly'],
    ['320 px contrast + toolbar', 320, '1.sc.b', 'mobile-contrast'], ['200 % zoom (640 px)', 640, ''], ['200 % zoom elderly', 640, '1.e'],
    ['200 % zoom, text 175 %', 640, '1.t4.b']]) {
    it(`no horizontal scrolling at ${label}`, async () => {
      const ctx = await ctxFor(prefs, { viewport: { width, height: 800 }, deviceScaleFactor: width === 640 ? 2 : 1 });
      const page = await ctx.newPage();
      for (const path of main()) {
        await page.goto(app.base + path);
        const sw = await page.evaluate(() => document.scrollingElement.scrollWidth);
        assert.ok(sw <= width, `${path}: scrollWidth ${sw} > ${width}`);
        if (shots && (path === '/' || path === '/items/' + ids.seed)) await screenshot(page, `${shots}-${path === '/' ? 'home' : 'item'}`);
      }
    });
  }

  it('the item page weighs under 60 KB and asks no other host', async (t) => {
    const ctx = await ctxFor();
    const page = await ctx.newPage();
    const responses = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(app.base + '/items/' + ids.seed, { waitUntil: 'load' });
    let total = 0;
    const parts = [];
    for (const r of responses) {
      const s = await r.request().sizes();
      const n = s.responseBodySize + s.responseHeadersSize;
      total += n;
      parts.push(`${new URL(r.url()).pathname} ${n} B (${r.headers()['content-encoding'] || 'identity'})`);
      assert.ok(r.url().startsWith(app.base + '/'), `third-party request: ${r.url()}`);
    }
    t.diagnostic(`item page: ${total} bytes transferred: ${parts.join(', ')}`);
    console.log(`# item page weight: ${total} bytes (${(total / 1024).toFixed(1)} KB): ${parts.join(', ')}`);
    assert.ok(responses.some((r) => /\.css$/.test(r.url())) && responses.some((r) => /\.js$/.test(r.url())));
    assert.ok(total < 60 * 1024, `item page ${total} bytes, budget 61440`);
  });

  it('prints an item as the document', async () => {
    const ctx = await ctxFor('1.e.sd.b');
    const page = await ctx.newPage();
    await page.goto(app.base + '/items/' + ids.seed);
    await page.emulateMedia({ media: 'print' });
    const r = await page.evaluate(() => ({
      hidden: ['.masthead', '.sitefoot', '.a11ybar', '.prevnext', '.tools'].map((s) => getComputedStyle(document.querySelector(s)).display),
      body: getComputedStyle(document.querySelector('.body')).display,
      color: getComputedStyle(document.body).color, bg: getComputedStyle(document.body).backgroundColor,
      size: getComputedStyle(document.documentElement).fontSize,
    }));
    assert.deepEqual(r.hidden, ['none', 'none', 'none', 'none', 'none']);
    assert.equal(r.body, 'block');
    assert.equal(r.color, 'rgb(0, 0, 0)');
    assert.equal(r.bg, 'rgb(255, 255, 255)');
    assert.equal(r.size, '16px'); // 12 pt
    await screenshot(page, 'print-item');
  });
});

after(() => {
  console.log(`# screenshots written to ${artifacts}`);
});
