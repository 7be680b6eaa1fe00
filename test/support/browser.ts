/**
 * Real chromium for the dashboard tests and bench, driven by playwright-core (never a
 * downloaded browser). Without chromium the browser tests skip with a reason, unless CI=true,
 * where chromium is provided and a skip would hide a broken dashboard.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { repoRoot } from './server-process.js';

export const chromiumPath = process.env.SRE_MONITOR_CHROMIUM ?? '/usr/bin/chromium';
export const webRoot = path.join(repoRoot, 'web', 'dist');
export const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');

/** Why browser tests cannot run here, or null when they can. Throws under CI. */
export function browserSkipReason(): string | null {
  if (existsSync(chromiumPath)) return null;
  const reason = `no chromium at ${chromiumPath} (apt-get install -y --no-install-recommends chromium, or set SRE_MONITOR_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Builds web/dist when it is missing (a test run straight after a fresh checkout). */
export async function ensureDashboardBuilt(): Promise<void> {
  if (existsSync(path.join(webRoot, 'index.html'))) return;
  await build({ configFile: path.join(repoRoot, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

/** Collects console errors, page errors and failed or 4xx/5xx requests of one page. */
export function watchProblems(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Navigating away aborts in-flight reads and the live socket; that is not a failure.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return { problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A phone-sized dark context, for the small-screen screenshots. */
export const phoneView = { viewport: { width: 390, height: 844 }, colorScheme: 'dark' } as const;

/**
 * A browser context on `baseUrl` logged in with `token` through `POST /api/v1/session` (the
 * session cookie lands in the context); 1280 x 900 and light unless told otherwise.
 */
export async function loggedInContext(browser: Browser, baseUrl: string, token: string, options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: options.viewport ?? { width: 1280, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const response = await context.request.post('/api/v1/session', { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(201);
  return context;
}

/** Navigates to `path` and waits (10 s at most) for the first element matching `ready`. */
export async function openPage(page: Page, path: string, ready: string): Promise<void> {
  await page.goto(path);
  await page.locator(ready).first().waitFor({ timeout: 10_000 });
}
