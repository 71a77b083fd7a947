// Browser tests of the annual disclosure report (issue 14): axe-core's WCAG
// 2.1 A/AA rules in every display mode on the list of reports and the demo's
// published 2025 report (real tables with captions, th scope, headers and
// the template's merged cells).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeInEveryMode } from '../lib/browser.mjs';

let app, browser;
const contexts = [];

before(async () => {
  app = await startApp();
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

const pages = [
  { name: 'list', path: '/annual-reports' },
  { name: 'report 2025', path: '/annual-reports/2025' },
  { name: 'unpublished year', path: '/annual-reports/2001', status: 404 },
];

describe('axe-core: WCAG 2.1 A and AA on the annual report pages', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), () => pages);
});

describe('the 2025 report page', () => {
  it('has the three tables with the template layout', async () => {
    const ctx = await newContext(browser, app.base, '');
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + '/annual-reports/2025');
    assert.equal(await page.locator('table.annual-table').count(), 6, 'table 二 four blocks, 三 and 四');
    assert.equal(await page.locator('th[rowspan="22"]').count(), 1, '三、本年度办理结果 spans 22 rows');
    assert.equal(await page.locator('#requests-0 tbody tr').count(), 25, 'table 三 has 25 rows');
    assert.equal(await page.locator('#review_litigation-0 tbody td').count(), 15, 'table 四 has 15 cells');
  });
});
