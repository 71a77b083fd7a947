// Browser tests of the structured lists' public pages (issue 12): axe-core's
// WCAG 2.1 A/AA rules in every display mode, and the filter form used with
// the keyboard and without JavaScript.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeCheck, MODES } from '../lib/browser.mjs';

let app, browser;
const contexts = [];
const ids = {};

before(async () => {
  app = await startApp();
  browser = await launch();
  const eds = await (await fetch(app.base + '/api/v1/lists/power_list/editions')).json();
  ids.first = eds.editions[eds.editions.length - 1].id;
  ids.current = eds.editions[0].id;
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

function pages() {
  return [
    { name: 'lists', path: '/lists' },
    { name: 'power list', path: '/lists/power_list' },
    { name: 'power list filtered', path: '/lists/power_list?power_type=license&q=' + encodeURIComponent('律师') },
    { name: 'power list no results', path: '/lists/power_list?q=' + encodeURIComponent('没有这样的事项') },
    { name: 'power list bad filter', path: '/lists/power_list?power_type=nope' },
    { name: 'row', path: '/lists/power_list/rows/XK-LS-001' },
    { name: 'row removed since', path: '/lists/power_list/rows/CF-FY-TL27-01', status: 410 },
    { name: 'editions', path: '/lists/power_list/editions' },
    { name: 'earlier edition', path: '/lists/power_list/editions/' + ids.first },
    { name: 'diff', path: `/lists/power_list/diff?from=${ids.first}&to=${ids.current}` },
    { name: 'boundary list', path: '/lists/duty_boundary' },
    { name: 'proof items', path: '/lists/proof_items' },
  ];
}

describe('axe-core: WCAG 2.1 A and AA on the list pages', () => {
  for (const mode of MODES) {
    describe(`${mode.name} mode`, () => {
      let ctx, page;
      before(async () => { ctx = await newContext(browser, app.base, mode.prefs); contexts.push(ctx); page = await ctx.newPage(); });
      after(() => {
        assert.deepEqual(ctx.problems, [], 'script errors or CSP violations');
        assert.deepEqual(ctx.foreign, [], 'requests to other hosts');
      });
      for (const p of pages()) {
        it(p.name, async () => {
          const cur = pages().find((x) => x.name === p.name);
          const resp = await page.goto(app.base + cur.path);
          assert.equal(resp.status(), cur.status || 200, `${cur.path}: HTTP status`);
          const violations = await axeCheck(page);
          assert.equal(violations.length, 0, `${cur.path} in ${mode.name} mode:\n${violations.join('\n')}`);
        });
      }
    });
  }
});

describe('filters without JavaScript, by keyboard', () => {
  it('chooses a power type and submits the form', async () => {
    const ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + '/lists/power_list');
    await page.focus('#l-power_type');
    await page.selectOption('#l-power_type', 'award');
    await page.focus('#l-q');
    await Promise.all([page.waitForURL(/power_type=award/), page.keyboard.press('Enter')]);
    const table = await page.locator('table.items').innerText();
    assert.match(table, /行政奖励/);
    assert.doesNotMatch(table, /行政处罚|行政许可/);
    const rows = await page.locator('table.items tbody tr').count();
    assert.ok(rows >= 5, `${rows} award rows`);
  });
});
