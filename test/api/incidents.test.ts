/**
 * Incidents through the real HTTP API on both stores: the full lifecycle with status updates and
 * escalation notices captured by a real local webhook receiver and a real local SMTP server,
 * acknowledgement from signed links, auto-created incidents from posted alerts, filters and
 * pagination, metrics, and bad input answered 4xx with the timeline untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { createManualClock } from '../../src/core/clock.js';
import { dayKey } from '../../src/core/incidents/incident-id.js';
import { createAckLinks } from '../../src/engine/alerting/ack-links.js';
import { createLocalServers, type LocalServers } from '../support/local-servers.js';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receivers.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';
import { collectEvents } from '../support/ws-client.js';
import { until } from '../support/until.js';
import { storeKinds, startTestApp, type TestApp } from '../support/test-app.js';

const ackSecret = 'incident-ack-secret-0123456789-0123456789';

function config(statusUrl: string, pagerUrl: string, smarthost: string): string {
  return `
alerting:
  external_url: http://sre.test
  ack_links: { secret: "${ackSecret}" }
  notifications: { initial_backoff: 100ms, max_backoff: 200ms, breaker_failures: 100 }
  route: { receiver: status, group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
  receivers:
    - name: status
      webhook_configs: [{ url: "${statusUrl}" }]
      email_configs: [{ to: oncall@example.com, from: sre-monitor@example.com, smarthost: "${smarthost}", require_tls: false }]
    - name: pager
      webhook_configs: [{ url: "${pagerUrl}" }]
  escalation_policies:
    - name: critical
      levels: [{ notify: [pager] }, { after: 15m, notify: [pager] }]
  severity_policies: { P1: critical }
incidents:
  channels: [status]
`;
}

interface IncidentJson {
  id: string;
  title: string;
  severity: string;
  status: string;
  services: string[];
  alerts: string[];
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_at: string | null;
  started_at: string;
  roles: Record<string, unknown>;
  timeline: Array<{ id: number; at: string; actor: string; kind: string; message: string; data: Record<string, unknown> }>;
}

interface WebhookAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const alertsOf = (receiver: NotificationReceiver): WebhookAlert[] => receiver.requests.flatMap((request) => (request.parsed as { alerts: WebhookAlert[] }).alerts);

describe.each(storeKinds)('incidents through the API (%s store)', (kind) => {
  let servers: LocalServers;
  let status: NotificationReceiver;
  let pager: NotificationReceiver;
  let smtp: SmtpCapture;
  let t: TestApp;

  beforeAll(async () => {
    servers = createLocalServers();
    status = await startNotificationReceiver(servers, 'webhook');
    pager = await startNotificationReceiver(servers, 'webhook');
    smtp = await startSmtpCapture();
    t = await startTestApp(kind, { yaml: config(status.url, pager.url, smtp.smarthost) });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await servers.closeAll();
  });

  const get = async (id: string): Promise<IncidentJson> => (await (await t.request(`/api/v1/incidents/${id}`, { token: t.tokens.viewer })).json()) as IncidentJson;
  const post = (path: string, json?: unknown, token = t.tokens.responder) => t.request(path, { method: 'POST', token, json });

  it('runs the lifecycle: open, escalate, update, roles, notes, acknowledge by link, resolve, reopen', async () => {
    expect((await post('/api/v1/incidents', { title: 'x' }, t.tokens.viewer)).status).toBe(403);
    const created = await post('/api/v1/incidents', { title: 'Checkout down', severity: 'p1', services: ['checkout'], customer_impact: 'no orders', roles: { commander: 'alice' } });
    expect(created.status).toBe(201);
    const incident = (await created.json()) as IncidentJson;
    const day = dayKey(Date.now());
    expect(incident.id).toMatch(new RegExp(`^INC-${day.slice(0, 4)}-${day.slice(4)}-\\d{3}$`));
    expect(incident).toMatchObject({ severity: 'P1', status: 'investigating', services: ['checkout'], roles: { commander: 'alice' } });
    expect(created.headers.get('location')).toBe(`/api/v1/incidents/${incident.id}`);

    // The initial report reaches the channel's webhook and its email, with signed links.
    await status.waitForRequests(1);
    const report = alertsOf(status).find((alert) => alert.labels.incident_id === incident.id);
    expect(report?.labels.alertname).toBe('IncidentStatusUpdate');
    expect(report?.annotations.description).toContain(`Incident ID: ${incident.id}`);
    expect(report?.annotations.description).toContain('Incident Commander: alice');
    expect(report?.annotations.ack_url).toMatch(/^http:\/\/sre\.test\/api\/v1\/ack\//);
    expect(report?.annotations.resolve_url).toMatch(/^http:\/\/sre\.test\/api\/v1\/ack\//);
    const mail = await until(() => smtp.messages.find((message) => (message.mail.text ?? '').includes(incident.id)));
    expect(mail.envelopeTo).toEqual(['oncall@example.com']);

    // P1 maps to the critical policy: level 1 pages at once.
    await pager.waitForRequests(1);
    expect(alertsOf(pager)[0]).toMatchObject({ labels: { alertname: 'IncidentEscalation', incident_id: incident.id } });
    await until(async () => ((await get(incident.id)).timeline.some((entry) => entry.kind === 'escalated') ? true : undefined));

    const patched = await t.request(`/api/v1/incidents/${incident.id}`, { method: 'PATCH', token: t.tokens.responder, json: { status: 'identified', note: 'bad deploy', title: 'Checkout down (EU)' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: 'identified', title: 'Checkout down (EU)' });

    expect((await post(`/api/v1/incidents/${incident.id}/roles`, { primary_resolver: 'bob', subject_matter_experts: ['dba'] })).status).toBe(200);
    expect((await post(`/api/v1/incidents/${incident.id}/notes`, { text: 'rolled back v2.3' })).status).toBe(201);
    const update = await post(`/api/v1/incidents/${incident.id}/updates`, { message: 'rollback running', actions: 'rolled back', next_steps: 'watch error rate', next_update: '30 min', status: 'monitoring' });
    expect(update.status).toBe(201);
    const updateJson = (await update.json()) as { text: string; sent_to: string[]; incident: IncidentJson };
    expect(updateJson.sent_to).toEqual(['status']);
    expect(updateJson.incident.status).toBe('monitoring');
    expect(updateJson.text).toContain('- rollback running');
    await until(() => alertsOf(status).find((alert) => alert.annotations.description?.includes('INCIDENT UPDATE') === true));

    // Acknowledge from the signed link: forged 403, expired 410, timeline untouched; then it works once.
    const before = (await get(incident.id)).timeline;
    const link = alertsOf(pager)[0]?.annotations.ack_url ?? '';
    const token = link.split('/api/v1/ack/')[1] ?? '';
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await t.request(`/api/v1/ack/${forged}`, { method: 'POST' })).status).toBe(403);
    const pastClock = createManualClock(Date.now() - 2 * 3_600_000);
    const expired = createAckLinks({ secret: ackSecret, externalUrl: 'http://sre.test', clock: pastClock, ttlMs: 3_600_000 }).tokenFor({ kind: 'incident', id: incident.id }, 'acknowledge');
    expect((await t.request(`/api/v1/ack/${expired}`, { method: 'POST' })).status).toBe(410);
    expect((await get(incident.id)).timeline).toEqual(before);
    const page = await t.request(`/api/v1/ack/${token}`);
    expect(await page.text()).toContain(`Acknowledge ${incident.id}`);
    const acked = await t.request(`/api/v1/ack/${token}`, { method: 'POST' });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ incident: incident.id, acknowledged_by: 'ack-link' });
    expect((await t.request(`/api/v1/ack/${token}`, { method: 'POST' })).status).toBe(409);
    expect(t.app.incidents.escalation.get({ kind: 'incident', id: incident.id })?.status).toBe('acknowledged');

    const resolved = await post(`/api/v1/incidents/${incident.id}/resolve`, { resolution: 'rolled back', root_cause: 'bad config' });
    expect(resolved.status).toBe(200);
    expect(((await resolved.json()) as IncidentJson).resolved_at).not.toBeNull();
    await until(() => alertsOf(status).find((alert) => alert.annotations.description?.includes('INCIDENT RESOLVED') === true && alert.annotations.description.includes('- bad config')));
    const afterResolve = (await get(incident.id)).timeline;
    const again = await post(`/api/v1/incidents/${incident.id}/resolve`, {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toContain('already resolved');
    const ackResolved = await post(`/api/v1/incidents/${incident.id}/acknowledge`);
    expect(ackResolved.status).toBe(409);
    expect((await get(incident.id)).timeline).toEqual(afterResolve);

    const reopened = await post(`/api/v1/incidents/${incident.id}/reopen`, { reason: 'errors are back' });
    expect(reopened.status).toBe(200);
    const final = await get(incident.id);
    expect(final.status).toBe('investigating');
    expect(final.timeline.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['created', 'escalated', 'status_changed', 'field_changed', 'role_changed', 'note', 'status_update', 'acknowledged', 'resolved', 'reopened']));
    expect(final.timeline.every((entry) => /Z$/.test(entry.at) && entry.actor !== '')).toBe(true);
    expect(final.timeline.find((entry) => entry.kind === 'note')).toMatchObject({ actor: 'test-responder', message: 'rolled back v2.3' });

    const metrics = await (await t.request('/metrics', { token: t.tokens.admin })).text();
    expect(metrics).toMatch(/sre_monitor_incidents_open\{severity="P1"\} 1/);
    expect(metrics).toMatch(/sre_monitor_incident_resolution_seconds_count\{severity="P1"\} 1/);
  });

  it('opens incidents from alerts that ask for one and joins same-service alerts to it', async () => {
    const postAlert = (labels: Record<string, string>) => t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [{ labels, annotations: { summary: `${labels.alertname} on ${labels.service}` } }] });
    expect((await postAlert({ alertname: 'SearchDown', service: 'search', incident: 'true', incident_severity: 'P2' })).status).toBe(200);
    const opened = await until(async () => {
      const list = (await (await t.request('/api/v1/incidents?service=search', { token: t.tokens.viewer })).json()) as { items: IncidentJson[] };
      return list.items[0];
    });
    expect(opened).toMatchObject({ severity: 'P2', title: 'SearchDown on search', services: ['search'] });
    // The alert's labels go on the incident (runbooks match them), without the switches that opened it.
    expect((opened as IncidentJson & { labels: Record<string, string> }).labels).toEqual({ alertname: 'SearchDown', service: 'search' });
    expect((await postAlert({ alertname: 'SearchSlow', service: 'search', incident: 'true' })).status).toBe(200);
    const joined = await until(async () => {
      const incident = await get(opened.id);
      return incident.alerts.length === 2 && incident.timeline.filter((entry) => entry.kind === 'alert_firing').length === 2 ? incident : undefined;
    });
    expect(joined.timeline.filter((entry) => entry.kind === 'alert_linked')).toHaveLength(1);
    const list = (await (await t.request('/api/v1/incidents?service=search', { token: t.tokens.viewer })).json()) as { items: IncidentJson[] };
    expect(list.items).toHaveLength(1);
  });

  it("links the SLO named by an alert's slo label to the incident it opens", async () => {
    const posted = await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [{ labels: { alertname: 'SLOBurnRate', service: 'catalog', slo: 'catalog-availability', severity: 'page', incident: 'true' } }] });
    expect(posted.status).toBe(200);
    const opened = await until(async () => {
      const list = (await (await t.request('/api/v1/incidents?service=catalog', { token: t.tokens.viewer })).json()) as { items: Array<IncidentJson & { slos: string[] }> };
      return list.items[0];
    });
    expect(opened.slos).toEqual(['catalog-availability']);
  });

  it('lists the configured severity scale', async () => {
    const response = await t.request('/api/v1/incidents/severities', { token: t.tokens.viewer });
    const body = (await response.json()) as { items: Array<{ name: string; escalation_time_seconds: number | null }> };
    expect(body.items.map((level) => level.name)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expect(body.items[0]?.escalation_time_seconds).toBe(900);
  });

  it('lists with filters and pagination, newest first', async () => {
    for (const title of ['a', 'b', 'c']) expect((await post('/api/v1/incidents', { title, severity: 'P4', services: ['paging'], announce: false })).status).toBe(201);
    const first = (await (await t.request('/api/v1/incidents?service=paging&limit=2', { token: t.tokens.viewer })).json()) as { items: IncidentJson[]; next_cursor: string | null };
    expect(first.items.map((item) => item.title)).toEqual(['c', 'b']);
    expect(first.next_cursor).not.toBeNull();
    const second = (await (await t.request(`/api/v1/incidents?service=paging&limit=2&cursor=${first.next_cursor ?? ''}`, { token: t.tokens.viewer })).json()) as { items: IncidentJson[]; next_cursor: string | null };
    expect(second.items.map((item) => item.title)).toEqual(['a']);
    expect(second.next_cursor).toBeNull();
    const p4 = (await (await t.request('/api/v1/incidents?severity=P4&status=open', { token: t.tokens.viewer })).json()) as { items: IncidentJson[] };
    expect(p4.items.every((item) => item.severity === 'P4' && item.status !== 'resolved')).toBe(true);
    expect(p4.items.length).toBeGreaterThanOrEqual(3);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = (await (await t.request(`/api/v1/incidents?from=${encodeURIComponent(future)}`, { token: t.tokens.viewer })).json()) as { items: IncidentJson[] };
    expect(none.items).toEqual([]);
    // resolve and reopen take an optional body
    const resolved = await t.request(`/api/v1/incidents/${first.items[0]?.id ?? ''}/resolve`, { method: 'POST', token: t.tokens.responder });
    expect(resolved.status).toBe(200);
    const open = (await (await t.request('/api/v1/incidents?service=paging&status=open', { token: t.tokens.viewer })).json()) as { items: IncidentJson[] };
    expect(open.items.map((item) => item.title)).toEqual(['b', 'a']);
  });

  it.each([
    ['an unknown severity', 'POST', '/api/v1/incidents', { title: 'x', severity: 'SEV9' }, 400, /severity: unknown severity "SEV9"; the scale is P1, P2, P3, P4, P5/],
    ['a missing title', 'POST', '/api/v1/incidents', { severity: 'P2' }, 400, /title/],
    ['an unknown status filter', 'GET', '/api/v1/incidents?status=done', undefined, 400, /unknown status "done"/],
    ['a bad cursor', 'GET', '/api/v1/incidents?cursor=abc', undefined, 400, /cursor/],
    ['an unknown incident', 'GET', '/api/v1/incidents/INC-2000-0101-001', undefined, 404, /does not exist/],
    ['a mangled ack token', 'POST', '/api/v1/ack/not-a-token', undefined, 400, /malformed/],
  ])('answers %s with a clear problem', async (_name, method, path, json, statusCode, detail) => {
    const response = await t.request(path, { method, token: t.tokens.responder, json });
    expect(response.status).toBe(statusCode);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
  });

  it('refuses invalid changes on an incident and leaves its timeline untouched', async () => {
    const incident = (await (await post('/api/v1/incidents', { title: 'guarded', severity: 'P3', announce: false })).json()) as IncidentJson;
    expect((await t.request(`/api/v1/incidents/${incident.id}`, { method: 'PATCH', token: t.tokens.responder, json: { status: 'monitoring' } })).status).toBe(200);
    const before = (await get(incident.id)).timeline;
    const attempts: Array<[string, string, unknown, number]> = [
      ['PATCH', '', { status: 'investigating' }, 409],
      ['PATCH', '', { severity: 'P0' }, 400],
      ['PATCH', '', {}, 400],
      ['POST', '/reopen', {}, 409],
      ['POST', '/updates', { message: 'x', channels: ['nobody'] }, 400],
      ['POST', '/roles', { commander: 42 }, 400],
    ];
    for (const [method, suffix, json, expected] of attempts) {
      const response = await t.request(`/api/v1/incidents/${incident.id}${suffix}`, { method, token: t.tokens.responder, json });
      expect(`${method} ${suffix} ${response.status}`).toBe(`${method} ${suffix} ${expected}`);
    }
    expect((await get(incident.id)).timeline).toEqual(before);
  });
  it('streams incident events on /ws', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws?types=incident.*`, { headers: { authorization: `Bearer ${t.tokens.viewer}` } });
    try {
      const events = await collectEvents(socket);
      const incident = (await (await post('/api/v1/incidents', { title: 'streamed', severity: 'P5', announce: false })).json()) as IncidentJson;
      expect((await events.next((event) => event.type === 'incident.created' && event.data.id === incident.id)).data).toMatchObject({ title: 'streamed', severity: 'P5', status: 'investigating', actor: 'test-responder' });
      expect((await events.next((event) => event.type === 'incident.timeline' && event.data.incidentId === incident.id)).data).toMatchObject({ kind: 'created' });
      await post(`/api/v1/incidents/${incident.id}/acknowledge`);
      expect((await events.next((event) => event.type === 'incident.acknowledged')).data).toMatchObject({ id: incident.id, acknowledgedBy: 'test-responder' });
    } finally {
      socket.close();
    }
  });

  it('refuses a reload whose status template names an unknown variable; the running templates stay', async () => {
    const original = await readFile(t.configFile, 'utf8');
    await writeFile(t.configFile, original.replace('  channels: [status]', '  channels: [status]\n  templates: { update: "{{ .ID }} {{ .Impact }}" }'));
    const response = await t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.admin });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'incidents.templates.update', message: expect.stringContaining("can't evaluate field Impact") as unknown })]);
    await writeFile(t.configFile, original);
    const incident = (await (await post('/api/v1/incidents', { title: 'after reload', severity: 'P5', announce: false })).json()) as IncidentJson;
    const update = (await (await post(`/api/v1/incidents/${incident.id}/updates`, { message: 'still fine', channels: [] })).json()) as { text: string };
    expect(update.text).toContain('INCIDENT UPDATE');
  });
});
