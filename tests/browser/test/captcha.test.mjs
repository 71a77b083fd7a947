// Browser test of the public forms' CAPTCHA partial (internal/web/captcha.go,
// templates/partials/captcha.html) on the test-only form /guestbook served by
// tests/browser/captchaserver (the whole application plus that form):
//   - axe-core's WCAG 2.1 A/AA rules on the form in every display mode, in
//     its first state, after a wrong answer and as a text question;
//   - without JavaScript: a wrong answer shows the error linked to the field
//     and keeps the text; the switch to a text question keeps it too; Enter
//     in the answer field submits the form (not 换一张);
//   - with JavaScript: 换一张 fetches a new image in place, announced.
// Run alone: node --test test/captcha.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../lib/app.mjs';
import { launch, newContext, axeCheck, MODES } from '../lib/browser.mjs';

let base, proc, tmp, browser;
const contexts = [];

async function startServer() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-captcha-'));
  const bin = path.join(tmp, 'captchaserver');
  const env = { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH || ''}` };
  execFileSync('go', ['build', '-o', bin, './tests/browser/captchaserver'], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  proc = spawn(bin, ['--data', path.join(tmp, 'data'), '--addr', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('captchaserver did not start within 90 s')), 90_000);
    proc.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/listening (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => reject(new Error(`captchaserver exited (${code})`)));
  });
}

async function ctxFor(prefs = '', options = {}) {
  const ctx = await newContext(browser, base, prefs, options);
  contexts.push(ctx);
  return ctx;
}

before(async () => {
  await startServer();
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close();
  if (browser) await browser.close();
  if (proc) {
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await gone;
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function noViolations(page, what) {
  const v = await axeCheck(page);
  assert.equal(v.length, 0, `${what}:\n${v.join('\n')}`);
}

describe('CAPTCHA partial', () => {
  for (const mode of MODES) {
    it(`passes axe in ${mode.name} mode: fresh, after a wrong answer, as a question`, async () => {
      // axe needs scripts (its timers do not run in a context without
      // them); the partial's script does not touch these steps.
      const ctx = await ctxFor(mode.prefs);
      const page = await ctx.newPage();
      await page.goto(base + '/guestbook');
      await noViolations(page, `fresh form, ${mode.name}`);
      await page.fill('#body', '测试留言');
      await page.fill('#captcha-answer', 'wrong');
      await Promise.all([page.waitForNavigation(), page.click('button:has-text("提交留言")')]);
      await noViolations(page, `after a wrong answer, ${mode.name}`);
      await Promise.all([page.waitForNavigation(), page.click('button[value=question]')]);
      await noViolations(page, `as a question, ${mode.name}`);
      assert.deepEqual(ctx.problems, [], 'script errors or CSP violations');
      assert.deepEqual(ctx.foreign, [], 'requests to other hosts');
    });
  }

  it('without JavaScript: the error is linked, the text kept, the switch keeps it, Enter submits', async () => {
    const ctx = await ctxFor('', { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(base + '/guestbook');
    const img = await page.locator('.captcha-img');
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth === 240), 'the image loads');
    const text = '请问办理法律援助需要哪些材料？';
    await page.fill('#body', text);
    await page.fill('#captcha-answer', 'wrong');
    // Enter in the answer field: the form's submit, not 换一张.
    await Promise.all([page.waitForNavigation(), page.press('#captcha-answer', 'Enter')]);
    const err = await page.locator('#captcha-error').textContent();
    assert.match(err, /验证码不正确/);
    assert.equal(await page.inputValue('#body'), text, 'the text is kept');
    const answer = page.locator('#captcha-answer');
    assert.equal(await answer.getAttribute('aria-invalid'), 'true');
    assert.match(await answer.getAttribute('aria-describedby'), /captcha-error/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'captcha-answer', 'focus on the answer after an error');
    // The accessible name of the answer field comes from its label.
    const name = await page.evaluate(() => document.querySelector('label[for=captcha-answer]').textContent);
    assert.equal(name, '图片中的字符');

    await Promise.all([page.waitForNavigation(), page.click('button[value=question]')]);
    const q = await page.locator('label[for=captcha-answer]').textContent();
    assert.match(q, /^问题：.+？/);
    assert.equal(await page.locator('.captcha-img').count(), 0, 'no image in question mode');
    assert.match(await page.locator('.captcha-status').textContent(), /已改为文字问题/);
    assert.equal(await page.inputValue('#body'), text, 'the switch keeps the text');
  });

  it('with JavaScript: 换一张 gets a new image in place', async () => {
    const ctx = await ctxFor();
    const page = await ctx.newPage();
    await page.goto(base + '/guestbook');
    await page.fill('#body', '保留的文字');
    const before = await page.inputValue('input[name=captcha_token]');
    const url = page.url();
    await Promise.all([page.waitForResponse((r) => r.url().includes('/captcha/guestbook/new')), page.click('[data-captcha-new]')]);
    await page.waitForFunction((t) => document.querySelector('input[name=captcha_token]').value !== t, before);
    assert.equal(page.url(), url, 'no page load');
    assert.equal(await page.inputValue('#body'), '保留的文字');
    const src = await page.locator('.captcha-img').getAttribute('src');
    assert.ok(src.includes(await page.inputValue('input[name=captcha_token]')), 'the image is the new challenge');
    assert.match(await page.locator('.captcha-status').textContent(), /已换一张新的验证码/);
    assert.deepEqual(ctx.problems, [], 'script errors or CSP violations');
  });
});
