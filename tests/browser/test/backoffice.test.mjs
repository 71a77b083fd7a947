// Browser tests of the back office (issue 15): axe-core's WCAG 2.1 A/AA
// rules in every display mode on the workbench, the self-inspection, the
// item form (new, edit, proposed change) and the item page with a proposed
// change's difference; keyboard use of the item form (filling and saving
// it, the document picker) and of the dashboards; the merge form after a
// conflict; screenshots of the dashboard and the item form.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, staffSession } from '../lib/app.mjs';
import { launch, newContext, axeCheck, axeInEveryMode, screenshot } from '../lib/browser.mjs';

let app, browser;
const contexts = [];
const sessions = {};
const ids = {};

before(async () => {
  app = await startApp();
  browser = await launch();
  for (const name of ['office', 'fzk', 'reviewer']) sessions[name] = await staffSession(app.base, name);
  // A published 法制科 policy (for a proposed change) and its title.
  const r = await fetch(app.base + '/api/v1/items?doc_type=policy&limit=100');
  const policies = (await r.json()).items.filter((x) => x.department === '法制科');
  assert.ok(policies.length > 0, 'a published 法制科 policy');
  ids.policy = policies[0].id;
  ids.title = policies[0].title;
  // The editor proposes a change through the HTTP form.
  const form = await (await fetch(`${app.base}/admin/items/${ids.policy}/propose`, { headers: { cookie: sessions.fzk.cookie } })).text();
  const body = new URLSearchParams();
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="(radio|checkbox)"/.test(tag) && !/ checked/.test(tag)) continue;
    if (/type="(file|search)"/.test(tag)) continue;
    const v = tag.match(/value="([^"]*)"/);
    body.append(m[1], v ? unescape(v[1]) : '');
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) body.append(m[1], unescape(m[2]));
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = m[2].match(/<option value="([^"]*)" selected>/);
    body.append(m[1], sel ? sel[1] : '');
  }
  body.set('title', ids.title + '（修订）');
  body.set('change_note', '补充施行日期');
  body.set('body', body.get('body') + '<p>本通知自发布之日起施行。</p>');
  const res = await fetch(`${app.base}/admin/items/${ids.policy}/propose`, {
    method: 'POST', redirect: 'manual', headers: { cookie: sessions.fzk.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  assert.equal(res.status, 303, `propose: ${(await res.text()).slice(0, 500)}`);
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

function unescape(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function login(name) {
  return async (ctx) => {
    const cookies = sessions[name].cookie.split('; ').map((c) => {
      const i = c.indexOf('=');
      return { name: c.slice(0, i), value: c.slice(i + 1), url: app.base };
    });
    await ctx.addCookies(cookies);
  };
}

async function staffPage(name, options = {}) {
  const ctx = await newContext(browser, app.base, '', options);
  contexts.push(ctx);
  await login(name)(ctx);
  return ctx.newPage();
}

describe('axe-core: WCAG 2.1 A and AA on the office back office', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), () => [
    { name: 'workbench', path: '/admin' },
    { name: 'compliance', path: '/admin/compliance' },
    { name: 'new policy form', path: '/admin/items/new?type=policy' },
    { name: 'new interpretation form', path: '/admin/items/new?type=interpretation' },
    { name: 'edit form of a published item', path: `/admin/items/${ids.policy}/edit` },
    { name: 'item page with a proposed change', path: `/admin/items/${ids.policy}` },
  ], login('office'));
});

describe('axe-core on the editor\'s and reviewer\'s pages', () => {
  const pages = [
    ['fzk', 'editor workbench', '/admin'],
    ['fzk', 'editor compliance', '/admin/compliance'],
    ['fzk', 'proposed change form', () => `/admin/items/${ids.policy}/propose`],
    ['reviewer', 'reviewer workbench', '/admin'],
    ['reviewer', 'reviewer item page with the difference', () => `/admin/items/${ids.policy}`],
  ];
  for (const [who, name, path] of pages) {
    it(name, async () => {
      const page = await staffPage(who);
      const p = typeof path === 'function' ? path() : path;
      const resp = await page.goto(app.base + p);
      assert.equal(resp.status(), 200, p);
      const v = await axeCheck(page);
      assert.equal(v.length, 0, `${p} as ${who}:\n${v.join('\n')}`);
    });
  }
});

/** tabUntil presses Tab until the focused element matches selector (at
 *  most max presses); it returns the number of presses and asserts that
 *  every element focused on the way is visible and shows a focus ring. */
async function tabUntil(page, selector, max = 200) {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { none: true };
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return {
        match: el.matches(sel), tag: el.tagName, name: el.getAttribute('name') || el.textContent.trim().slice(0, 20),
        visible: r.width > 0 && r.height > 0,
        // A date input's last stop is its calendar button, inside the
        // browser's own shadow tree: the browser draws that focus ring.
        ring: cs.outlineStyle !== 'none' || cs.boxShadow !== 'none' || cs.backgroundColor === 'rgb(255, 221, 0)' || /^date/.test(el.type),
      };
    }, selector);
    if (f.none) continue;
    assert.ok(f.visible, `focused ${f.tag} ${f.name} is not visible`);
    assert.ok(f.ring, `focused ${f.tag} ${f.name} shows no focus indicator`);
    if (f.match) return n;
  }
  assert.fail(`Tab never reached ${selector}`);
}

