// Browser tests of the 双随机、一公开 public pages (issue 12): axe-core's WCAG
// 2.1 A/AA rules in every display mode on the overview, a plan, a draw (its
// inputs, hashes, result and how to recompute it) and the three registries.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeInEveryMode } from '../lib/browser.mjs';

let app, browser;
const contexts = [];
const ids = {};

before(async () => {
  app = await startApp();
  browser = await launch();
  const plans = await (await fetch(app.base + '/api/v1/inspect/plans?year=2025')).json();
  ids.plan = plans.plans[0].id;
  const plan = await (await fetch(app.base + '/api/v1/inspect/plans/' + ids.plan)).json();
  ids.draw = plan.draws[0].id;
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

function pages() {
  return [
    { name: 'overview', path: '/inspect' },
    { name: 'plan', path: '/inspect/plans/' + ids.plan },
    { name: 'draw', path: '/inspect/draws/' + ids.draw },
    { name: 'no such draw', path: '/inspect/draws/999999', status: 404 },
    { name: 'item list', path: '/lists/inspection_items' },
    { name: 'target registry', path: '/lists/inspection_targets' },
    { name: 'inspector registry', path: '/lists/inspectors' },
  ];
}

describe('axe-core: WCAG 2.1 A and AA on the random-inspection pages', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), pages);
});

describe('the draw page links its verification file and script', () => {
  it('downloads both, and the file carries the hashes the page shows', async () => {
    const ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + '/inspect/draws/' + ids.draw);
    const href = await page.locator('a', { hasText: 'JSON 文件' }).getAttribute('href');
    const file = await (await fetch(app.base + href)).json();
    const text = await page.locator('main').innerText();
    assert.ok(text.includes(file.inputs.targets.sha256), 'the target snapshot hash is on the page');
    assert.ok(text.includes(file.inputs_sha256), 'the inputs hash is on the page');
    assert.equal(file.result.targets.length, 5);
    const script = await (await fetch(app.base + '/inspect/verify-draw.py')).text();
    assert.match(script, /^#!\/usr\/bin\/env python3/);
  });
});
