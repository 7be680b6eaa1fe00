/**
 * On-call through the real HTTP API on both stores: who is on call (per layer, after
 * overrides, across a DST change), schedules and their shifts, people and teams, bad input
 * answered with the field named; and an alert group whose escalation reaches a schedule
 * target lands on the receiver of the person on call at that minute (a real local webhook
 * receiver), on a fake clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServers, type LocalServers } from '../support/local-servers.js';
import { createManualTimers, type ManualTimers } from '../support/manual-timers.js';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receivers.js';
import { storeKinds, startTestApp, type TestApp } from '../support/test-app.js';

const minuteMs = 60_000;

function config(urls: { channel: string; alice: string; bob: string }): string {
  return `
alerting:
  resolve_timeout: 1h
  notifications: { initial_backoff: 100ms, max_backoff: 200ms }
  route: { receiver: channel, group_by: [alertname], group_wait: 0s, group_interval: 1m, repeat_interval: 4h }
  receivers:
    - { name: channel, webhook_configs: [{ url: "${urls.channel}" }] }
    - { name: alice-hook, webhook_configs: [{ url: "${urls.alice}" }] }
    - { name: bob-hook, webhook_configs: [{ url: "${urls.bob}" }] }
  escalation_policies:
    - name: critical
      levels:
        - notify: [channel]
        - { after: 15m, notify: [{ schedule: primary }] }
  severity_policies: { P1: critical }
people:
  - { name: alice, full_name: Alice Adams, email: alice@example.com, phone: "+49 30 5550101", chat: "@alice", time_zone: Europe/Berlin, notify: [alice-hook] }
  - { name: bob, notify: [bob-hook] }
  - { name: carol, time_zone: America/New_York, notify: [channel] }
teams:
  - { name: sre, members: [alice, bob, carol], schedules: [primary] }
schedules:
  - name: primary
    time_zone: Europe/Berlin
    layers:
      - { name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [alice, bob] }
      - name: business-hours
        rotation: daily
        start: "2026-01-05T09:00"
        members: [carol]
        restrictions: [{ days: [mon, tue, wed, thu, fri], start_time: "10:00", end_time: "17:00" }]
    overrides:
      - { person: carol, start: "2026-01-10T00:00:00Z", end: "2026-01-11T00:00:00Z" }
  - name: empty
    time_zone: America/New_York
    layers:
      - { name: later, rotation: weekly, start: "2027-01-04T09:00", members: [bob] }
`;
}

interface OnCallJson {
  schedule: string;
  on_call: { person: string | null; source: string | null; layer: string | null; since: string | null; until: string | null; contact: Record<string, unknown> | null };
  layers: Array<{ layer: string; person: string | null; since: string | null; until: string | null }>;
  next_handoff_at: string | null;
}

describe.each(storeKinds)('on-call through the API (%s store)', (kind) => {
  let servers: LocalServers;
  let receivers: Record<'channel' | 'alice' | 'bob', NotificationReceiver>;
  let timers: ManualTimers;
  let t: TestApp;
  const startMs = Date.parse('2026-01-12T07:50:00Z');

  beforeAll(async () => {
    servers = createLocalServers();
    receivers = {
      channel: await startNotificationReceiver(servers, 'webhook'),
      alice: await startNotificationReceiver(servers, 'webhook'),
      bob: await startNotificationReceiver(servers, 'webhook'),
    };
    timers = createManualTimers(startMs);
    t = await startTestApp(kind, {
      yaml: config({ channel: receivers.channel.url, alice: receivers.alice.url, bob: receivers.bob.url }),
      appOptions: { clock: timers.clock, timers },
    });
  });
  afterAll(async () => {
    await t.close();
    await servers.closeAll();
  });

  const oncall = async (query: string): Promise<{ at: string; items: OnCallJson[] }> => {
    const response = await t.request(`/api/v1/oncall${query}`, { token: t.tokens.viewer });
    expect(response.status).toBe(200);
    return (await response.json()) as { at: string; items: OnCallJson[] };
  };

  it('answers who is on call now in every schedule, per layer and final, with contact and since/until', async () => {
    const body = await oncall('');
    expect(body.at).toBe('2026-01-12T07:50:00.000Z');
    expect(body.items.map((item) => [item.schedule, item.on_call.person])).toEqual([['primary', 'alice'], ['empty', null]]);
    expect(body.items[0]).toEqual({
      schedule: 'primary',
      time_zone: 'Europe/Berlin',
      at: '2026-01-12T07:50:00.000Z',
      on_call: {
        person: 'alice', source: 'layer', layer: 'weekly', since: '2026-01-11T00:00:00.000Z', until: '2026-01-12T08:00:00.000Z',
        contact: { full_name: 'Alice Adams', email: 'alice@example.com', phone: '+49 30 5550101', chat: '@alice', time_zone: 'Europe/Berlin' },
      },
      layers: [
        { layer: 'weekly', person: 'alice', since: '2026-01-05T08:00:00.000Z', until: '2026-01-12T08:00:00.000Z' },
        { layer: 'business-hours', person: null, since: '2026-01-09T16:00:00.000Z', until: '2026-01-12T09:00:00.000Z' },
      ],
      next_handoff_at: '2026-01-12T08:00:00.000Z',
    });
    expect(body.items[1]).toMatchObject({ on_call: { person: null, source: null, since: null, contact: null }, layers: [{ layer: 'later', person: null }] });
  });

  it.each<[string, string, string | null, string | null]>([
    ['business hours: the higher restricted layer wins', '2026-01-13T10:00:00Z', 'carol', 'business-hours'],
    ['evening: the weekly layer shows through', '2026-01-13T17:00:00Z', 'bob', 'weekly'],
    ['an override wins over every layer', '2026-01-10T12:00:00Z', 'carol', null],
  ])('at a given instant: %s', async (_name, at, person, layer) => {
    const body = await oncall(`?schedule=primary&at=${encodeURIComponent(at)}`);
    expect(body.items.map((item) => [item.on_call.person, item.on_call.layer])).toEqual([[person, layer]]);
  });

  it('hands the weekly layer over at 09:00 Berlin time across the spring-forward change (08:00 UTC becomes 07:00 UTC)', async () => {
    const before = await oncall(`?schedule=primary&at=${encodeURIComponent('2026-03-30T06:59:59.999Z')}`);
    const after = await oncall(`?schedule=primary&at=${encodeURIComponent('2026-03-30T07:00:00Z')}`);
    expect(before.items[0]?.layers[0]).toEqual({ layer: 'weekly', person: 'bob', since: '2026-03-23T08:00:00.000Z', until: '2026-03-30T07:00:00.000Z' });
    expect(after.items[0]?.layers[0]).toEqual({ layer: 'weekly', person: 'alice', since: '2026-03-30T07:00:00.000Z', until: '2026-04-06T07:00:00.000Z' });
  });

  it('lists schedules, shifts over a range, people and teams', async () => {
    const schedules = (await (await t.request('/api/v1/schedules', { token: t.tokens.viewer })).json()) as { items: Array<{ name: string; teams: string[]; layers: Array<{ name: string; shift_length: string; start: string; restrictions: unknown[] }> }> };
    expect(schedules.items.map((schedule) => [schedule.name, schedule.teams, schedule.layers.map((layer) => [layer.name, layer.shift_length, layer.start])])).toEqual([
      ['primary', ['sre'], [['weekly', '7d', '2026-01-05T09:00'], ['business-hours', '1d', '2026-01-05T09:00']]],
      ['empty', [], [['later', '7d', '2027-01-04T09:00']]],
    ]);
    const shifts = (await (await t.request('/api/v1/schedules/primary/shifts?from=2026-01-09T00:00:00Z&to=2026-01-12T12:00:00Z', { token: t.tokens.viewer })).json()) as {
      final: Array<{ person: string | null; source: string | null; start: string; end: string }>;
    };
    expect(shifts.final.map((segment) => [segment.person, segment.source, segment.start, segment.end])).toEqual([
      ['alice', 'layer', '2026-01-09T00:00:00.000Z', '2026-01-09T09:00:00.000Z'],
      ['carol', 'layer', '2026-01-09T09:00:00.000Z', '2026-01-09T16:00:00.000Z'],
      ['alice', 'layer', '2026-01-09T16:00:00.000Z', '2026-01-10T00:00:00.000Z'],
      ['carol', 'override', '2026-01-10T00:00:00.000Z', '2026-01-11T00:00:00.000Z'],
      ['alice', 'layer', '2026-01-11T00:00:00.000Z', '2026-01-12T08:00:00.000Z'],
      ['bob', 'layer', '2026-01-12T08:00:00.000Z', '2026-01-12T09:00:00.000Z'],
      ['carol', 'layer', '2026-01-12T09:00:00.000Z', '2026-01-12T12:00:00.000Z'],
    ]);
    const people = (await (await t.request('/api/v1/people', { token: t.tokens.viewer })).json()) as { items: Array<{ name: string; notify: string[]; teams: string[]; schedules: string[] }> };
    expect(people.items.map((person) => [person.name, person.notify, person.teams, person.schedules])).toEqual([
      ['alice', ['alice-hook'], ['sre'], ['primary']],
      ['bob', ['bob-hook'], ['sre'], ['primary', 'empty']],
      ['carol', ['channel'], ['sre'], ['primary']],
    ]);
    const teams = await (await t.request('/api/v1/teams')).json();
    expect(teams).toEqual({ items: [{ name: 'sre', members: ['alice', 'bob', 'carol'], schedules: ['primary'] }] });
  });

  it.each<[string, number, string]>([
    ['/api/v1/oncall?schedule=nights', 404, "schedule 'nights' does not exist"],
    ['/api/v1/schedules/nights/shifts', 404, "schedule 'nights' does not exist"],
    ['/api/v1/oncall?at=yesterday', 400, 'at: must be an RFC 3339 time like 2026-01-05T09:00:00Z, got "yesterday"'],
    ['/api/v1/schedules/primary/shifts?from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z', 400, 'to: the range may span at most 90 days; ask for 2026-04-01T00:00:00.000Z or earlier'],
    ['/api/v1/schedules/primary/shifts?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'to: must be after from'],
    ['/api/v1/oncall?when=now', 400, "unknown key 'when'"],
  ])('%s -> %i naming the problem', async (path, status, detail) => {
    const response = await t.request(path, { token: t.tokens.viewer });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toContain(detail);
  });

  it('creates an override through the API (responder), stores it, answers with it, and deletes it', async () => {
    const at = `?schedule=primary&at=${encodeURIComponent('2026-02-01T12:00:00Z')}`;
    expect((await oncall(at)).items[0]?.on_call.person).toBe('bob');
    const body = { person: 'carol', start: '2026-02-01T00:00:00Z', end: '2026-02-02T00:00:00Z' };
    expect((await t.request('/api/v1/schedules/primary/overrides', { method: 'POST', token: t.tokens.viewer, json: body })).status).toBe(403);
    const created = await t.request('/api/v1/schedules/primary/overrides', { method: 'POST', token: t.tokens.responder, json: body });
    expect(created.status).toBe(201);
    const override = (await created.json()) as { id: string; source: string; person: string; start: string; end: string; created_by: string };
    expect(override).toMatchObject({ source: 'api', schedule: 'primary', person: 'carol', start: '2026-02-01T00:00:00.000Z', end: '2026-02-02T00:00:00.000Z', created_by: 'test-responder' });
    expect(created.headers.get('location')).toBe(`/api/v1/schedules/primary/overrides/${override.id}`);
    expect((await oncall(at)).items[0]?.on_call).toMatchObject({ person: 'carol', source: 'override', since: '2026-02-01T00:00:00.000Z', until: '2026-02-02T00:00:00.000Z' });
    expect(await t.app.store.oncallOverrides.all()).toMatchObject([{ id: override.id, schedule: 'primary', person: 'carol' }]);
    const listed = (await (await t.request('/api/v1/schedules/primary')).json()) as { overrides: Array<{ id: string | null; source: string }> };
    expect(listed.overrides.map((entry) => [entry.source, entry.id])).toEqual([['config', null], ['api', override.id]]);

    const problem = async (path: string, json: unknown) => {
      const response = await t.request(path, { method: 'POST', token: t.tokens.responder, json });
      return [response.status, ((await response.json()) as { detail: string }).detail];
    };
    expect(await problem('/api/v1/schedules/primary/overrides', { ...body, person: 'alice', start: '2026-02-01T23:00:00Z', end: '2026-02-03T00:00:00Z' })).toEqual([
      409, `overlaps override ${override.id} (carol, 2026-02-01T00:00:00.000Z to 2026-02-02T00:00:00.000Z); overrides of one schedule must not overlap`,
    ]);
    expect(await problem('/api/v1/schedules/primary/overrides', { person: 'carol', start: '2026-01-10T12:00:00Z', end: '2026-01-10T13:00:00Z' })).toEqual([
      409, 'overlaps an override in the config file (carol, 2026-01-10T00:00:00.000Z to 2026-01-11T00:00:00.000Z); overrides of one schedule must not overlap',
    ]);
    expect(await problem('/api/v1/schedules/primary/overrides', { person: 'zed', start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z' })).toEqual([400, "person: person 'zed' does not exist (known: alice, bob, carol)"]);
    expect(await problem('/api/v1/schedules/primary/overrides', { person: 'bob', start: '2026-03-02T00:00:00Z', end: '2026-03-01T00:00:00Z' })).toEqual([400, 'end: must be after start']);
    expect(await problem('/api/v1/schedules/primary/overrides', { person: 'bob', start: 'tomorrow', end: '2026-03-01T00:00:00Z' })).toEqual([400, 'start: must be an RFC 3339 time like 2026-01-05T09:00:00Z, got "tomorrow"']);
    expect(await problem('/api/v1/schedules/nights/overrides', body)).toEqual([404, "schedule 'nights' does not exist"]);

    const deleted = await t.request(`/api/v1/schedules/primary/overrides/${override.id}`, { method: 'DELETE', token: t.tokens.responder });
    expect(deleted.status).toBe(200);
    expect((await oncall(at)).items[0]?.on_call.person).toBe('bob');
    expect((await t.request(`/api/v1/schedules/primary/overrides/${override.id}`, { method: 'DELETE', token: t.tokens.responder })).status).toBe(404);
    expect(await t.app.store.oncallOverrides.all()).toEqual([]);
    const audit = (await (await t.request('/api/v1/audit?object_type=oncall_override', { token: t.tokens.admin })).json()) as { items: Array<{ action: string }> };
    expect(audit.items.map((entry) => entry.action)).toEqual(['oncall_override.delete', 'oncall_override.create']);
  });

  it('escalates an unacknowledged P1 to the schedule: the person on call when the level fires is notified', async () => {
    const posted = await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [{ labels: { alertname: 'CheckoutDown', severity: 'P1' } }] });
    expect(posted.status).toBe(200);
    await timers.advanceMs(0);
    // The group notification, then level 0 (also the channel): the escalation has started.
    await receivers.channel.waitForRequests(2);
    // Level 1 is due at 08:05 UTC; alice handed over to bob at 08:00 UTC (09:00 Berlin).
    await timers.advanceMs(15 * minuteMs - 1);
    expect(receivers.bob.requests).toHaveLength(0);
    await timers.advanceMs(1);
    await receivers.bob.waitForRequests(1);
    const body = receivers.bob.requests[0]?.parsed as { receiver: string; status: string; alerts: Array<{ labels: Record<string, string> }> };
    expect(body).toMatchObject({ receiver: 'bob-hook', status: 'firing' });
    expect(body.alerts.map((alert) => alert.labels.alertname)).toEqual(['CheckoutDown']);
    expect(receivers.bob.requests[0]?.problems).toEqual([]);
    expect(receivers.alice.requests).toHaveLength(0);
    // The channel had the group notification and level 0, nothing from the schedule level.
    expect(receivers.channel.requests).toHaveLength(2);
  });

  it('a config reload changes the answer at the next request', async () => {
    const at = `?schedule=primary&at=${encodeURIComponent('2026-01-13T17:00:00Z')}`;
    expect((await oncall(at)).items[0]?.on_call.person).toBe('bob');
    await t.writeConfig(config({ channel: receivers.channel.url, alice: receivers.alice.url, bob: receivers.bob.url }).replace('members: [alice, bob] }', 'members: [bob, alice] }'));
    const reloaded = await t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.admin });
    expect(reloaded.status).toBe(200);
    expect((await oncall(at)).items[0]?.on_call.person).toBe('alice');
  });
});
