// Debian's headless Chromium driven by playwright-core, and axe-core.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.CHROME_BIN || '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** The display modes every page is checked in: the value of the gk_prefs
 *  cookie (internal/web/prefs.go). Contrast, dark and plain also show the
 *  toolbar ("b"), so axe checks it too. */
export const MODES = [
  { name: 'normal', prefs: '' },
  { name: 'contrast', prefs: '1.sc.b' },
  { name: 'dark', prefs: '1.sd.b' },
  { name: 'elderly', prefs: '1.e' },
  { name: 'plain', prefs: '1.p.b' },
];

/**
 * newContext opens a browser context for one mode. It records every
 * request's host, script errors and CSP violations, for the checks that
 * the page stays on this site and runs cleanly under its strict CSP.
 */
export async function newContext(browser, base, prefs = '', options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', ...options });
  if (prefs) await ctx.addCookies([{ name: 'gk_prefs', value: prefs, url: base }]);
  const origin = new URL(base).origin;
  ctx.foreign = [];
  ctx.problems = [];
  ctx.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:')) ctx.foreign.push(u);
  });
  ctx.on('page', (page) => watch(page, ctx));
  return ctx;
}

function watch(page, ctx) {
  page.on('pageerror', (err) => ctx.problems.push(`${page.url()}: script error: ${err.message}`));
  page.on('console', (msg) => {
    const t = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(t)) ctx.problems.push(`${page.url()}: ${t}`);
  });
}

/** axeCheck runs axe-core's WCAG 2.1 A and AA rules on the page and returns
 *  readable lines for every violation (empty when the page passes). */
export async function axeCheck(page) {
  // Runtime.evaluate over the devtools protocol: not subject to the page's
  // CSP, which (rightly) refuses an injected <script>.
  await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  const lines = [];
  for (const v of res.violations) {
    lines.push(`${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 8)) lines.push(`    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 240)}`);
  }
  return lines;
}

export const artifacts = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'artifacts');

export async function screenshot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
}

/** axeInEveryMode declares, for every display mode, one test per page:
 *  the page answers with its status (200 unless the page says otherwise)
 *  and axe-core finds no violation; and, per mode, that no script failed
 *  and nothing was fetched from another host. env() returns
 *  { browser, base, contexts } once the spec's before() has run; pages()
 *  returns [{ name, path, status? }] — called at declaration for the names
 *  and again in each test, since paths may be known only once the app runs;
 *  setup(ctx), optional, prepares each new context (a staff login). */
export function axeInEveryMode(env, pages, setup) {
  for (const mode of MODES) {
    describe(`${mode.name} mode`, () => {
      let ctx, page;
      before(async () => {
        const { browser, base, contexts } = env();
        ctx = await newContext(browser, base, mode.prefs);
        contexts.push(ctx);
        if (setup) await setup(ctx);
        page = await ctx.newPage();
      });
      after(() => {
        assert.deepEqual(ctx.problems, [], 'script errors or CSP violations');
        assert.deepEqual(ctx.foreign, [], 'requests to other hosts');
      });
      for (const { name } of pages()) {
        it(name, async () => {
          const cur = pages().find((x) => x.name === name);
          const resp = await page.goto(env().base + cur.path);
          assert.equal(resp.status(), cur.status || 200, `${cur.path}: HTTP status`);
          const violations = await axeCheck(page);
          assert.equal(violations.length, 0, `${cur.path} in ${mode.name} mode:\n${violations.join('\n')}`);
        });
      }
    });
  }
}
