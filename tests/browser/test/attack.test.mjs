// The attack corpus in Chromium (issue 16). internal/app/attack_test.go
// sends every payload of tests/attack/payloads.txt through every input and
// checks the HTML; this loads the pages that show payload records in a real
// browser, so what the HTML parser of a browser makes of them is checked
// too. Records are stored through the API (a token issued in the back
// office), published and left as drafts, then every public and back-office
// page that shows them is opened with
//   - the page's CSP bypassed, so escaping is tested on its own and not
//     hidden behind the CSP (which would block an injected inline script);
//   - a dialog trap and a global gkxss() the payloads call;
//   - a DOM check: no element or attribute from a payload (on* handlers,
//     javascript: URLs, <script> calling gkxss, gkxattr, <gkxtag>).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startApp, staffSession, repoRoot } from '../lib/app.mjs';
import { launch } from '../lib/browser.mjs';

// loadPayloads decodes the corpus as internal/app does (\n \r \t \\ \xHH,
// GKID, @LONG:n:text); bytes that are not UTF-8 become U+FFFD here.
function loadPayloads() {
  const text = fs.readFileSync(path.join(repoRoot, 'tests', 'attack', 'payloads.txt'), 'utf8');
  const decode = (s) => {
    const bytes = [];
    const raw = Buffer.from(s, 'utf8');
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c !== 0x5c || i + 1 === raw.length) { bytes.push(c); continue; }
      const n = String.fromCharCode(raw[i + 1]);
      if (n === 'n') { bytes.push(10); i++; } else if (n === 'r') { bytes.push(13); i++; } else if (n === 't') { bytes.push(9); i++; } else if (n === '\\') { bytes.push(0x5c); i++; } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(raw[i + 2], raw[i + 3]))) {
        bytes.push(parseInt(String.fromCharCode(raw[i + 2], raw[i + 3]), 16)); i += 3;
      } else bytes.push(c);
    }
    return Buffer.from(bytes).toString('utf8');
  };
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const long = line.match(/^@LONG:(\d+):(.*)$/);
    out.push(long ? decode(long[2]).repeat(Number(long[1])) : decode(line));
  }
  return out;
}

let app, browser;
const records = { published: [], drafts: [] };
let admin;
let id = 0;
const sent = new Map(); // marker id → payload

function mark(p) {
  return p.replaceAll('GKID', () => { id++; sent.set(id, p); return String(id); });
}

