// Browser tests of interviews, open days and new media (issue 11): an
// answer given by staff over HTTP appears live on two readers' open pages
// (server-sent events, no reload), and axe-core's WCAG 2.1 A/AA rules pass
// on the public pages in every display mode.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, staffSession } from '../lib/app.mjs';
import { launch, newContext, axeCheck, MODES } from '../lib/browser.mjs';

let app, browser, staff;
const contexts = [];
const ids = {};

async function staffPost(path, fields) {
  const r = await fetch(app.base + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', cookie: staff.cookie },
    body: new URLSearchParams({ csrf: staff.csrf, ...fields }),
  });
  if (r.status !== 303) throw new Error(`POST ${path}: ${r.status}: ${(await r.text()).slice(0, 300)}`);
  return r.headers.get('location');
}

async function ask(id, body) {
  const c = await (await fetch(app.base + '/captcha/interview-question/new')).json();
  const r = await fetch(`${app.base}/api/v1/interviews/${id}/questions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ asker: '兰山网友', body, captcha_token: c.token, captcha_answer: app.captchaAnswer('interview-question', c.token) }),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text).id;
}

before(async () => {
  app = await startApp();
  browser = await launch();
  staff = await staffSession(app.base, 'office');
  const all = await (await fetch(app.base + '/api/v1/interviews')).json();
  ids.archived = all.interviews.find((x) => x.status === 'archived').id;
  const evs = await (await fetch(app.base + '/api/v1/events')).json();
  ids.upcoming = evs.events.find((x) => x.signup_open).id;
  ids.held = evs.events.find((x) => x.status === 'reported').id;
  const loc = await staffPost('/admin/interviews', {
    title: '公共法律服务体系建设在线访谈', topic: '12348 热线和公共法律服务中心', guests: '孙八，公共法律服务管理科科长',
    starts_at: '2026-12-01T09:30', department_id: '0',
  });
  ids.live = loc.match(/\/admin\/interviews\/(\d+)/)[1];
  await staffPost(`/admin/interviews/${ids.live}/status`, { to: 'live' });
  ids.q = await ask(ids.live, '12348 热线夜间有人接听吗？');
  await staffPost(`/admin/interviews/${ids.live}/questions/${ids.q}/moderate`, { decision: 'approve' });
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

describe('an interview answer appears live on open pages', () => {
  it('two readers see the guest answer without reloading', async () => {
    const readers = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await newContext(browser, app.base);
      contexts.push(ctx);
      const page = await ctx.newPage();
      await page.goto(`${app.base}/interviews/${ids.live}`);
      await page.locator(`#q-${ids.q}`).waitFor();
      assert.match(await page.locator(`#q-${ids.q}`).innerText(), /待嘉宾回答/);
      readers.push({ ctx, page });
    }
    // Each page marks itself so a reload would be noticed.
    for (const r of readers) await r.page.evaluate(() => { window.__notReloaded = true; });
    // Let the readers' event streams connect before the answer is given.
    await Promise.all(readers.map((r) => r.page.locator('#interview[data-live-open="1"]').waitFor()));
    await staffPost(`/admin/interviews/${ids.live}/questions/${ids.q}/answer`, { guest: '孙八', answer: '12348 热线全天24小时有人接听。' });
    for (const r of readers) {
      await r.page.locator(`#q-${ids.q} .a-body`).waitFor({ timeout: 15000 });
      assert.equal(await r.page.locator(`#q-${ids.q} .a-body`).innerText(), '12348 热线全天24小时有人接听。');
      assert.match(await r.page.locator(`#q-${ids.q}`).innerText(), /孙八答/);
      assert.equal(await r.page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
      assert.deepEqual(r.ctx.problems, [], 'script errors or CSP violations');
    }
  });
});

function pages() {
  return [
    { name: 'interviews', path: '/interviews' },
    { name: 'archived interview', path: `/interviews/${ids.archived}` },
    { name: 'live interview with the question form', path: `/interviews/${ids.live}` },
    { name: 'events', path: '/events' },
    { name: 'upcoming open day with sign-up', path: `/events/${ids.upcoming}` },
    { name: 'held open day with its report', path: `/events/${ids.held}` },
    { name: 'new media directory', path: '/newmedia' },
    { name: 'home page with the new media block', path: '/' },
  ];
}

describe('axe-core: WCAG 2.1 A and AA on the interview, event and new-media pages', () => {
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
          assert.equal(resp.status(), 200, `${cur.path}: HTTP status`);
          const violations = await axeCheck(page);
          assert.equal(violations.length, 0, `${cur.path} in ${mode.name} mode:\n${violations.join('\n')}`);
        });
      }
    });
  }
});
