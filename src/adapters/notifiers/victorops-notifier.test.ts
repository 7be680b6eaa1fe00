import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { victoropsAlertPath } from '../../../test/support/receiver-checks/victorops.js';
import { useTempTrees } from '../../../test/support/temp-tree.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

const apiKey = '5d3f2a1b-7c9e-4f60-8a2b-1c3d4e5f6a7b';
const apiUrl = (url: string): string => `${new URL(url).origin}${victoropsAlertPath}`;
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: apiUrl(url), api_key: apiKey, routing_key: 'checkout-team', ...more });
/** Alertmanager's entity_id, computed here independently: hex SHA-256 of the group key. */
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const codePoints = (text: string): number => Array.from(text).length;

registerHttpNotifierCases({ key: 'victorops_configs', channel: 'victorops', entry: (url) => entry(url) });

type Event = Record<string, string>;

describe('victorops_configs events', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());
  const writeTree = useTempTrees('sre-monitor-victorops-');

  it('posts a CRITICAL event to <api_url><api_key>/<routing_key> with the group hash, the title and the alert text', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const notification = baseNotification();
    expect(await send(buildOne('victorops_configs', entry(receiver.url)), notification)).toEqual({ ok: true, status: 200 });
    const request = receiver.requests[0];
    expect(request?.problems).toEqual([]);
    expect(request?.path).toBe(`${victoropsAlertPath}${apiKey}/checkout-team`);
    expect(request?.headers['content-type']).toBe('application/json');
    const event = request?.parsed as Event;
    expect(Object.keys(event).sort()).toEqual(['entity_display_name', 'entity_id', 'message_type', 'monitoring_tool', 'state_message']);
    expect(event).toMatchObject({
      message_type: 'CRITICAL',
      entity_id: sha256(notification.groupKey),
      entity_display_name: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
      monitoring_tool: 'sre-monitor',
    });
    expect(event.state_message).toMatch(/^FIRING: HighLatency - p99 latency above 500 ms\nWhere: service=checkout instance=api-1:9100\nSince: 2026-01-01 10:00:00 UTC\n/);
    for (const line of ['Runbook: https://runbooks.example.com/high-latency', 'Acknowledge: https://sre.example.com/ack/abc.def', 'Dashboard: https://sre.example.com/alerts?group=abc']) {
      expect(event.state_message).toContain(line);
    }
  });

  it('sends RECOVERY with the same entity_id when the group resolves, unless send_resolved is false', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const built = buildOne('victorops_configs', entry(receiver.url));
    expect(built.integration.sendResolved).toBe(true);
    expect(buildOne('victorops_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    await send(built);
    await send(built, { ...baseNotification(), idempotencyKey: 'ntf-0002-a' });
    await send(built, resolvedNotification({ idempotencyKey: 'ntf-0003-a' }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], []]);
    const events = receiver.requests.map((request) => request.parsed as Event);
    expect(events.map((event) => event.message_type)).toEqual(['CRITICAL', 'CRITICAL', 'RECOVERY']);
    expect(new Set(events.map((event) => event.entity_id))).toEqual(new Set([sha256(baseNotification().groupKey)]));
    expect(events[2]?.entity_display_name).toMatch(/^\[RESOLVED\] HighLatency/);
    expect(events[2]?.state_message).toMatch(/^RESOLVED: HighLatency/);
    // Another group is another incident.
    await send(built, baseNotification({ groupKey: '{}/{severity="critical"}:{alertname="DiskFull"}' }));
    expect((receiver.requests[3]?.parsed as Event).entity_id).toBe(sha256('{}/{severity="critical"}:{alertname="DiskFull"}'));
  });

  it('sends ACKNOWLEDGEMENT once every firing alert is acknowledged in sre-monitor', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    await send(buildOne('victorops_configs', entry(receiver.url, { message_type: 'WARNING' })), baseNotification({ acknowledged: true }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.parsed).toMatchObject({ message_type: 'ACKNOWLEDGEMENT', entity_id: sha256(baseNotification().groupKey) });
  });

  it('takes message_type as written or as a template, and sends CRITICAL for a rendered value VictorOps does not allow on a firing event', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const bySeverity = '{{ if eq .CommonLabels.severity "critical" }}CRITICAL{{ else }}\n  WARNING\n{{ end }}';
    await send(buildOne('victorops_configs', entry(receiver.url, { message_type: 'INFO' })));
    await send(buildOne('victorops_configs', entry(receiver.url, { message_type: bySeverity })), baseNotification({ commonLabels: { alertname: 'HighLatency', severity: 'warning' } }));
    const refused = buildOne('victorops_configs', entry(receiver.url, { message_type: '{{ .CommonLabels.severity }}' }));
    await send(refused);
    const recovery = buildOne('victorops_configs', entry(receiver.url, { message_type: '{{ "RECOVERY" }}' }));
    await send(recovery);
    expect(receiver.requests.map((request) => [request.problems, (request.parsed as Event).message_type])).toEqual([
      [[], 'INFO'],
      [[], 'WARNING'],
      [[], 'CRITICAL'],
      [[], 'CRITICAL'],
    ]);
    expect(refused.templateErrors).toEqual(['receiver "team-checkout" victorops_configs[0].message_type: rendered "critical", not one of CRITICAL, WARNING, INFO; sent CRITICAL instead']);
    expect(recovery.templateErrors).toHaveLength(1);
  });

  it('keeps state_message within 20,480 code points with many large alerts, and cuts a long template the same way', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const alerts = Array.from({ length: 60 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: 'disk full '.repeat(60) } }));
    await send(buildOne('victorops_configs', entry(receiver.url)), baseNotification({ alerts }));
    // Astral characters count once each, as Alertmanager counts runes (a UTF-16 length would cut at half).
    const wide = [baseAlert({ annotations: { description: '🔥'.repeat(30_000) } })];
    await send(buildOne('victorops_configs', entry(receiver.url, { state_message: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}' })), baseNotification({ alerts: wide }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    const [many, long] = receiver.requests.map((request) => (request.parsed as Event).state_message ?? '');
    expect(codePoints(many ?? '')).toBe(20_480);
    expect(many).toMatch(/…$/);
    expect(codePoints(long ?? '')).toBe(20_480);
    expect(long).toBe(`${'🔥'.repeat(20_479)}…`);
  });

  it('renders every templated field, merges custom_fields, and falls back to the default for a template that fails', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const built = buildOne('victorops_configs', entry(receiver.url, {
      routing_key: '{{ .CommonLabels.service }}-oncall',
      entity_display_name: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}',
      state_message: '{{ .CommonAnnotations.summary }} ({{ len .Alerts }} alerts)',
      monitoring_tool: 'prometheus',
      custom_fields: { team: '{{ .CommonLabels.service }}', runbook: '{{ (index .Alerts 0).Annotations.runbook_url }}', broken: '{{ nope }}' },
    }));
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.path).toBe(`${victoropsAlertPath}${apiKey}/checkout-oncall`);
    expect(receiver.requests[0]?.parsed).toEqual({
      message_type: 'CRITICAL',
      entity_id: sha256(baseNotification().groupKey),
      entity_display_name: 'HighLatency on api-1:9100',
      state_message: 'p99 latency above 500 ms (1 alerts)',
      monitoring_tool: 'prometheus',
      team: 'checkout',
      runbook: 'https://runbooks.example.com/high-latency',
      broken: '',
    });
    expect(built.templateErrors).toEqual([expect.stringMatching(/^receiver "team-checkout" victorops_configs\[0\]\.custom_fields\.broken: .*; sent the default text instead$/)]);

    const fallback = buildOne('victorops_configs', entry(receiver.url, { entity_display_name: '{{ template "nope" . }}', state_message: '{{ template "victorops.default.state_message" . }}', monitoring_tool: '{{ template "victorops.default.monitoring_tool" . }}' }));
    await send(fallback);
    expect(receiver.requests[1]?.parsed).toMatchObject({ entity_display_name: '[FIRING:1] HighLatency (api-1:9100 checkout critical)', monitoring_tool: 'sre-monitor' });
    expect((receiver.requests[1]?.parsed as Event).state_message).toMatch(/^FIRING: HighLatency - p99 latency above 500 ms\n/);
    expect(fallback.templateErrors).toEqual([expect.stringContaining('victorops_configs[0].entity_display_name')]);
  });

  it('does not send when the routing_key template fails or renders empty: there is no default route', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const broken = buildOne('victorops_configs', entry(receiver.url, { routing_key: '{{ nope }}' }));
    const failed = await send(broken);
    expect(failed).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('routing_key template failed') as unknown });
    expect(broken.templateErrors).toEqual([expect.stringContaining('victorops_configs[0].routing_key')]);
    const empty = await send(buildOne('victorops_configs', entry(receiver.url, { routing_key: '{{ .CommonLabels.team }}' })));
    expect(empty).toMatchObject({ ok: false, retryable: false, reason: 'config', message: 'the routing_key rendered empty' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('reads api_key_file at each send (trimmed), so a rotated key is used without a reload', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const dir = await writeTree({ 'victorops-key': `${apiKey}\n` });
    const keyFile = path.join(dir, 'victorops-key');
    const built = buildOne('victorops_configs', { api_url: apiUrl(receiver.url), api_key_file: keyFile, routing_key: 'db' });
    expect(await send(built)).toMatchObject({ ok: true });
    const rotated = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    await writeFile(keyFile, `  ${rotated}  \n`);
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests.map((request) => [request.path, request.problems])).toEqual([
      [`${victoropsAlertPath}${apiKey}/db`, []],
      [`${victoropsAlertPath}${rotated}/db`, []],
    ]);
    const missing = buildOne('victorops_configs', { api_url: apiUrl(receiver.url), api_key_file: path.join(dir, 'gone'), routing_key: 'db' });
    expect(await send(missing)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('cannot read secret file') as unknown });
  });

  it('takes global.victorops_api_url and victorops_api_key (or _file), an entry of its own winning', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const otherKey = '11111111-2222-4333-8444-555555555555';
    // Without a trailing slash: added, as Alertmanager does.
    const global = { victorops_api_url: apiUrl(receiver.url).replace(/\/$/, ''), victorops_api_key: apiKey };
    await send(buildOne('victorops_configs', { routing_key: 'db' }, { global }));
    await send(buildOne('victorops_configs', { routing_key: 'db', api_key: otherKey }, { global }));
    const fromFile = buildOne('victorops_configs', { routing_key: 'db' }, {
      global: { victorops_api_url: apiUrl(receiver.url), victorops_api_key_file: '/run/secrets/victorops' },
      readSecretFile: (file) => Promise.resolve(file === '/run/secrets/victorops' ? otherKey : ''),
    });
    await send(fromFile);
    expect(receiver.requests.map((request) => [request.path, request.problems])).toEqual([
      [`${victoropsAlertPath}${apiKey}/db`, []],
      [`${victoropsAlertPath}${otherKey}/db`, []],
      [`${victoropsAlertPath}${otherKey}/db`, []],
    ]);
  });

  it('never puts the api key in a failure message, even when the service echoes the URL', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    receiver.reply(
      { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result: 'failure', message: `Bad request to /alert/${apiKey}/checkout-team` }) },
      { status: 404, body: `no integration at ${victoropsAlertPath}${apiKey}/checkout-team` },
      { status: 503, body: apiKey },
    );
    const built = buildOne('victorops_configs', entry(receiver.url));
    const results = [await send(built), await send(built), await send(built)];
    expect(results).toMatchObject([
      { ok: false, retryable: false, reason: 'client', status: 400 },
      { ok: false, retryable: false, reason: 'client', status: 404 },
      { ok: false, retryable: true, reason: 'server', status: 503 },
    ]);
    for (const result of results) {
      expect(JSON.stringify(result)).not.toContain(apiKey);
      expect(result.ok ? '' : result.message).toContain(new URL(receiver.url).host);
    }
    expect(results[0]?.ok === false && results[0].message).toContain('Bad request to /alert/<api_key>/checkout-team');
  });
});

