// Screenshots of the public and back-office pages in every display mode
// (issue 15: "screenshots of the new home, item and dashboard pages in
// every display mode are written to tests/browser/artifacts/"), with
// axe-core's WCAG 2.1 A/AA rules on each, the back office included. A
// leader's photo is uploaded first through the row form (multipart, as a
// person would), so that 领导信息 shows an image with its text alternative.
// Files: artifacts/screen-<mode>-<page>.png, and -phone for a 390 px
// viewport in normal and elderly modes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startApp, staffSession } from '../lib/app.mjs';
import { launch, newContext, axeCheck, screenshot, MODES, artifacts } from '../lib/browser.mjs';

let app, browser, office;
const contexts = [];
const ids = {};

// png draws a small grey portrait placeholder (w×h, 8-bit greyscale).
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0;
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x - w / 2) / (w / 3), dy = (y - h / 2.6) / (h / 5);
      const head = dx * dx + dy * dy < 1;
      const body = y > h * 0.62 && Math.abs(x - w / 2) < w * 0.4 * ((y - h * 0.55) / (h * 0.45));
      raw[y * (w + 1) + 1 + x] = head || body ? 120 : 215;
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  app = await startApp();
  browser = await launch();
  office = await staffSession(app.base, 'office');
  const r = await fetch(app.base + '/api/v1/items?doc_type=policy&limit=5');
  ids.item = (await r.json()).items[0].id;
  // A draft of 领导信息, leader 01 with a photo, published.
  const d = await fetch(app.base + '/admin/lists/leaders/drafts', {
    method: 'POST', redirect: 'manual',
    headers: { cookie: office.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: office.csrf }),
  });
  assert.equal(d.status, 303, 'new leaders draft');
  ids.draft = new URL(d.headers.get('location'), app.base).pathname;
  const fd = new FormData();
  for (const [k, v] of Object.entries({ csrf: office.csrf, seq: '01', name: '张明（演示）', post: '党委书记、局长', duties: '主持市司法局全面工作。', photo_alt: '张明（演示）的正面照片' })) fd.append(k, v);
  fd.append('photo', new Blob([png(120, 160)], { type: 'image/png' }), 'zhang.png');
  const s = await fetch(app.base + ids.draft + '/rows/01', { method: 'POST', redirect: 'manual', headers: { cookie: office.cookie }, body: fd });
  assert.equal(s.status, 303, `save the photo: ${(await s.text()).slice(0, 300)}`);
  const p = await fetch(app.base + ids.draft + '/publish', {
    method: 'POST', redirect: 'manual',
    headers: { cookie: office.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: office.csrf, effective_on: '2026-11-20', note: '更新领导照片' }),
  });
  assert.equal(p.status, 303, 'publish the leaders');
  // A second draft, left open, for the row form with the photo.
  const d2 = await fetch(app.base + '/admin/lists/leaders/drafts', {
    method: 'POST', redirect: 'manual',
    headers: { cookie: office.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: office.csrf }),
  });
  assert.equal(d2.status, 303, 'second leaders draft');
  ids.rowForm = new URL(d2.headers.get('location'), app.base).pathname + '/rows/01';
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  console.log(`# screenshots written to ${artifacts}`);
});

async function loggedIn(ctx) {
  await ctx.addCookies(office.cookie.split('; ').map((c) => {
    const i = c.indexOf('=');
    return { name: c.slice(0, i), value: c.slice(i + 1), url: app.base };
  }));
}

const pages = () => [
  { name: 'home', path: '/' },
  { name: 'item', path: `/items/${ids.item}` },
  { name: 'leaders', path: '/columns/ldxx' },
  { name: 'contact', path: '/contact' },
  { name: 'admin-workbench', path: '/admin', staff: true },
  { name: 'admin-compliance', path: '/admin/compliance', staff: true },
  { name: 'admin-item', path: `/admin/items/${ids.item}`, staff: true },
  { name: 'admin-item-form', path: '/admin/items/new?type=interpretation', staff: true },
  { name: 'admin-leaders', path: '/admin/lists/leaders', staff: true },
  { name: 'admin-leader-form', path: () => ids.rowForm, staff: true },
];

for (const mode of MODES) {
  describe(`${mode.name} mode`, () => {
    let ctx, page;
    before(async () => {
      ctx = await newContext(browser, app.base, mode.prefs);
      contexts.push(ctx);
      await loggedIn(ctx);
      page = await ctx.newPage();
    });
    after(() => {
      assert.deepEqual(ctx.problems, [], 'script errors or CSP violations');
      assert.deepEqual(ctx.foreign, [], 'requests to other hosts');
    });
    for (const { name } of pages()) {
      it(name, async () => {
        const cur = pages().find((x) => x.name === name);
        const path = typeof cur.path === 'function' ? cur.path() : cur.path;
        const resp = await page.goto(app.base + path);
        assert.equal(resp.status(), 200, `${path}: HTTP status`);
        // Every image has loaded (the leader's photo among them); the ones
        // below the fold load lazily, so they are asked for now.
        await page.evaluate(async () => {
          for (const i of document.images) i.loading = 'eager';
          await Promise.all([...document.images].map((i) => (i.complete ? 0 : new Promise((r) => { i.onload = r; i.onerror = r; }))));
        });
        const broken = await page.evaluate(() => [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src));
        assert.deepEqual(broken, [], `${path}: images that did not load`);
        await screenshot(page, `screen-${mode.name}-${name}`);
        const violations = await axeCheck(page);
        assert.equal(violations.length, 0, `${path} in ${mode.name} mode:\n${violations.join('\n')}`);
      });
    }
  });
}

describe('the leader\'s photo', () => {
  it('is shown with its text alternative and served as PNG', async () => {
    const html = await (await fetch(app.base + '/columns/ldxx')).text();
    const m = html.match(/<img src="(\/lists\/leaders\/images\/[0-9a-f]{32})" alt="张明（演示）的正面照片"/);
    assert.ok(m, 'the photo on 领导信息');
    const r = await fetch(app.base + m[1]);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/png');
  });
});

for (const prefs of [['normal', ''], ['elderly', '1.e']]) {
  describe(`390 px phone, ${prefs[0]} mode`, () => {
    for (const [name, path, staff] of [['home', '/'], ['item', null], ['admin-workbench', '/admin', true]]) {
      it(name, async () => {
        const ctx = await newContext(browser, app.base, prefs[1], { viewport: { width: 390, height: 844 } });
        contexts.push(ctx);
        if (staff) await loggedIn(ctx);
        const page = await ctx.newPage();
        const resp = await page.goto(app.base + (path || `/items/${ids.item}`));
        assert.equal(resp.status(), 200);
        // Nothing wider than the phone (no sideways scrolling).
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await screenshot(page, `screen-phone-${prefs[0]}-${name}`);
        assert.ok(over <= 1, `${name} is ${over} px wider than the phone`);
      });
    }
  });
}
