/**
 * The dashboard in a real chromium against the real server (sqlite, loopback, free port): every
 * page loads without console errors or failed requests, a monitor going down shows up live,
 * an alert is acknowledged through the UI, and a viewer sees no actions. Screenshots land in
 * test-output/screenshots/.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserSkipReason, ensureDashboardBuilt, launchChromium, loggedInContext, openPage, phoneView, screenshot, watchProblems } from '../support/browser.js';
import { createLocalServers } from '../support/local-servers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const skipReason = browserSkipReason();

const configYaml = (target: string) => `
auth:
  anonymous: none
services:
  - name: shop
    display_name: Shop
    team: web
    criticality: critical
    dependencies: [payments]
    links:
      runbook: https://runbooks.example.com/shop
  - name: payments
    display_name: Payments
    criticality: high
monitors:
  - name: shop-home
    service: shop
    kind: http
    interval: 1s
    timeout: 500ms
    circuit_breaker: false
    http: { url: "http://${target}/" }
  - name: payments-api
    service: payments
    kind: http
    interval: 5s
    http: { url: "http://${target}/pay" }
slos:
  - name: shop-availability
    service: shop
    objective: 99.5
    window: 7d
    sli:
      monitor: { name: shop-home, metric: availability }
alerting:
  rules:
    # Holds as soon as shop-home has a latency; pending for an hour.
    - alert: ShopAnswering
      interval: 1s
      expr: { metric: monitor_latency_ms, selector: { monitor: shop-home }, op: ">=", threshold: 0 }
      for: 1h
      labels: { severity: P4 }
      annotations: { summary: "shop-home answers" }
`;

describe.skipIf(skipReason !== null)(`dashboard in chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let t: TestApp;
  let browser: Browser;
  let target: Server;
  const servers = createLocalServers();

  beforeAll(async () => {
    await ensureDashboardBuilt();
    target = createServer((_request, response) => response.end('ok'));
    const address = await servers.listen(target);
    [t, browser] = await Promise.all([startTestApp('sqlite', { yaml: configYaml(address) }), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await servers.closeAll();
  });

  const loggedIn = (token: string, options: Parameters<typeof loggedInContext>[3] = {}) => loggedInContext(browser, t.url, token, options);

  it('logs in with a token through the login form', async () => {
    const context = await browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('API token').fill(t.tokens.responder);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect(page.locator('.who').textContent()).resolves.toContain('test-responder');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('API token').waitFor();
    await context.close();
  });

  it('lets browsers keep the hashed assets and revalidate index.html', async () => {
    const html = await fetch(`${t.url}/monitors`);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const bundle = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(bundle).toBeDefined();
    const asset = await fetch(`${t.url}${bundle}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${t.url}/`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('opens every page without console errors or failed requests (deep links after reload)', async () => {
    const context = await loggedIn(t.tokens.responder);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    // SLOs are evaluated once a minute; evaluate now instead of waiting for the next boundary.
    await t.app.slos.evaluator.evaluateAll(Math.floor(Date.now() / 60_000) * 60_000);
    const pages: Array<[string, string, string]> = [
      ['overview', '/', '[data-service="shop"]'],
      ['service', '/services/shop', 'h2:has-text("Monitors")'],
      ['monitors', '/monitors', '[data-monitor="shop-home"]'],
      ['monitor', '/monitors/shop-home', 'h2:has-text("Uptime, last 90 days")'],
      ['slos', '/slos', '[data-testid="slos-table"]'],
      ['slo', '/slos/shop-availability', 'h2:has-text("Burn rate per alert window")'],
      ['alerts', '/alerts', '#alerts-panel'],
    ];
    for (const [name, path, ready] of pages) {
      await openPage(page, path, ready);
      await page.reload();
      await page.locator(ready).first().waitFor({ timeout: 10_000 });
      await page.locator('.connection-live').waitFor({ timeout: 5_000 });
      await screenshot(page, name);
    }
    const phone = await loggedIn(t.tokens.responder, phoneView);
    const phonePage = await phone.newPage();
    const phoneProblems = watchProblems(phonePage).problems;
    await openPage(phonePage, '/', '[data-service="shop"]');
    await screenshot(phonePage, 'overview-phone-dark');
    await openPage(phonePage, '/monitors', '[data-monitor="shop-home"]');
    await screenshot(phonePage, 'monitors-phone-dark');
    expect([...problems, ...phoneProblems]).toEqual([]);
    await phone.close();
    await context.close();
  });

  it('lists pending rule alerts on the alerts page', async () => {
    const context = await loggedIn(t.tokens.viewer);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    await openPage(page, '/alerts', '#alerts-panel');
    await page.getByRole('tab', { name: /Pending/ }).click();
    const pending = page.locator('[data-pending="ShopAnswering"]');
    await pending.waitFor({ timeout: 5_000 });
    await expect(pending.textContent()).resolves.toMatch(/monitor=shop-home.*severity=P4.*fires at .*shop-home answers/);
    await screenshot(page, 'alerts-pending');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a monitor going down within 2 s, without reload', async () => {
    const context = await loggedIn(t.tokens.viewer);
    const page = await context.newPage();
    await openPage(page, '/monitors', '[data-monitor="shop-home"][data-status="up"]');
    // A marker on the document survives only if the page is not reloaded.
    await page.evaluate('globalThis.liveMarker = true');
    const stoppedAtMs = Date.now();
    await servers.closeAll();
    await page.locator('[data-monitor="shop-home"][data-status="down"]').waitFor({ timeout: 2_000 });
    const seenAfterMs = Date.now() - stoppedAtMs;
    expect(seenAfterMs).toBeLessThan(2_000);
    // Same document: the change arrived over /ws, not through a reload.
    await expect(page.evaluate('globalThis.liveMarker === true')).resolves.toBe(true);
    await screenshot(page, 'monitors-down');
    await context.close();
  });

  it('acknowledges an alert through the UI', async () => {
    const posted = await t.request('/api/v1/alerts', { method: 'POST', token: t.tokens.responder, json: { labels: { alertname: 'CheckoutErrors', service: 'shop', severity: 'critical' }, annotations: { summary: 'checkout errors above 5%' } } });
    expect(posted.status).toBe(201);
    const { fingerprint } = (await posted.json()) as { fingerprint: string };
    const context = await loggedIn(t.tokens.responder);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    await openPage(page, '/alerts', `[data-alert="${fingerprint}"]`);
    await screenshot(page, 'alerts-firing');
    await page.locator(`[data-alert="${fingerprint}"]`).getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator(`[data-alert="${fingerprint}"] [data-testid="acknowledged"]`).waitFor({ timeout: 2_000 });
    const stored = (await (await t.request(`/api/v1/alerts/${fingerprint}`, { token: t.tokens.viewer })).json()) as { acknowledged_by: string };
    expect(stored.acknowledged_by).toBe('test-responder');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('counts firing alerts without a service on the overview, linking to the alerts page', async () => {
    const posted = await t.request('/api/v1/alerts', { method: 'POST', token: t.tokens.responder, json: { labels: { alertname: 'DiskFullNoService', severity: 'warning' } } });
    expect(posted.status).toBe(201);
    const overview = (await (await t.request('/api/v1/overview', { token: t.tokens.viewer })).json()) as { alerts: { firing: number; without_service: number } };
    expect(overview.alerts.without_service).toBe(1);
    const context = await loggedIn(t.tokens.viewer);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    const stat = page.locator('.stat:has-text("Alerts firing")');
    await openPage(page, '/', '.stat:has-text("Alerts firing")');
    // A rule alert on the monitor stopped above may fire while the page loads,
    // so the page shows the count as of some moment between the two API reads.
    const shown = Number(await stat.locator('.stat-value').textContent());
    const after = (await (await t.request('/api/v1/overview', { token: t.tokens.viewer })).json()) as { alerts: { firing: number } };
    expect(shown).toBeGreaterThanOrEqual(overview.alerts.firing);
    expect(shown).toBeLessThanOrEqual(after.alerts.firing);
    await stat.getByRole('link', { name: '1 not tied to a service' }).click();
    await page.waitForURL(/\/alerts$/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a viewer no action buttons', async () => {
    const context = await loggedIn(t.tokens.viewer);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    const actions = /^(Pause|Resume|Run now|Reset breaker|Acknowledge|Silence…|Create silence|Expire)$/;
    for (const [path, ready] of [['/monitors/shop-home', '[data-testid="monitor-status"]'], ['/alerts', '[data-alert]'], ['/services/shop', 'h2:has-text("Monitors")']] as const) {
      await openPage(page, path, ready);
      await expect(page.getByRole('button', { name: actions }).count()).resolves.toBe(0);
    }
    await screenshot(page, 'service-viewer');
    expect(problems).toEqual([]);
    await context.close();
  });
});
