// Builds the gongkai binary from the repository and runs the demo site on
// a free loopback port with a fresh data directory, for one test run.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = process.env.GONGKAI_ROOT || path.resolve(here, '..', '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** startApp builds and starts `gongkai serve --demo`; call stop() when done. */
export async function startApp() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-browser-'));
  const bin = path.join(tmp, 'gongkai');
  // A known CAPTCHA key, so that captchaAnswer can answer the public
  // forms' challenges as a person would (`gongkai captcha answer`).
  const captchaKey = Array.from({ length: 64 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const env = { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH || ''}`, GONGKAI_CAPTCHA_KEY: captchaKey };
  // scripts/test.sh builds the binary once for every spec (GONGKAI_BIN);
  // a spec run by hand builds its own.
  if (process.env.GONGKAI_BIN) fs.copyFileSync(process.env.GONGKAI_BIN, bin);
  else execFileSync('go', ['build', '-o', bin, './cmd/gongkai'], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  fs.chmodSync(bin, 0o755);
  const addr = `127.0.0.1:${await freePort()}`;
  const proc = spawn(bin, ['serve', '--demo', '--data', path.join(tmp, 'data'), '--addr', addr, '--log', 'warn'],
    { cwd: tmp, env, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = null;
  proc.on('exit', (code, sig) => { exited = `exit ${code ?? sig}`; });
  const base = `http://${addr}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`gongkai serve stopped before it was ready (${exited})`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error('gongkai serve did not answer /healthz within 90 s'); }
    await sleep(250);
  }
  async function stop() {
    if (!exited) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([gone, sleep(10_000)]);
      if (!exited) proc.kill('SIGKILL');
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  /** captchaAnswer is the answer to the challenge token of form. */
  function captchaAnswer(form, token) {
    return execFileSync(bin, ['captcha', 'answer', form, token], { env, encoding: 'utf8' }).trim();
  }
  return { base, stop, captchaAnswer };
}

/** staffSession logs in as a demo user through the HTTP form and returns
 *  a cookie header and the session's form token (for admin POSTs). */
export async function staffSession(base, name, password = 'gongkai-demo-2021') {
  const r = await fetch(base + '/admin/login', {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, password }),
  });
  if (r.status !== 303) throw new Error(`login ${name}: status ${r.status}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await (await fetch(base + '/admin', { headers: { cookie } })).text();
  const m = page.match(/name="csrf" value="([^"]+)"/);
  if (!m) throw new Error('no form token on /admin');
  return { cookie, csrf: m[1] };
}

/** withdraw takes a published item off the site (the 410 page). */
export async function withdraw(base, id, reason) {
  const s = await staffSession(base, 'office');
  const r = await fetch(`${base}/admin/items/${id}/withdraw`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', cookie: s.cookie },
    body: new URLSearchParams({ csrf: s.csrf, reason }),
  });
  if (r.status !== 303) throw new Error(`withdraw ${id}: status ${r.status}: ${(await r.text()).slice(0, 300)}`);
}
