// Browser tests of 重要部署执行公开 and 建议提案办理 (issue 13, seed task 6):
// axe-core's WCAG 2.1 A/AA rules in every display mode on the year's task
// overview (filtered and with a bad filter), a task's timeline, the
// proposals' 总体情况 with the replies, and the three list kinds' pages;
// the back office's progress form and its 协办意见 form, used as staff would.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, staffSession } from '../lib/app.mjs';
import { launch, newContext, MODES, axeInEveryMode, axeCheck, screenshot } from '../lib/browser.mjs';

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
  { name: 'task overview', path: '/execution?year=2025' },
  { name: 'late tasks', path: '/execution?year=2025&state=late' },
  { name: 'bad filter', path: '/execution?state=nope' },
  { name: 'task timeline', path: '/execution/tasks/2025-01' },
  { name: 'no such task', path: '/execution/tasks/nope', status: 404 },
  { name: 'proposals overview', path: '/execution/proposals?year=2025' },
  { name: 'task list', path: '/lists/execution_tasks' },
  { name: 'progress list', path: '/lists/execution_progress' },
  { name: 'reply list', path: '/lists/proposal_replies' },
  { name: 'withheld reply', path: '/lists/proposal_replies/rows/19-5-0170' },
  { name: 'second reply', path: '/lists/proposal_replies/rows/14-5-0115' },
  { name: 'co-handler opinions', path: '/lists/proposal_co_opinions' },
];

describe('axe-core: WCAG 2.1 A and AA on the execution and proposal pages', () => {
  axeInEveryMode(() => ({ browser, base: app.base, contexts }), () => pages);
});

describe('the overview and the timeline', () => {
  it('counts the year by state and lists the timeline in order', async () => {
    const ctx = await newContext(browser, app.base, MODES[0].prefs); contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + '/execution?year=2025');
    assert.match(await page.textContent('body'), /2025年共有任务 8 项/);
    await page.goto(app.base + '/execution/tasks/2025-01');
    const dates = await page.$$eval('.timeline time', (ts) => ts.map((t) => t.getAttribute('datetime')));
    assert.deepEqual(dates, [...dates].sort(), 'timeline in date order');
    assert.ok(dates.length >= 4);
    await page.goto(app.base + '/execution/proposals?year=2025');
    assert.match(await page.textContent('body'), /共承办建议提案 16 件/);
  });
});

describe('谁落实、谁公开: a department posts progress on its own task', () => {
  it('the 法制科 editor posts on 2025-06 and it is public at once; another department may not', async () => {
    const fzk = await staffSession(app.base, 'fzk');
    const ctx = await newContext(browser, app.base, MODES[0].prefs); contexts.push(ctx);
    await ctx.addCookies(fzk.cookie.split('; ').map((c) => {
      const i = c.indexOf('=');
      return { name: c.slice(0, i), value: c.slice(i + 1), url: app.base };
    }));
    const page = await ctx.newPage();
    await page.goto(app.base + '/admin/execution/tasks/2025-06');
    const axe = await axeCheck(page);
    assert.deepEqual(axe, [], JSON.stringify(axe, null, 1));
    await page.fill('#f-summary', '浏览器测试进展');
    await page.fill('#f-progress', '完成全年法治体检回访');
    await page.fill('#f-percent', '100');
    await page.fill('#f-reported_on', '2025-12-30');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/progress"] button')]);
    assert.match(await page.textContent('body'), /进展已填报并公开/);
    await screenshot(page, 'execution-admin-task');
    await page.goto(app.base + '/execution/tasks/2025-06');
    assert.match(await page.textContent('body'), /浏览器测试进展/);
    await page.goto(app.base + '/admin/execution/tasks/2025-03');
    assert.match(await page.textContent('body'), /由公共法律服务管理科填报/);
    assert.equal(await page.locator('#f-summary').count(), 0);
  });
});

describe('协办意见: the office records a co-handler\'s opinion', () => {
  it('the form passes axe, files 市财政局\'s opinion and lists it; the public sees only the unit and date', async () => {
    const office = await staffSession(app.base, 'office');
    const ctx = await newContext(browser, app.base, MODES[0].prefs); contexts.push(ctx);
    await ctx.addCookies(office.cookie.split('; ').map((c) => {
      const i = c.indexOf('=');
      return { name: c.slice(0, i), value: c.slice(i + 1), url: app.base };
    }));
    const page = await ctx.newPage();
    await page.goto(app.base + '/admin/execution/proposals/19-5-0156/co-opinions');
    const axe = await axeCheck(page);
    assert.deepEqual(axe, [], JSON.stringify(axe, null, 1));
    // Sent to the lead unit without its text: the field's error, in place.
    await page.selectOption('#f-co_unit', '市财政局');
    await page.fill('#f-received_on', '2025-03-12');
    await page.fill('#f-sent_on', '2025-04-09');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/co-opinions"] button')]);
    assert.equal(await page.getAttribute('#f-opinion', 'aria-invalid'), 'true');
    assert.deepEqual(await axeCheck(page), []);
    await page.fill('#f-opinion', '浏览器测试：财政资金已列入年度预算');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/co-opinions"] button')]);
    const body = await page.textContent('body');
    assert.match(body, /协办意见已填报/);
    assert.match(body, /浏览器测试：财政资金已列入年度预算/);
    await screenshot(page, 'execution-admin-co-opinion');
    const pub = await (await fetch(app.base + '/lists/proposal_co_opinions')).text();
    assert.match(pub, /市财政局/);
    assert.doesNotMatch(pub, /浏览器测试：财政资金/);
  });
});
