// Throwaway: screenshots of the annual report pages on a running demo.
import { chromium } from 'playwright-core';
const base = process.argv[2];
const out = process.argv[3];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'] });
const ctx = await b.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
const page = await ctx.newPage();
await page.goto(base + '/admin/login');
await page.fill('input[name=name]', 'office');
await page.fill('input[name=password]', 'gongkai-demo-2021');
await Promise.all([page.waitForNavigation(), page.click('button[type=submit], input[type=submit]')]);
for (const [name, path] of [['draft', '/admin/annual/2025'], ['compare', '/admin/annual/compare?a=2024&b=2025'],
  ['cell', '/admin/annual/2025/cell?table=requests&row=new&col=total'], ['index', '/admin/annual']]) {
  const r = await page.goto(base + path);
  console.log(name, r.status());
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}
const pub = await (await b.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })).newPage();
for (const [name, path] of [['public', '/annual-reports/2025'], ['public-index', '/annual-reports']]) {
  const r = await pub.goto(base + path);
  console.log(name, r.status());
  await pub.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}
await b.close();
