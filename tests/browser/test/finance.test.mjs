// Browser tests of 财政信息 (issue 13, seed task 7): axe-core's WCAG 2.1 A/AA
// rules in every display mode on the budget and final-accounts pages (the
// tables with captions, units and header scopes, the year-on-year
// comparison) and on the procurement list kinds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeInEveryMode } from '../lib/browser.mjs';

let app, browser, budget;
const contexts = [];

before(async () => {
  app = await startApp();
  browser = await launch();
  const r = await (await fetch(`${app.base}/api/v1/finance/reports?kind=budget&year=2025`)).json();
  assert.ok(r.reports.length > 0, 'no 2025 budget');
  budget = r.reports[0];
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

function pages() {
  return [
    { name: 'finance index', path: '/finance' },
    { name: 'finance index filtered', path: '/finance?kind=final&year=2024' },
    { name: '2025 budget', path: `/finance/reports/${budget?.id}` },
    { name: 'procurement intentions', path: '/lists/procurement_intentions' },
    { name: 'procurement notices filtered', path: '/lists/procurement_notices?notice_type=result' },
    { name: 'procurement notices of a year', path: '/lists/procurement_notices?notice_date=2025' },
    { name: 'procurement notices, bad year', path: '/lists/procurement_notices?notice_date=20x' },
    { name: 'public-resource transactions', path: '/lists/resource_transactions' },
  ];
}

describe('axe-core: WCAG 2.1 A and AA on the finance pages', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), pages);
});

describe('what the budget page says', () => {
  it('states units in captions and compares with last year', async () => {
    const ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${app.base}/finance/reports/${budget.id}`);
    const captions = await page.locator('main table caption').allInnerTexts();
    assert.ok(captions.length >= 9, `${captions.length} tables`);
    for (const c of captions) assert.match(c, /单位：(万元|元)/);
    assert.ok(await page.locator('main th[scope="colgroup"]').count() > 0, 'merged header cells');
    assert.match(await page.locator('#h-yoy').locator('..').innerText(), /%/);
  });
});
