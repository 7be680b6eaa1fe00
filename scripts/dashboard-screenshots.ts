/**
 * Screenshots of the dashboard pages for docs/screenshots/, taken from a running server (e.g.
 * `npm start`, after it has run a few minutes so SLOs and charts have data):
 *   npx tsx scripts/dashboard-screenshots.ts [URL] [OUT_DIR]
 * Uses the system chromium through playwright-core, like the browser tests.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const baseUrl = process.argv[2] ?? 'http://127.0.0.1:8080';
const outDir = process.argv[3] ?? 'docs/screenshots';
const shots: Array<{ name: string; path: string; ready: string; phone?: boolean }> = [
  { name: 'overview', path: '/', ready: '[data-service]' },
  { name: 'monitor', path: '/monitors/backend-api-orders', ready: 'figure.chart canvas' },
  { name: 'slo', path: '/slos/backend-api-availability', ready: 'figure.chart canvas' },
  { name: 'monitors-phone-dark', path: '/monitors', ready: '.monitor-row', phone: true },
];

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.SRE_MONITOR_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    for (const shot of shots) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: shot.phone ? { width: 390, height: 760 } : { width: 1280, height: 860 },
        colorScheme: shot.phone ? 'dark' : 'light',
      });
      const page = await context.newPage();
      await page.goto(shot.path);
      await page.locator(shot.ready).first().waitFor({ timeout: 15_000 });
      await page.locator('.connection-live').waitFor({ timeout: 5_000 });
      const file = path.join(outDir, `${shot.name}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

await main();
