// Browser tests of 经验报送 (issue 13, seed task 11): axe-core's WCAG 2.1
// A/AA rules in every display mode on the public yearly statistics and on
// the back office's list and a submission's page (as the office, which
// sees every form: review, forwarding, use, publication, upload), and the
// 工作动态 item published from a selected submission.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, staffSession } from '../lib/app.mjs';
import { launch, newContext, axeInEveryMode } from '../lib/browser.mjs';

let app, browser, session;
const contexts = [];
const ids = {};

before(async () => {
  app = await startApp();
  browser = await launch();
  session = await staffSession(app.base, 'office');
  const list = await (await fetch(app.base + '/admin/practice?year=2025&status=selected', { headers: { cookie: session.cookie } })).text();
  const all = [...list.matchAll(/href="\/admin\/practice\/(\d+)"/g)].map((m) => m[1]);
  assert.ok(all.length > 0, 'selected submissions in the demo');
  // One published (its page links the item) and one not (its page has the publication form).
  for (const id of all) {
    const page = await (await fetch(app.base + '/admin/practice/' + id, { headers: { cookie: session.cookie } })).text();
    const m = page.match(/href="\/items\/(\d+)"/);
    if (m && !ids.item) { ids.item = m[1]; ids.published = id; }
    if (!m && !ids.open) ids.open = id;
  }
  assert.ok(ids.item && ids.open, 'a published and an unpublished selected submission');
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

function pages() {
  return [
    { name: 'public statistics', path: '/practice/stats?year=2025' },
    { name: 'published 工作动态 item', path: '/items/' + ids.item },
    { name: 'back office list', path: '/admin/practice?year=2025', staff: true },
    { name: 'a selected submission', path: '/admin/practice/' + ids.open, staff: true },
    { name: 'a published submission', path: '/admin/practice/' + ids.published, staff: true },
  ];
}

async function login(ctx) {
  const cookies = session.cookie.split('; ').map((c) => {
    const i = c.indexOf('=');
    return { name: c.slice(0, i), value: c.slice(i + 1), url: app.base };
  });
  await ctx.addCookies(cookies);
}

describe('axe-core: WCAG 2.1 A and AA on the good-practice pages', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), pages, login);
});

describe('the public statistics', () => {
  it('show the 2025 totals and link both exports', async () => {
    const ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + '/practice/stats?year=2025');
    const total = await page.locator('tr', { hasText: '合计' }).innerText();
    assert.match(total, /20\s+11\s+7\s+5\s+3/);
    const csv = await (await fetch(app.base + (await page.locator('a', { hasText: 'CSV' }).getAttribute('href')))).text();
    assert.ok(csv.includes('合计,20,11,7,5,3'), csv);
  });
});
