// Browser tests of the enforcement publicity and service guide pages
// (issue 12, 行政执法公示 and 办事指南): axe-core's WCAG 2.1 A/AA rules in every
// display mode, on the list pages of the new kinds, a decision on a natural
// person (masked), the flowcharts (inline SVG with a text alternative), the
// certificate lookup and the yearly figures.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeInEveryMode } from '../lib/browser.mjs';

let app, browser;
const contexts = [];
const rows = {};

async function firstRow(kind, filter) {
  const r = await (await fetch(`${app.base}/api/v1/lists/${kind}/rows?limit=100${filter || ''}`)).json();
  assert.ok(r.rows.length > 0, `${kind}: no rows`);
  return r.rows[0];
}

before(async () => {
  app = await startApp();
  browser = await launch();
  rows.person = await firstRow('enforcement_decisions', '&party_type=person');
  rows.guide = await firstRow('service_guides');
  rows.staff = await firstRow('enforcement_staff');
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

function pages() {
  return [
    { name: 'bodies', path: '/lists/enforcement_bodies' },
    { name: 'staff', path: '/lists/enforcement_staff' },
    { name: 'matters', path: '/lists/enforcement_matters' },
    { name: 'matter with flowchart', path: '/lists/enforcement_matters/rows/CF-LS-047' },
    { name: 'decisions', path: '/lists/enforcement_decisions' },
    { name: 'decisions filtered', path: '/lists/enforcement_decisions?category=penalty' },
    { name: 'decision on a natural person', path: rows.person?.url },
    { name: 'decision editions (no history links)', path: '/lists/enforcement_decisions/editions' },
    { name: 'guides', path: '/lists/service_guides' },
    { name: 'guide with flowchart', path: rows.guide?.url },
    { name: 'service catalogue', path: '/lists/service_catalog' },
    { name: 'certificate lookup', path: '/enforce/certificates' },
    { name: 'certificate found', path: '/enforce/certificates?no=' + encodeURIComponent(rows.staff?.key || '') },
    { name: 'certificate not found', path: '/enforce/certificates?no=00000' },
    { name: 'certificate bad number', path: '/enforce/certificates?no=' + '9'.repeat(31) },
    { name: 'yearly figures', path: '/enforce/figures?year=2025' },
  ];
}

describe('axe-core: WCAG 2.1 A and AA on the enforcement and guide pages', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), pages);
});

describe('what the pages say', () => {
  it('masks a natural person and draws the flowchart with its text alternative', async () => {
    const ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + rows.person.url);
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /\d{17}[\dX]/, 'an ID number in full');
    assert.match(text, /371\*{11}\d{3}[\dX]/, 'the masked ID number');
    await page.goto(app.base + rows.guide.url);
    const svg = page.locator('svg.flowchart[role="img"]');
    assert.equal(await svg.count(), 1);
    const label = await svg.getAttribute('aria-labelledby');
    assert.equal(label, 'flow-t flow-d');
    const steps = await page.locator('ol.flow-steps li').count();
    assert.equal(await svg.locator('rect').count(), steps, 'one box per step');
    assert.ok(steps >= 4, `${steps} steps`);
  });
});
