/**
 * The incident features wired together in the real server, on both stores: an incident whose
 * escalation reaches the person on call, the built-in outage runbook offered and run on it,
 * a postmortem drafted after resolution with an action item whose owner must be a configured
 * person, and the incident report counting it. Each feature has its own detailed tests; this one
 * proves the composition root connects them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServers, type LocalServers } from '../support/local-servers.js';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receivers.js';
import { storeKinds, startTestApp, type TestApp } from '../support/test-app.js';

function config(alicePager: string, teamUrl: string): string {
  return `
alerting:
  external_url: http://sre.test
  route: { receiver: team, group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
  receivers:
    - name: team
      webhook_configs: [{ url: "${teamUrl}" }]
    - name: alice-pager
      webhook_configs: [{ url: "${alicePager}" }]
  escalation_policies:
    - name: critical
      levels: [{ notify: [{ schedule: primary }] }]
  severity_policies: { P1: critical }
people:
  - { name: alice, full_name: Alice Adams, email: alice@example.com, time_zone: UTC, notify: [alice-pager] }
schedules:
  - name: primary
    time_zone: UTC
    layers:
      - { name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [alice] }
`;
}

interface Json {
  [key: string]: unknown;
}

describe.each(storeKinds)('the incident workflow wired in the server (%s store)', (kind) => {
  let servers: LocalServers;
  let alice: NotificationReceiver;
  let team: NotificationReceiver;
  let t: TestApp;

  beforeAll(async () => {
    servers = createLocalServers();
    alice = await startNotificationReceiver(servers, 'webhook');
    team = await startNotificationReceiver(servers, 'webhook');
    t = await startTestApp(kind, { yaml: config(alice.url, team.url) });
  });
  afterAll(async () => {
    await t.close();
    await servers.closeAll();
  });

  const call = async (method: string, path: string, json?: unknown, token = t.tokens.responder): Promise<{ status: number; body: Json }> => {
    const response = await t.request(path, { method, token, json });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
  };

  it('pages the person on call, runs the outage runbook, drafts the postmortem and reports the incident', async () => {
    const oncall = await call('GET', '/api/v1/oncall?schedule=primary', undefined, t.tokens.viewer);
    expect(JSON.stringify(oncall.body)).toContain('alice');

    const created = await call('POST', '/api/v1/incidents', { title: 'API down', severity: 'P1', services: ['api'], labels: { type: 'outage' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    // The P1 policy's only level names the schedule: alice (on call) is paged on her receiver.
    await alice.waitForRequests(1);
    expect(JSON.stringify(alice.requests[0]?.parsed)).toContain(id);

    // The built-in outage runbook matches the incident's type label and severity.
    const listed = await call('GET', `/api/v1/runbooks?incident=${id}`, undefined, t.tokens.viewer);
    expect(JSON.stringify(listed.body)).toContain('service-outage');
    const run = await call('POST', `/api/v1/incidents/${id}/runbooks`, { runbook: 'service-outage' });
    expect(run.status).toBe(201);
    const runPath = `/api/v1/incidents/${id}/runbooks/${String(run.body.id)}`;
    for (let attempt = 0; attempt < 100 && (await call('GET', runPath)).body.status !== 'waiting_confirmation'; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call('GET', runPath)).body.status).toBe('waiting_confirmation');
    const confirmed = await call('POST', `${runPath}/steps/0/confirm`, { note: 'EU only' });
    expect(confirmed.status).toBe(200);
    expect((confirmed.body.steps as Json[])[0]).toMatchObject({ status: 'succeeded', confirmed_by: 'test-responder', note: 'EU only' });

    // No postmortem before resolution; one after, with the runbook step on its timeline.
    expect((await call('POST', `/api/v1/incidents/${id}/postmortem`)).status).toBe(409);
    expect((await call('POST', `/api/v1/incidents/${id}/resolve`, {})).status).toBe(200);
    const draft = await call('POST', `/api/v1/incidents/${id}/postmortem`);
    expect(draft.status).toBe(201);
    expect(String(draft.body.markdown)).toContain('API down');
    const incident = await call('GET', `/api/v1/incidents/${id}`, undefined, t.tokens.viewer);
    const kinds = (incident.body.timeline as Json[]).map((entry) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['created', 'escalated', 'runbook_started', 'runbook_step', 'resolved', 'postmortem_created']));

    // Action item owners are checked against the configured people.
    const unknownOwner = await call('POST', `/api/v1/incidents/${id}/action-items`, { title: 'Add a canary', owner: 'mallory', due: '2027-01-15' });
    expect(unknownOwner.status).toBe(400);
    expect(JSON.stringify(unknownOwner.body)).toContain('owner');
    expect((await call('POST', `/api/v1/incidents/${id}/action-items`, { title: 'Add a canary', owner: 'alice', due: '2027-01-15', priority: 'high' })).status).toBe(201);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await call('GET', `/api/v1/reports/incidents?from=${from}&to=${to}`, undefined, t.tokens.viewer);
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({ started: 1, resolved: 1, open: 0 });
    expect((report.body.mttr as Json).count).toBe(1);
  });
});
