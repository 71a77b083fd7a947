// Browser test of the messages (留言, issue 11): a visitor without
// JavaScript reaches the error-report form from the footer, leaves a
// message through the public form (keeping what was typed when a field is
// wrong, answering the self-hosted CAPTCHA), reads the tracking number and
// query code and opens the status page. axe-core checks the form, its error
// state, the receipt and the status page, and every public page of the
// messages in every display mode (WCAG 2.1 AA).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../lib/app.mjs';
import { launch, newContext, axeCheck, MODES } from '../lib/browser.mjs';

let app, browser, ctx, jsCtx;

before(async () => {
  app = await startApp();
  browser = await launch();
  ctx = await newContext(browser, app.base, '', { javaScriptEnabled: false });
  jsCtx = await newContext(browser, app.base); // axe-core needs JavaScript
});

after(async () => {
  if (ctx) await ctx.close().catch(() => {});
  if (jsCtx) await jsCtx.close().catch(() => {});
  if (browser) await browser.close();
  if (app) await app.stop();
});

// axeClean checks a no-JS page's current HTML in a JavaScript-enabled page.
async function axeClean(page, what) {
  const p = await jsCtx.newPage();
  await p.route('**/__axe', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: '' }));
  await p.goto(app.base + '/__axe');
  await p.setContent(await page.content(), { waitUntil: 'load' });
  const v = await axeCheck(p);
  await p.close();
  assert.deepEqual(v, [], `${what}: axe violations\n${v.join('\n')}`);
}

const submit = (page) => Promise.all([page.waitForLoadState('load'), page.click('form[action="/messages/new"] button:text-is("提交留言")')]);

describe('留言 without JavaScript', () => {
  it('reaches the error-report form from the footer', async () => {
    const page = await ctx.newPage();
    await page.goto(app.base + '/');
    await Promise.all([page.waitForLoadState('load'), page.click('footer a:text-is("我为政府网站找错")')]);
    assert.match(await page.textContent('h1'), /我为政府网站找错/);
    assert.ok(await page.isChecked('input[name="category"][value="error"]'));
    assert.equal(await page.inputValue('#f-page_url'), '/');
    await page.close();
  });

  it('leaves a message and reads its status page', async () => {
    const page = await ctx.newPage();
    await page.goto(app.base + '/messages/new');
    await axeClean(page, 'form');
    await page.check('input[name="category"][value="legal"]');
    await page.fill('#f-title', '申请法律援助需要什么条件');
    await page.fill('#f-body', '我父亲工伤后单位不赔偿，家里困难，能申请法律援助吗？');
    await page.fill('#f-contact', '13912345678');
    // The no-JS preview: answered messages that may already answer it.
    await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("先看看已有的答复")')]);
    assert.match(await page.textContent('#h-sug'), /可能已经解答/);
    assert.equal(await page.inputValue('#f-title'), '申请法律援助需要什么条件');
    await axeClean(page, 'form with suggestions');
    // No name: kept, explained, linked from the summary.
    await page.fill('#captcha-answer', 'abcde');
    await submit(page);
    assert.match(await page.textContent('.error-summary'), /姓名/);
    assert.equal(await page.getAttribute('#f-name', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#f-body'), '我父亲工伤后单位不赔偿，家里困难，能申请法律援助吗？');
    await axeClean(page, 'form with errors');
    await page.fill('#f-name', '王小明');
    const token = await page.inputValue('input[name="captcha_token"]');
    await page.fill('#captcha-answer', app.captchaAnswer('message', token));
    await submit(page);
    const no = (await page.textContent('#tracking-no')).trim();
    const code = (await page.textContent('#query-code')).trim();
    assert.match(no, /^LY\d{4}-\d{5}$/);
    assert.match(code, /^[A-Z2-9]{8}$/);
    await axeClean(page, 'receipt');

    await page.goto(app.base + '/messages/status');
    await page.fill('#s-no', no);
    await page.fill('#s-code', code);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/messages/status"] button[type="submit"]')]);
    assert.match(await page.textContent('#msg-status'), /待分办/);
    const body = await page.textContent('main');
    assert.ok(body.includes('王**'), 'the name is masked');
    assert.ok(!body.includes('13912345678'), 'no contact in the clear');
    await axeClean(page, 'status');
    await page.close();
  });
});

describe('axe-core on the messages pages in every display mode', () => {
  let detail;
  before(async () => {
    const list = await (await fetch(app.base + '/api/v1/messages')).json();
    assert.ok(list.total > 100, `the demo year has answered messages (${list.total})`);
    detail = list.messages[0].url;
  });
  for (const mode of MODES) {
    it(`${mode.name} mode`, async () => {
      const mctx = await newContext(browser, app.base, mode.prefs);
      const page = await mctx.newPage();
      for (const path of ['/messages', detail, '/messages/stats?year=2025', '/messages/stats?year=2025&month=10', '/messages/faq', '/messages/new', '/messages/status']) {
        const resp = await page.goto(app.base + path);
        assert.equal(resp.status(), 200, path);
        const v = await axeCheck(page);
        assert.deepEqual(v, [], `${path} in ${mode.name} mode:\n${v.join('\n')}`);
      }
      assert.deepEqual(mctx.problems, [], 'script errors or CSP violations');
      assert.deepEqual(mctx.foreign, [], 'requests to other hosts');
      await mctx.close();
    });
  }
});
