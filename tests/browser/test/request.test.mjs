// Browser test of disclosure on request (issue 9): a visitor without
// JavaScript files a request through the public form, keeps what was typed
// when a field is wrong, reads the tracking number and query code, and
// opens the status page with masked personal data. axe-core checks the form,
// its error state, the receipt and the status page (WCAG 2.1 AA).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, staffSession } from '../lib/app.mjs';
import { launch, newContext, axeCheck } from '../lib/browser.mjs';

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

// axeClean loads the page's current HTML into a JavaScript-enabled page
// (axe-core runs as a script) and checks it.
async function axeClean(page, what) {
  const p = await jsCtx.newPage();
  await p.route('**/__axe', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: '' }));
  await p.goto(app.base + '/__axe');
  await p.setContent(await page.content(), { waitUntil: 'load' });
  const v = await axeCheck(p);
  await p.close();
  assert.deepEqual(v, [], `${what}: axe violations\n${v.join('\n')}`);
}

describe('依申请公开 without JavaScript', () => {
  it('files a request and reads its status page', async () => {
    const page = await ctx.newPage();
    // From the 依申请公开 column of the catalogue to the form.
    await page.goto(app.base + '/columns/ysqgk');
    await page.goto(app.base + '/request');
    assert.match(await page.textContent('h1'), /政府信息公开申请/);
    await axeClean(page, 'form');

    await page.check('input[name="kind"][value="natural_person"]');
    await page.fill('#f-name', '王小明');
    await page.fill('#f-id_number', '12345'); // wrong: kept and explained
    await page.fill('#f-phone', '13912345678');
    await page.fill('#f-email', 'wxm@example.com');
    await page.fill('#f-title', '法律援助经费');
    await page.fill('#f-description', '请提供2024年度法律援助经费使用情况。');
    await page.check('input[name="delivery"][value="email"]');
    await page.fill('#captcha-answer', 'abcde'); // the answer field is required
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/request"] button:text-is("提交申请"):not(.vh)')]);
    assert.match(await page.textContent('.error-summary'), /证件号码/);
    assert.equal(await page.inputValue('#f-name'), '王小明');
    assert.equal(await page.inputValue('#f-description'), '请提供2024年度法律援助经费使用情况。');
    assert.equal(await page.getAttribute('#f-id_number', 'aria-invalid'), 'true');
    await axeClean(page, 'form with errors');

    await page.fill('#f-id_number', '37130219900101123X');
    assert.equal(await page.inputValue('#captcha-answer'), ''); // a new challenge after the form came back
    // The CAPTCHA: a wrong answer keeps everything typed and says so; then
    // the answer a person would read from the image.
    await page.fill('#captcha-answer', 'wrong');
    // Enter in a field submits the application (the form's default
    // button), not the suggestion search placed earlier in the form.
    await Promise.all([page.waitForLoadState('load'), page.press('#captcha-answer', 'Enter')]);
    assert.match(await page.textContent('.error-summary'), /验证码/);
    assert.equal(await page.inputValue('#f-id_number'), '37130219900101123X');
    await axeClean(page, 'form with a wrong CAPTCHA answer');
    const token = await page.inputValue('input[name="captcha_token"]');
    await page.fill('#captcha-answer', app.captchaAnswer('request', token));
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/request"] button:text-is("提交申请"):not(.vh)')]);
    const no = (await page.textContent('#tracking-no')).trim();
    const code = (await page.textContent('#query-code')).trim();
    assert.match(no, /^YSQ\d{4}-\d{5}$/);
    assert.match(code, /^[A-Z2-9]{10}$/);
    await axeClean(page, 'receipt');

    await page.goto(app.base + '/request/status');
    await page.fill('#s-no', no);
    await page.fill('#s-code', code);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/request/status"] button[type="submit"]')]);
    assert.match(await page.textContent('#req-status'), /待确认收到/);
    const body = await page.textContent('main');
    assert.ok(body.includes('王**'), 'the name is masked');
    assert.ok(body.includes('139****5678'), 'the phone is masked');
    assert.ok(!body.includes('13912345678') && !body.includes('37130219900101123X'), 'no personal data in the clear');
    assert.match(body, /政府信息公开申请回执/);
    await axeClean(page, 'status');
    await page.close();
  });

  it('the office reviews a notice letter as HTML before the applicant can read it', async () => {
    const session = await staffSession(app.base, 'office');
    const staff = await newContext(browser, app.base, '', { javaScriptEnabled: false });
    await staff.addCookies(session.cookie.split('; ').map((c) => {
      const i = c.indexOf('=');
      return { name: c.slice(0, i), value: c.slice(i + 1), url: app.base };
    }));
    const page = await staff.newPage();
    await page.goto(app.base + '/admin/requests/new');
    await page.fill('#f-name', '李四');
    await page.fill('#f-id_number', '37130219900101123X');
    await page.fill('#f-phone', '13912345678');
    await page.fill('#f-address', '山东省临沂市兰山区金雀山路1号');
    await page.fill('#f-title', '法律援助经费');
    await page.fill('#f-description', '请提供2025年度法律援助经费使用情况。');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/admin/requests"] button[type="submit"]')]);
    const code = (await page.textContent('#query-code')).trim();
    const no = (await page.textContent('h1')).replace('政府信息公开申请', '').trim();
    await page.click('summary:text-is("作出答复")');
    await page.selectOption('#replied-decision', 'partially_disclosed');
    await page.fill('#replied-investigation', '经查，所需信息由本机关制作并保存。');
    await page.fill('#replied-answer', '现提供可以公开的部分。');
    await Promise.all([page.waitForLoadState('load'), page.click('details[open] form button:text-is("登记")')]);
    assert.match(await page.textContent('main'), /待审核送出/);
    await Promise.all([page.waitForLoadState('load'), page.click('a:text-is("查看答复告知书")')]);
    assert.match(await page.textContent('.gk-letter'), /政府信息部分公开告知书/);
    await axeClean(page, 'the letter preview');

    // Not yet sent: the applicant's status page offers no letter.
    const pub = await ctx.newPage();
    const lookUp = async () => {
      await pub.goto(app.base + '/request/status');
      await pub.fill('#s-no', no);
      await pub.fill('#s-code', code);
      await Promise.all([pub.waitForLoadState('load'), pub.click('form[action="/request/status"] button[type="submit"]')]);
    };
    await lookUp();
    assert.equal(await pub.locator('button:text-is("查看答复告知书")').count(), 0);

    // The review box must be ticked; then the letter is sent.
    await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("审核无误，登记送出")')]);
    assert.match(await page.textContent('main'), /已核对/);
    await page.goBack();
    await page.check('input[name="reviewed"]');
    await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("审核无误，登记送出")')]);
    assert.match(await page.textContent('main'), /已审核送出/);

    await lookUp();
    await Promise.all([pub.waitForLoadState('load'), pub.click('button:text-is("查看答复告知书")')]);
    const letter = await pub.textContent('.gk-letter');
    assert.match(letter, /政府信息部分公开告知书/);
    assert.match(letter, /现提供可以公开的部分/);
    await axeClean(pub, 'the applicant\'s letter');
    await pub.close();
    await staff.close();
  });
});