before(async () => {
  app = await startApp();
  browser = await launch();
  admin = await staffSession(app.base, 'admin');
  // An API token for the office, issued in the back office.
  const tokensPage = await (await fetch(app.base + '/admin/tokens', { headers: { cookie: admin.cookie } })).text();
  const office = tokensPage.match(/<option value="(\d+)"[^>]*>office（/);
  assert.ok(office, 'the office user on /admin/tokens');
  const issued = await fetch(app.base + '/admin/tokens', {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', cookie: admin.cookie },
    body: new URLSearchParams({ csrf: admin.csrf, user_id: office[1], name: '攻击测试', expires: '30d' }),
  });
  const token = (await issued.text()).match(/gk_[A-Za-z0-9_-]{20,}/);
  assert.ok(token, `a token issued (status ${issued.status})`);
  const cols = await (await fetch(app.base + '/api/v1/columns')).json();
  const flat = (cs) => cs.flatMap((c) => [c, ...flat(c.children || [])]);
  const gzdt = flat(cols.columns).find((c) => c.slug === 'gzdt');
  assert.ok(gzdt, 'the 工作动态 column');

  // The payloads that would leave markup, spread over the free-text
  // fields of 30 records: 24 published, 6 drafts.
  const xss = loadPayloads().filter((p) => /gkx/.test(p) && p.length < 2000);
  const fields = ['title', 'summary', 'body', 'author', 'keywords', 'publisher'];
  const n = 30;
  for (let r = 0; r < n; r++) {
    const body = { column_id: gzdt.id, doc_type: 'news', department: '法制科', disclosure: 'proactive', publish: r < 24 };
    fields.forEach((f, k) => { body[f] = mark(xss[(r * fields.length + k) % xss.length]).slice(0, f === 'title' ? 200 : 500); });
    let res = await fetch(app.base + '/api/v1/items', {
      method: 'POST', headers: { Authorization: 'Bearer ' + token[0], 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    if (res.status === 422) {
      // A payload a field refuses: keep the record with a plain title.
      body.title = '攻击测试 ' + r;
      res = await fetch(app.base + '/api/v1/items', {
        method: 'POST', headers: { Authorization: 'Bearer ' + token[0], 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
    }
    assert.ok(res.status === 201 || res.status === 422, `POST /api/v1/items: status ${res.status}: ${(await res.clone().text()).slice(0, 300)}`);
    if (res.status === 201) (body.publish ? records.published : records.drafts).push((await res.json()).id);
  }
  assert.ok(records.published.length >= 12, `published payload records: ${records.published.length}`);
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

// inspect reports what a payload did in the page now loaded.
function inspect(page) {
  return page.evaluate(() => {
    const out = [];
    const js = (v) => /^(javascript|vbscript):|^data:text\/html/i.test((v || '').replace(/[\s\u0000-\u001f]+/g, ''));
    for (const el of document.querySelectorAll('*')) {
      if (/gkx/i.test(el.localName)) out.push(`<${el.localName}>`);
      for (const a of el.attributes) {
        const n = a.name.toLowerCase();
        if (n.includes('gkx')) out.push(`<${el.localName} ${n}>`);
        else if (n.startsWith('on') && /gkx/.test(a.value)) out.push(`<${el.localName} ${n}="${a.value.slice(0, 80)}">`);
        else if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'background', 'poster'].includes(n) && /gkx/.test(a.value) && (js(a.value) || n === 'srcdoc')) out.push(`<${el.localName} ${n}="${a.value.slice(0, 80)}">`);
        else if (n === 'style' && /gkx/.test(a.value) && /expression\(|url\(\s*['"]?javascript/i.test(a.value)) out.push(`<${el.localName} style="${a.value.slice(0, 80)}">`);
      }
      if ((el.localName === 'script' || el.localName === 'style') && /gkxss/.test(el.textContent)) out.push(`<${el.localName}>${el.textContent.slice(0, 80)}`);
    }
    return { dom: out, ran: window.__gkx || [] };
  });
}

// visitor is one tab that loads pages in turn, with a dialog trap.
async function visitor(ctx) {
  const page = await ctx.newPage();
  let dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  return {
    page,
    async visit(url) {
      dialogs = [];
      await page.goto(app.base + url, { waitUntil: 'load' });
      return { dialogs, ...(await inspect(page)) };
    },
  };
}

async function context(cookie) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: true, locale: 'zh-CN' });
  await ctx.addInitScript(() => {
    window.__gkx = [];
    window.gkxss = (n) => { window.__gkx.push(n); };
  });
  if (cookie) {
    await ctx.addCookies(cookie.split('; ').map((c) => {
      const [name, ...v] = c.split('=');
      return { name, value: v.join('='), url: app.base };
    }));
  }
  return ctx;
}

function assertClean(url, r) {
  const why = [...r.dom, ...r.ran.map((n) => `gkxss(${n}) ran: ${sent.get(n)}`), ...r.dialogs.map((d) => `dialog: ${d}`)];
  assert.deepEqual(why, [], `${url}: a payload became markup or ran`);
}

describe('stored payloads in Chromium', () => {
  it('the detector sees a payload that runs', async () => {
    const ctx = await context('');
    try {
      const v = await visitor(ctx);
      await v.page.goto(app.base + '/');
      await v.page.setContent('<p>x</p><img src=x onerror="gkxss(0)"><a href="javascript:gkxss(0)">x</a><b gkxattr=1></b>', { waitUntil: 'load' });
      await v.page.waitForFunction(() => window.__gkx.length > 0, null, { timeout: 5000 });
      const r = await inspect(v.page);
      assert.deepEqual(r.ran, [0]);
      assert.equal(r.dom.length, 3, r.dom.join(' '));
    } finally {
      await ctx.close();
    }
  });

  it('public pages showing them: items, column, home, search, catalogue', async () => {
    const ctx = await context('');
    try {
      const urls = [...records.published.map((i) => '/items/' + i), '/', '/columns/gzdt', '/columns/gzdt?page=2', '/xxgk/catalogue',
        '/search?q=' + encodeURIComponent('gkxss'), '/search?q=' + encodeURIComponent('script'), '/search?q=' + encodeURIComponent('img')];
      const v = await visitor(ctx);
      for (const u of urls) assertClean(u, await v.visit(u));
    } finally {
      await ctx.close();
    }
  });

  it('back-office pages showing them: item pages, edit forms, lists', async () => {
    const s = await staffSession(app.base, 'admin');
    const ctx = await context(s.cookie);
    try {
      const all = [...records.drafts, ...records.published.slice(0, 12)];
      const urls = [...all.map((i) => '/admin/items/' + i), ...all.slice(0, 5).map((i) => `/admin/items/${i}/edit`),
        '/admin', '/admin/items', '/admin/items?status=draft', '/admin/items?q=' + encodeURIComponent('gkxss'), '/admin/tokens', '/admin/audit'];
      const v = await visitor(ctx);
      for (const u of urls) assertClean(u, await v.visit(u));
    } finally {
      await ctx.close();
    }
  });

  it('reflected payloads: search and list filters', async () => {
    const ctx = await context('');
    try {
      const xss = loadPayloads().filter((p) => /gkx/.test(p) && p.length < 300);
      const v = await visitor(ctx);
      for (let k = 0; k < xss.length; k += 12) {
        const p = mark(xss[k]);
        for (const u of ['/search?q=' + encodeURIComponent(p), '/columns/zcwj?year=' + encodeURIComponent(p) + '&publisher=' + encodeURIComponent(p)]) {
          assertClean(u, await v.visit(u));
        }
      }
    } finally {
      await ctx.close();
    }
  });
});