describe('victorops receiver check', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('answers 400 to a request that breaks the documented shape, naming what is wrong', async () => {
    const receiver = await startNotificationReceiver(servers, 'victorops');
    const post = (pathname: string, body: unknown, contentType = 'application/json') =>
      fetch(`${new URL(receiver.url).origin}${pathname}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
    const good = { message_type: 'CRITICAL', entity_id: 'abc', state_message: 'x' };
    expect((await post(`${victoropsAlertPath}${apiKey}/db`, good)).status).toBe(200);
    expect((await post(`${victoropsAlertPath}${apiKey}`, good)).status).toBe(400);
    expect((await post(`${victoropsAlertPath}not-a-key/db`, good)).status).toBe(400);
    expect((await post(`${victoropsAlertPath}${apiKey}/db`, { ...good, message_type: 'critical' })).status).toBe(400);
    expect((await post(`${victoropsAlertPath}${apiKey}/db`, { message_type: 'RECOVERY' })).status).toBe(400);
    expect((await post(`${victoropsAlertPath}${apiKey}/db`, { ...good, details: { a: 1 }, routing_key: 'db' })).status).toBe(400);
    expect((await post(`${victoropsAlertPath}${apiKey}/db`, { ...good, state_message: 'x'.repeat(20_481) })).status).toBe(400);
    expect((await post(`${victoropsAlertPath}${apiKey}/db`, good, 'text/plain')).status).toBe(400);
    expect(receiver.requests.map((request) => request.problems)).toEqual([
      [],
      ['path must be <api_key>/<routing_key> after the alert endpoint'],
      ['the api_key path segment must be a REST endpoint key (a UUID)'],
      ['message_type must be one of CRITICAL, WARNING, INFO, ACKNOWLEDGEMENT, RECOVERY'],
      ['entity_id must be a non-empty string (it ties the events of an incident together)'],
      ['routing_key must not be in the body (the routing key is in the path; entity_state is set by the service)', 'details must be a string, number or boolean (fields are flat)'],
      ['state_message: 20481 characters, at most 20480'],
      ['content-type must be application/json'],
    ]);
  });
});

describe('victorops_configs config problems', () => {
  const at = 'receivers.0.victorops_configs.0';
  const problemsOf = (entry: Mapping, global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'oncall', integrations: { victorops_configs: [entry] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const ok = { api_key: apiKey, routing_key: 'db' };

  it.each<[string, Mapping, Mapping, Array<[string, string]>]>([
    ['no key and no routing key', {}, {}, [[at, 'missing api_key (set api_key or api_key_file, or global.victorops_api_key or global.victorops_api_key_file)'], [at, 'missing routing_key']]],
    ['a blank routing key', { ...ok, routing_key: '  ' }, {}, [[`${at}.routing_key`, 'must not be blank']]],
    ['both key forms', { ...ok, api_key_file: '/k' }, {}, [[`${at}.api_key_file`, 'at most one of api_key and api_key_file may be set']]],
    ['a bad api_url', { ...ok, api_url: 'alert.victorops.com/integrations' }, {}, [[`${at}.api_url`, 'must be an absolute URL (http:// or https://)']]],
    ['a bad global.victorops_api_url', ok, { victorops_api_url: 'ftp://alert.victorops.com/' }, [['global.victorops_api_url', 'must be an http:// or https:// URL, got ftp:']]],
    ['a lower-case message_type', { ...ok, message_type: 'warning' }, {}, [[`${at}.message_type`, 'must be CRITICAL, WARNING or INFO (or a template), got "warning"; Alertmanager would send CRITICAL instead']]],
    ['message_type RECOVERY', { ...ok, message_type: 'RECOVERY' }, {}, [[`${at}.message_type`, 'must be CRITICAL, WARNING or INFO (or a template), got "RECOVERY"; sre-monitor sends RECOVERY itself; Alertmanager would send CRITICAL instead']]],
    ['a reserved custom field', { ...ok, custom_fields: { entity_id: 'mine', team: 'db' } }, {}, [[`${at}.custom_fields.entity_id`, 'is reserved: the integration sets it (reserved: routing_key, message_type, state_message, entity_display_name, monitoring_tool, entity_id, entity_state)']]],
    ['custom_fields that are not a mapping', { ...ok, custom_fields: ['team'] }, {}, [[`${at}.custom_fields`, 'must be a mapping, got a list']]],
    ['a custom field that is not text', { ...ok, custom_fields: { team: { name: 'db' } } }, {}, [[`${at}.custom_fields.team`, 'must be a string, got a mapping']]],
    ['send_resolved that is not a boolean', { ...ok, send_resolved: 'sometimes' }, {}, [[`${at}.send_resolved`, 'must be true or false, got the value "sometimes"']]],
    ['an unknown key', { ...ok, routingkey: 'db' }, {}, [[`${at}.routingkey`, 'unknown field (expected one of: api_key, api_key_file, api_url, routing_key, message_type, state_message, entity_display_name, monitoring_tool, custom_fields, send_resolved, http_config, timeout)']]],
  ])('reports %s with its path', (_name, given, global, expected) => {
    expect(problemsOf(given, global)).toEqual(expected);
  });

  it('accepts a key from global:, a templated message_type and the ignored timeout', () => {
    expect(problemsOf({ routing_key: 'db', message_type: '{{ .CommonLabels.severity | toUpper }}', timeout: '10s' }, { victorops_api_key: apiKey })).toEqual([]);
  });
});
