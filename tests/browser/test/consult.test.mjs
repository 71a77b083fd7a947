// Browser tests of public participation (issue 10): a visitor without
// JavaScript comments on one article of an open draft (the error state
// first, then the receipt); axe-core's WCAG 2.1 A/AA rules pass on the
// consultation (and its paged comment list), decision-catalogue and
// meeting pages in every display mode,
// and on the comment form's error state.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeCheck, MODES } from '../lib/browser.mjs';

let app, browser, jsCtx;
const contexts = [];
const ids = {};

before(async () => {
  app = await startApp();
  browser = await launch();
  jsCtx = await newContext(browser, app.base); // axe-core needs JavaScript
  contexts.push(jsCtx);
  const open = await (await fetch(app.base + '/api/v1/consultations?state=open')).json();
  const done = await (await fetch(app.base + '/api/v1/consultations?state=feedback')).json();
  ids.open = open.consultations.find((c) => c.title.includes('行政执法公示办法')).id;
  ids.done = done.consultations[0].id;
  const decs = await (await fetch(app.base + '/api/v1/decisions?year=2025')).json();
  ids.decision = decs.decisions[0].id;
  const ms = await (await fetch(app.base + '/api/v1/meetings')).json();
  ids.upcoming = ms.meetings[0].id; // the latest first: the one taking applications
  ids.held = ms.meetings[ms.meetings.length - 1].id;
  const sv = await (await fetch(app.base + '/api/v1/surveys')).json();
  ids.survey = sv.surveys[0].id;
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

// axeClean checks the page's current HTML in a JavaScript-enabled page.
async function axeClean(page, what) {
  const p = await jsCtx.newPage();
  await p.route('**/__axe', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: '' }));
  await p.goto(app.base + '/__axe');
  await p.setContent(await page.content(), { waitUntil: 'load' });
  const v = await axeCheck(p);
  await p.close();
  assert.deepEqual(v, [], `${what}: axe violations\n${v.join('\n')}`);
}

describe('意见征集 without JavaScript', () => {
  it('comments on one article', async () => {
    const ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(app.base + '/consultations');
    await Promise.all([page.waitForLoadState('load'), page.click(`a[href="/consultations/${ids.open}"]`)]);
    const before = await page.textContent('#art-2 .article-meta');
    await Promise.all([page.waitForLoadState('load'), page.click('#art-2 a:text("对第2条发表意见")')]);
    assert.equal(await page.inputValue('#c-article'), '2');
    // No contact: refused, what was typed kept, the error linked to its field.
    await page.fill('#c-body', '建议明确去标识化处理由谁负责审核。');
    await page.fill('#captcha-answer', 'abcde');
    await Promise.all([page.waitForLoadState('load'), page.click('#comment-form button:text-is("提交意见")')]);
    assert.match(await page.textContent('.error-summary'), /联系方式/);
    assert.equal(await page.getAttribute('.error-summary a[href="#c-contact"]', 'href'), '#c-contact');
    assert.equal(await page.inputValue('#c-body'), '建议明确去标识化处理由谁负责审核。');
    assert.equal(await page.getAttribute('#c-contact', 'aria-invalid'), 'true');
    await axeClean(page, 'comment form with errors');

    await page.fill('#c-contact', '13912345678');
    await page.check('input[name="publish_consent"]');
    const token = await page.inputValue('input[name="captcha_token"]');
    await page.fill('#captcha-answer', app.captchaAnswer('consult-comment', token));
    await Promise.all([page.waitForLoadState('load'), page.click('#comment-form button:text-is("提交意见")')]);
    assert.match(await page.textContent('h1'), /意见已提交/);
    assert.match(await page.textContent('#comment-receipt'), /第 \d+ 号/);
    await axeClean(page, 'receipt');
    // Waiting for moderation: the article's count has not changed, and the
    // contact is nowhere on the public page.
    await page.goto(app.base + `/consultations/${ids.open}`);
    assert.equal(await page.textContent('#art-2 .article-meta'), before);
    assert.doesNotMatch(await page.content(), /13912345678/);
  });
});

function pages() {
  return [
    { name: 'consultations', path: '/consultations' },
    { name: 'consultations filtered', path: '/consultations?state=feedback&kind=legislative' },
    { name: 'open consultation with its form', path: `/consultations/${ids.open}` },
    { name: 'consultation with its feedback report', path: `/consultations/${ids.done}` },
    { name: 'an article\'s comments, paged', path: `/consultations/${ids.done}/comments?article=1` },
    { name: 'decision catalogue', path: '/decisions?year=2025' },
    { name: 'decision timeline', path: `/decisions/${ids.decision}` },
    { name: 'meetings', path: '/meetings' },
    { name: 'meeting with attendees', path: `/meetings/${ids.held}` },
    { name: 'meeting taking applications', path: `/meetings/${ids.upcoming}` },
    { name: 'surveys', path: '/surveys' },
    { name: 'survey results with charts', path: `/surveys/${ids.survey}` },
  ];
}

describe('axe-core: WCAG 2.1 A and AA on the participation pages', () => {
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
