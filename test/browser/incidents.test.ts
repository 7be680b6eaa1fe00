/**
 * The incident pages in a real chromium against the real server (sqlite, loopback, free port):
 * an incident created through the API is listed, acknowledged and resolved through the UI with
 * the status changing without reload, its timeline shows the entries, a runbook step is
 * confirmed, a postmortem draft is created and saved; roles are set, a runbook dry-run and
 * skipped, the incident reopened and the postmortem published; and a viewer sees no actions. No console
 * errors and no failed requests. Screenshots land in test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserSkipReason, ensureDashboardBuilt, launchChromium, loggedInContext, openPage, phoneView, screenshot, watchProblems } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const skipReason = browserSkipReason();

const configYaml = `
auth:
  anonymous: none
services:
  - name: shop
    display_name: Shop
    criticality: critical
alerting:
  route: { receiver: team }
  receivers:
    # Nothing pages in these tests; a person needs a receiver to be an action item owner.
    - name: team
      webhook_configs: [{ url: "http://127.0.0.1:9/unused" }]
people:
  - { name: alice, email: alice@example.com, notify: [team] }
runbooks:
  builtin: false
  items:
    - name: shop-restart
      title: Restart the shop
      match: { services: [shop] }
      steps:
        - Tell the shop team you restart it for {{ $incident.id }}
        - Restart the shop pods
`;

describe.skipIf(skipReason !== null)(`incident pages in chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    [t, browser] = await Promise.all([startTestApp('sqlite', { yaml: configYaml }), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const loggedIn = (token: string, options: Parameters<typeof loggedInContext>[3] = {}) => loggedInContext(browser, t.url, token, options);

  async function createIncident(title: string): Promise<string> {
    const response = await t.request('/api/v1/incidents', { method: 'POST', token: t.tokens.responder, json: { title, severity: 'P2', services: ['shop'], announce: false } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  it('lists, acknowledges, resolves and writes the postmortem of an incident through the UI', async () => {
    const id = await createIncident('Checkout returns 500s');
    const context = await loggedIn(t.tokens.responder);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    await openPage(page, '/incidents', `[data-incident="${id}"]`);
    await page.locator('.connection-live').waitFor({ timeout: 5_000 });
    await screenshot(page, 'incidents');

    await page.locator(`[data-incident="${id}"]`).getByRole('link', { name: 'Checkout returns 500s' }).click();
    await page.getByRole('heading', { name: 'Checkout returns 500s' }).waitFor();
    await page.evaluate('globalThis.liveMarker = true');
    const status = page.getByTestId('incident-status');
    await expect(status.textContent()).resolves.toBe('investigating');

    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await page.locator('[data-testid="timeline"] li[data-kind="acknowledged"]').waitFor({ timeout: 2_000 });
    await page.getByRole('button', { name: 'Mark identified' }).click();
    await page.locator('[data-testid="incident-status"]:text-is("identified")').waitFor({ timeout: 2_000 });

    await page.getByLabel('Note or status update').fill('Rolled back release 42');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('[data-testid="timeline"] li[data-kind="note"]', { hasText: 'Rolled back release 42' }).waitFor({ timeout: 2_000 });

    await page.getByLabel('Note or status update').fill('Error rate back under 1%');
    await page.getByRole('button', { name: 'Post status update' }).click();
    await page.locator('[data-testid="timeline"] li[data-kind="status_update"]').waitFor({ timeout: 2_000 });

    // A runbook started in the UI waits on its first checklist step; confirm it there.
    await page.locator('[data-runbook="shop-restart"]').getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-run] li[data-step-status="waiting_confirmation"]').first().waitFor({ timeout: 2_000 });
    await page.locator('[data-run]').getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[data-run] li[data-step-status="succeeded"]').first().waitFor({ timeout: 2_000 });
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'incident-open');

    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('[data-testid="incident-status"]:text-is("resolved")').waitFor({ timeout: 2_000 });
    const kinds = await Promise.all((await page.locator('[data-testid="timeline"] li').all()).map((item) => item.getAttribute('data-kind')));
    expect(kinds[0]).toBe('created');
    expect(kinds).toEqual(expect.arrayContaining(['acknowledged', 'status_changed', 'note', 'status_update', 'runbook_started', 'runbook_step', 'resolved']));
    expect(kinds[kinds.length - 1]).toBe('resolved');

    await page.getByRole('button', { name: 'Create draft' }).click();
    const editor = page.getByLabel('Postmortem (Markdown)');
    await editor.waitFor({ timeout: 2_000 });
    await expect(editor.inputValue()).resolves.toContain('Checkout returns 500s');
    await editor.fill('# Checkout returns 500s\n\n## Summary\n\nA bad release.\n');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved version 2.').waitFor({ timeout: 2_000 });
    // The change arrived through the API and /ws, not a reload.
    await expect(page.evaluate('globalThis.liveMarker === true')).resolves.toBe(true);
    // An action item added and moved on through the UI.
    const form = page.getByRole('form', { name: 'New action item' });
    await form.getByLabel('Title').fill('Alert on 5xx ratio');
    await form.getByLabel('Owner').fill('alice');
    await form.getByLabel('Due').fill('2030-01-15');
    await form.getByRole('button', { name: 'Add action item' }).click();
    const itemStatus = page.getByLabel('Status of Alert on 5xx ratio');
    await itemStatus.waitFor({ timeout: 2_000 });
    await expect(page.getByTestId('action-items').getByRole('row', { name: /Alert on 5xx ratio/ }).textContent()).resolves.toContain('2030-01-15');
    await itemStatus.selectOption('in_progress');
    await expect.poll(async () => ((await (await t.request(`/api/v1/incidents/${id}/action-items`, { token: t.tokens.viewer })).json()) as { items: Array<{ status: string; owner: string }> }).items, { timeout: 2_000 }).toEqual([expect.objectContaining({ status: 'in_progress', owner: 'alice' })]);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'incident-resolved');

    const stored = (await (await t.request(`/api/v1/incidents/${id}`, { token: t.tokens.viewer })).json()) as { status: string; acknowledged_by: string };
    expect(stored).toMatchObject({ status: 'resolved', acknowledged_by: 'test-responder' });
    const postmortem = (await (await t.request(`/api/v1/incidents/${id}/postmortem`, { token: t.tokens.viewer })).json()) as { version: number; markdown: string };
    expect(postmortem).toMatchObject({ version: 2, markdown: expect.stringContaining('A bad release.') as unknown });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sets roles, dry-runs and skips runbook steps, reopens, and publishes the postmortem through the UI', async () => {
    const id = await createIncident('Search is slow');
    const context = await loggedIn(t.tokens.responder);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    await openPage(page, `/incidents/${id}`, 'h1:has-text("Search is slow")');
    await page.locator('.connection-live').waitFor({ timeout: 5_000 });

    await page.getByRole('button', { name: 'Set roles…' }).click();
    const roles = page.getByRole('form', { name: 'Roles' });
    await roles.getByLabel('Commander').fill('alice');
    await roles.getByLabel('Experts').fill('dba, network');
    await roles.getByRole('button', { name: 'Save roles' }).click();
    await roles.waitFor({ state: 'detached', timeout: 2_000 });
    await page.locator('dd', { hasText: 'dba, network' }).waitFor({ timeout: 2_000 });
    await page.locator('[data-testid="timeline"] li[data-kind="role_changed"]').first().waitFor({ timeout: 2_000 });

    // A dry run shows the steps and starts nothing.
    await page.locator('[data-runbook="shop-restart"]').getByRole('button', { name: 'Dry run' }).click();
    const dryRun = page.getByTestId('dry-run');
    await dryRun.waitFor({ timeout: 2_000 });
    await expect(dryRun.textContent()).resolves.toContain(`Tell the shop team you restart it for ${id}`);
    await expect(page.locator('[data-run]').count()).resolves.toBe(0);
    await dryRun.getByRole('button', { name: 'Close' }).click();

    // Both steps skipped: the run finishes without anyone confirming an action.
    await page.locator('[data-runbook="shop-restart"]').getByRole('button', { name: 'Start' }).click();
    for (let step = 0; step < 2; step += 1) {
      await page.locator('[data-run] li[data-step-status="waiting_confirmation"]').first().waitFor({ timeout: 2_000 });
      await page.locator('[data-run]').getByRole('button', { name: 'Skip' }).click();
      await page.locator('[data-run] li[data-step-status="skipped"]').nth(step).waitFor({ timeout: 2_000 });
    }

    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('[data-testid="incident-status"]:text-is("resolved")').waitFor({ timeout: 2_000 });
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.locator('[data-testid="incident-status"]:text-is("investigating")').waitFor({ timeout: 2_000 });
    await page.locator('[data-testid="timeline"] li[data-kind="reopened"]').waitFor({ timeout: 2_000 });
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('[data-testid="incident-status"]:text-is("resolved")').waitFor({ timeout: 2_000 });

    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByLabel('Postmortem (Markdown)').waitFor({ timeout: 2_000 });
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published.').waitFor({ timeout: 2_000 });
    await page.locator('.badge.postmortem-published').waitFor({ timeout: 2_000 });

    const stored = (await (await t.request(`/api/v1/incidents/${id}`, { token: t.tokens.viewer })).json()) as { status: string; roles: { commander: string | null; subject_matter_experts: string[] } };
    expect(stored).toMatchObject({ status: 'resolved', roles: { commander: 'alice', subject_matter_experts: ['dba', 'network'] } });
    const postmortem = (await (await t.request(`/api/v1/incidents/${id}/postmortem`, { token: t.tokens.viewer })).json()) as { status: string };
    expect(postmortem.status).toBe('published');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a stale postmortem save as a clear message', async () => {
    const id = await createIncident('Search is slow');
    expect((await t.request(`/api/v1/incidents/${id}/resolve`, { method: 'POST', token: t.tokens.responder, json: { announce: false } })).status).toBe(200);
    expect((await t.request(`/api/v1/incidents/${id}/postmortem`, { method: 'POST', token: t.tokens.responder })).status).toBe(201);
    const context = await loggedIn(t.tokens.responder);
    const page = await context.newPage();
    await openPage(page, `/incidents/${id}`, '[data-testid="postmortem"]');
    await page.getByLabel('Postmortem (Markdown)').fill('# mine\n');
    // Someone else saves version 1 first.
    expect((await t.request(`/api/v1/incidents/${id}/postmortem`, { method: 'PUT', token: t.tokens.responder, json: { markdown: '# theirs\n', version: 1 } })).status).toBe(200);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Someone saved a newer version').waitFor({ timeout: 2_000 });
    await expect(page.getByLabel('Postmortem (Markdown)').inputValue()).resolves.toBe('# mine\n');
    await context.close();
  });

  it('shows a viewer no action buttons on the incident pages', async () => {
    const id = await createIncident('Payments timeouts');
    const context = await loggedIn(t.tokens.viewer);
    const page = await context.newPage();
    const { problems } = watchProblems(page);
    // The overview counts open incidents: the other tests resolved theirs, so only this one.
    await openPage(page, '/', '.stat:has-text("Open incidents")');
    await expect(page.locator('.stat:has-text("Open incidents") .stat-value').textContent()).resolves.toBe('1');
    await page.locator('.stat:has-text("Open incidents")').getByRole('link', { name: 'see incidents' }).click();
    await page.locator(`[data-incident="${id}"]`).waitFor();
    await expect(page.getByRole('button', { name: 'Declare incident' }).count()).resolves.toBe(0);
    await openPage(page, `/incidents/${id}`, '[data-testid="timeline"] li');
    await page.locator('[data-runbook="shop-restart"]').waitFor();
    const actions = /^(Acknowledge|Mark identified|Mark monitoring|Resolve|Reopen|Set roles…|Add note|Post status update|Start|Dry run|Confirm|Skip|Create draft|Save|Publish)$/;
    await expect(page.getByRole('button', { name: actions }).count()).resolves.toBe(0);
    await screenshot(page, 'incident-viewer');
    const phone = await loggedIn(t.tokens.viewer, phoneView);
    const phonePage = await phone.newPage();
    const phoneProblems = watchProblems(phonePage).problems;
    await openPage(phonePage, `/incidents/${id}`, '[data-testid="timeline"] li');
    await screenshot(phonePage, 'incident-phone-dark');
    expect([...problems, ...phoneProblems]).toEqual([]);
    await phone.close();
    await context.close();
  });
});