describe('keyboard use of the item form', () => {
  it('a draft is filled and saved with the keyboard only', async () => {
    const page = await staffPage('fzk');
    await page.goto(app.base + '/admin/items/new?type=general');
    await tabUntil(page, '#f-column_id');
    // The first list column for 一般信息 by arrow key.
    await page.keyboard.press('ArrowDown');
    await tabUntil(page, '#f-title');
    await page.keyboard.type('键盘起草的信息');
    await tabUntil(page, 'input[name=disclosure][value=proactive]');
    await page.keyboard.press('Space');
    await tabUntil(page, '#f-body');
    await page.keyboard.type('第一段正文。');
    await tabUntil(page, '#f-files');
    await tabUntil(page, '#item-form button[type=submit]:not([name])');
    await screenshot(page, 'backoffice-item-form');
    await Promise.all([page.waitForURL(/\/admin\/items\/\d+\?done=created/), page.keyboard.press('Enter')]);
    assert.match(await page.locator('main').innerText(), /已保存为草稿/);
    ids.draft = page.url().match(/\/admin\/items\/(\d+)/)[1];
  });

  it('the document picker is searched and chosen with the keyboard', async () => {
    const page = await staffPage('fzk');
    await page.goto(app.base + '/admin/items/new?type=interpretation');
    await tabUntil(page, '#q-interprets');
    const words = [...ids.title].slice(4, 9).join('');
    await page.keyboard.type(words);
    // Enter searches (the script), it does not save the form.
    await page.keyboard.press('Enter');
    const status = page.locator('#s-interprets');
    await status.filter({ hasText: '找到' }).waitFor({ timeout: 5000 });
    assert.match(page.url(), /\/admin\/items\/new\?type=interpretation$/);
    const box = page.locator('[data-picker=interprets] input[name=interprets]').first();
    await box.focus();
    await page.keyboard.press('Space');
    assert.equal(await box.isChecked(), true);
    assert.ok((await page.locator('[data-picker=interprets] label').first().innerText()).length > 4, 'hits are titled');
    await screenshot(page, 'backoffice-picker');
  });

  it('the picker works without script (search and pick)', async () => {
    const page = await staffPage('fzk', { javaScriptEnabled: false });
    await page.goto(app.base + '/admin/items/new?type=interpretation');
    await page.fill('#q-interprets', [...ids.title].slice(4, 9).join(''));
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=find_interprets]')]);
    await page.waitForSelector('[data-picker=interprets] input[name=interprets]');
    assert.match(await page.locator('#s-interprets').innerText(), /找到/);
  });
});

describe('keyboard use of the dashboards', () => {
  it('the workbench queue is reached and opened with the keyboard', async () => {
    const page = await staffPage('reviewer');
    await page.goto(app.base + '/admin');
    await screenshot(page, 'backoffice-workbench-reviewer');
    await tabUntil(page, `a[href="/admin/items/${ids.policy}#h-proposal"]`);
    await Promise.all([page.waitForURL(new RegExp(`/admin/items/${ids.policy}`)), page.keyboard.press('Enter')]);
    assert.match(await page.locator('#h-proposal').innerText(), /修改提议/);
    assert.match(await page.locator('table.diff').innerText(), /修订/);
    await screenshot(page, 'backoffice-proposal-diff');
  });

  it('the office workbench and the compliance page are usable by Tab', async () => {
    const page = await staffPage('office');
    await page.goto(app.base + '/admin');
    await screenshot(page, 'backoffice-workbench');
    await tabUntil(page, 'a[href="/admin/compliance"]');
    await page.goto(app.base + '/admin/compliance');
    await screenshot(page, 'backoffice-compliance');
    const links = await page.locator('main a').count();
    assert.ok(links > 0, 'compliance page has links');
    await tabUntil(page, 'main a');
  });

  it('the editor sees their department\'s part of the compliance page', async () => {
    const page = await staffPage('fzk');
    const resp = await page.goto(app.base + '/admin/compliance');
    assert.equal(resp.status(), 200);
    await page.goto(app.base + '/admin');
    await screenshot(page, 'backoffice-workbench-editor');
  });
});

describe('the merge form after a conflict', () => {
  it('shows the other person\'s change and saves the merge', async () => {
    assert.ok(ids.draft, 'the keyboard test saved a draft');
    const editor = await staffPage('fzk');
    await editor.goto(`${app.base}/admin/items/${ids.draft}/edit`);
    const office = await staffPage('office');
    await office.goto(`${app.base}/admin/items/${ids.draft}/edit`);
    await office.fill('#f-title', '键盘起草的信息（办公室改）');
    await Promise.all([office.waitForURL(/done=saved/), office.click('#item-form button[type=submit]:not([name])')]);
    await editor.fill('#f-summary', '编辑写的摘要');
    const [resp] = await Promise.all([editor.waitForResponse((r) => r.request().method() === 'POST'), editor.click('#item-form button[type=submit]:not([name])')]);
    assert.equal(resp.status(), 409);
    await editor.waitForLoadState('load');
    const panel = await editor.locator('#h-merge').locator('..').innerText();
    assert.match(panel, /键盘起草的信息（办公室改）/);
    const v = await axeCheck(editor);
    assert.equal(v.length, 0, v.join('\n'));
    await screenshot(editor, 'backoffice-merge-form');
    await Promise.all([editor.waitForURL(/done=saved/), editor.click('#item-form button[type=submit]:not([name])')]);
    const meta = await editor.locator('main').innerText();
    assert.match(meta, /键盘起草的信息（办公室改）/);
  });
});
