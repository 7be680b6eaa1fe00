import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type RecordedRequest } from '../../../test/support/notification-receivers.js';
import { useTempTrees } from '../../../test/support/temp-tree.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { truncateRunes } from './notification-text.js';
import { opsgenieAlias } from './opsgenie-notifier.js';

const apiKey = 'eb243592-faa2-4ba2-a551-1afdf565c889';
const origin = (url: string): string => `${new URL(url).origin}/`;
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: origin(url), api_key: apiKey, ...more });
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const alias = sha256(baseNotification().groupKey);

const writeTree = useTempTrees('opsgenie-test-');

registerHttpNotifierCases({ key: 'opsgenie_configs', channel: 'opsgenie', entry: (url) => entry(url) });

interface CreateAlert {
  alias: string;
  message: string;
  description?: string;
  details: Record<string, string>;
  source: string;
  responders?: Array<Record<string, string>>;
  tags?: string[];
  note?: string;
  priority?: string;
  entity?: string;
  actions?: string[];
}

const created = (request: RecordedRequest | undefined): CreateAlert => request?.parsed as CreateAlert;
const runes = (text: string): number => [...text].length;

describe('opsgenie_configs requests', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('creates an alert: POST /v2/alerts with the GenieKey, the group alias, the title, the text and the common labels', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const result = await send(buildOne('opsgenie_configs', entry(receiver.url)));
    expect(result).toEqual({ ok: true, status: 202 });
    const request = receiver.requests[0];
    expect(request?.problems).toEqual([]);
    expect(request).toMatchObject({ method: 'POST', path: '/v2/alerts' });
    expect(request?.headers.authorization).toBe(`GenieKey ${apiKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = created(request);
    expect(body).toMatchObject({
      alias,
      message: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
      details: { alertname: 'HighLatency', service: 'checkout', instance: 'api-1:9100', severity: 'critical' },
      source: 'https://sre.example.com/alerts?group=abc',
    });
    expect(body.description).toContain('FIRING: HighLatency - p99 latency above 500 ms');
    expect(body.description).toContain('Where: service=checkout instance=api-1:9100');
    expect(body.description).toContain('Since: 2026-01-01 10:00:00 UTC');
    expect(body.description).toContain('Runbook: https://runbooks.example.com/high-latency');
    expect(body.description).toContain('Acknowledge: https://sre.example.com/ack/abc.def');
    expect(body.description).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
    expect(Object.keys(body).sort()).toEqual(['alias', 'description', 'details', 'message', 'source']);
  });

  it('closes the alert by alias when the group resolves, with only the source in the body', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const built = buildOne('opsgenie_configs', entry(receiver.url));
    expect(built.integration.sendResolved).toBe(true);
    expect(await send(built, resolvedNotification())).toEqual({ ok: true, status: 202 });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: `/v2/alerts/${alias}/close?identifierType=alias` });
    expect(receiver.requests[0]?.headers.authorization).toBe(`GenieKey ${apiKey}`);
    expect(receiver.requests[0]?.parsed).toEqual({ source: 'https://sre.example.com/alerts?group=abc' });
    expect(buildOne('opsgenie_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
  });

  it('acknowledges the alert by alias once every firing alert is acknowledged in sre-monitor', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    await send(buildOne('opsgenie_configs', entry(receiver.url)), baseNotification({ acknowledged: true }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.path).toBe(`/v2/alerts/${alias}/acknowledge?identifierType=alias`);
    expect(receiver.requests[0]?.parsed).toEqual({ source: 'https://sre.example.com/alerts?group=abc', note: 'Acknowledged in sre-monitor' });
  });

  it('keeps one alias per group: the same across sends, create and close, and another for another group', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const built = buildOne('opsgenie_configs', entry(receiver.url));
    await send(built);
    await send(built, baseNotification({ idempotencyKey: 'ntf-0002-a', alerts: [baseAlert(), baseAlert({ fingerprint: 'fedcba9876543210' })] }));
    await send(built, baseNotification({ groupKey: '{}/{severity="critical"}:{alertname="DiskFull"}' }));
    await send(built, resolvedNotification());
    const [first, second, other] = receiver.requests.slice(0, 3).map((request) => created(request).alias);
    expect(first).toBe(alias);
    expect(second).toBe(alias);
    expect(other).toBe(sha256('{}/{severity="critical"}:{alertname="DiskFull"}'));
    expect(other).not.toBe(alias);
    expect(receiver.requests[3]?.path).toContain(`/v2/alerts/${first ?? ''}/close`);
  });

  it('keeps every field within Opsgenie limits with many large alerts and long templates', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const alerts = Array.from({ length: 60 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { summary: '🔥'.repeat(80), description: 'x'.repeat(1000) } }));
    const long = 'y'.repeat(600);
    const built = buildOne('opsgenie_configs', entry(receiver.url, {
      message: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}',
      source: `https://sre.example.com/${'s'.repeat(200)}`,
      entity: long,
      note: 'n'.repeat(30_000),
      tags: Array.from({ length: 30 }, (_unused, index) => `tag-${index}-${'t'.repeat(60)}`).join(','),
      actions: Array.from({ length: 15 }, (_unused, index) => `action-${index}`).join(','),
      details: Object.fromEntries(Array.from({ length: 20 }, (_unused, index) => [`detail_${index}`, 'd'.repeat(1000)])),
      responders: [{ name: Array.from({ length: 70 }, (_unused, index) => `team-${index}`).join(','), type: 'teams' }],
    }));
    await send(built, baseNotification({ alerts, commonLabels: { ...baseNotification().commonLabels, big: 'b'.repeat(3000) } }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const body = created(receiver.requests[0]);
    expect(runes(body.message)).toBe(130);
    expect(body.message.endsWith('…')).toBe(true);
    expect(body.message).not.toMatch(/[\uD800-\uDBFF]…$/);
    expect(runes(body.description ?? '')).toBe(15_000);
    expect(body.source).toBe('https://sre.example.com/' + 's'.repeat(75) + '…');
    expect(runes(body.entity ?? '')).toBe(512);
    expect(runes(body.note ?? '')).toBe(25_000);
    expect(body.tags).toHaveLength(20);
    expect(body.tags?.every((tag) => runes(tag) <= 50)).toBe(true);
    expect(body.actions).toEqual(Array.from({ length: 10 }, (_unused, index) => `action-${index}`));
    expect(body.responders).toHaveLength(50);
    const detailsSize = Object.entries(body.details).reduce((sum, [key, value]) => sum + runes(key) + runes(value), 0);
    expect(detailsSize).toBeLessThanOrEqual(8000);
    // Configured details get the room first; the labels fill what is left.
    expect(body.details.detail_0).toBe('d'.repeat(1000));
    expect(built.templateErrors).toEqual([expect.stringContaining('70 responders, Opsgenie takes 50') as unknown]);
  });

  it('renders every templated field against the group, and leaves out empty ones', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const built = buildOne('opsgenie_configs', entry(receiver.url, {
      message: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.service }}',
      description: '{{ .CommonAnnotations.summary }}',
      source: '{{ .ExternalURL }}',
      details: { runbook: '{{ (index .Alerts 0).Annotations.runbook_url }}', severity: 'overridden-{{ .CommonLabels.severity }}' },
      tags: '{{ .CommonLabels.service }}, {{ .CommonLabels.severity }} ,,prod',
      note: 'Status {{ .Status }}',
      priority: '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}',
      entity: '{{ .CommonLabels.instance }}',
      actions: 'Restart,Page DBA',
      responders: [
        { name: '{{ .CommonLabels.team }}', type: 'team' },
        { name: 'sre, payments', type: 'teams' },
        { username: 'oncall@example.com', type: 'User' },
        { id: '4513b7ea-3b91-438f-b7e4-e3e54af9147c', type: '{{ if eq .Status "firing" }}escalation{{ end }}' },
        { name: 'Primary', type: 'schedule' },
      ],
    }));
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(created(receiver.requests[0])).toEqual({
      alias,
      message: 'HighLatency on checkout',
      description: 'p99 latency above 500 ms',
      details: { alertname: 'HighLatency', service: 'checkout', instance: 'api-1:9100', severity: 'overridden-critical', runbook: 'https://runbooks.example.com/high-latency' },
      source: 'https://sre.example.com',
      responders: [
        { name: 'sre', type: 'team' },
        { name: 'payments', type: 'team' },
        { username: 'oncall@example.com', type: 'user' },
        { id: '4513b7ea-3b91-438f-b7e4-e3e54af9147c', type: 'escalation' },
        { name: 'Primary', type: 'schedule' },
      ],
      tags: ['checkout', 'critical', 'prod'],
      note: 'Status firing',
      priority: 'P1',
      entity: 'api-1:9100',
      actions: ['Restart', 'Page DBA'],
    });
    expect(built.templateErrors).toEqual([]);
  });

  it('resolves Alertmanager\'s opsgenie.default.* templates to the default message, description and source', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    await send(buildOne('opsgenie_configs', entry(receiver.url, {
      message: '{{ template "opsgenie.default.message" . }}',
      description: '{{ template "opsgenie.default.description" . }}',
      source: '{{ template "opsgenie.default.source" . }}',
    })));
    const body = created(receiver.requests[0]);
    expect(body.message).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(body.description).toMatch(/^FIRING: HighLatency - p99 latency above 500 ms\n/);
    expect(body.source).toBe('https://sre.example.com/alerts?group=abc');
  });

  it('sends the default text when a template fails, and never drops the alert', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const built = buildOne('opsgenie_configs', entry(receiver.url, { message: '{{ template "nope" . }}', tags: '{{ nosuchfunction }}', description: '{{ .CommonLabels.alertname' }));
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    const body = created(receiver.requests[0]);
    expect(body.message).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(body.description).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
    expect(body.tags).toBeUndefined();
    expect(built.templateErrors).toHaveLength(3);
    expect(built.templateErrors[0]).toMatch(/^receiver "team-checkout" opsgenie_configs\[0\]\.message: .*sent the default text instead$/);
  });

  it('leaves out a rendered priority or responder Opsgenie would refuse, logs it, and still creates the alert', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const built = buildOne('opsgenie_configs', entry(receiver.url, {
      priority: '{{ range .Alerts }}P2{{ end }}',
      responders: [
        { name: 'sre', type: '{{ .CommonLabels.severity }}' },
        { name: 'nobody', type: 'user' },
        { username: '{{ .CommonLabels.owner }}', type: 'user' },
        { name: 'sre', type: 'team' },
      ],
    }));
    await send(built, baseNotification({ alerts: [baseAlert(), baseAlert({ fingerprint: 'fedcba9876543210' })] }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const body = created(receiver.requests[0]);
    expect(body.priority).toBeUndefined();
    expect(body.responders).toEqual([{ name: 'sre', type: 'team' }]);
    expect(built.templateErrors).toEqual([
      expect.stringContaining('responders[0]: type "critical" is not one of team, teams, user, escalation, schedule') as unknown,
      expect.stringContaining('responders[1]: a user responder needs id or username') as unknown,
      expect.stringContaining('priority: rendered "P2P2", not one of P1..P5') as unknown,
    ]);
  });

  it('reads the API key from a file at each send, so a rotated key needs no reload', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const dir = await writeTree({ 'opsgenie-key': `${apiKey}\n` });
    const keyFile = path.join(dir, 'opsgenie-key');
    const built = buildOne('opsgenie_configs', { api_url: origin(receiver.url), api_key_file: keyFile });
    await send(built);
    const rotated = '0f0e0d0c-0b0a-4909-8807-060504030201';
    await writeFile(keyFile, rotated);
    await send(built);
    expect(receiver.requests.map((request) => request.headers.authorization)).toEqual([`GenieKey ${apiKey}`, `GenieKey ${rotated}`]);
    const missing = buildOne('opsgenie_configs', { api_url: origin(receiver.url), api_key_file: path.join(dir, 'missing') });
    expect(await send(missing)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('cannot read secret file') as unknown });
  });

  it('takes global.opsgenie_api_key, opsgenie_api_key_file and opsgenie_api_url, and keeps an api_url path prefix', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const fromGlobal = buildOne('opsgenie_configs', {}, { global: { opsgenie_api_key: apiKey, opsgenie_api_url: origin(receiver.url) } });
    await send(fromGlobal);
    const fromGlobalFile = buildOne('opsgenie_configs', {}, {
      global: { opsgenie_api_key_file: '/run/secrets/opsgenie', opsgenie_api_url: origin(receiver.url) },
      readSecretFile: (file) => Promise.resolve(file === '/run/secrets/opsgenie' ? apiKey : ''),
    });
    await send(fromGlobalFile, resolvedNotification());
    // An entry's own key wins over the global one; a base URL without a trailing slash gets one.
    const own = buildOne('opsgenie_configs', { api_key: apiKey, api_url: `${origin(receiver.url)}proxy/opsgenie` }, { global: { opsgenie_api_key: 'not-this-one' } });
    await send(own);
    expect(receiver.requests.map((request) => [request.path, request.headers.authorization])).toEqual([
      ['/v2/alerts', `GenieKey ${apiKey}`],
      [`/v2/alerts/${alias}/close?identifierType=alias`, `GenieKey ${apiKey}`],
      ['/proxy/opsgenie/v2/alerts', `GenieKey ${apiKey}`],
    ]);
  });

  it('maps Opsgenie refusals: 422 (a field it rejects) is not retried, 429 is', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    receiver.reply(
      { status: 422, headers: { 'content-type': 'application/json' }, body: '{"message":"Request body is not processable. Please check the errors.","errors":{"priority":"should be one of [ P1, P2, P3, P4, P5 ]"},"took":0.001,"requestId":"x"}' },
      { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"You are making too many requests!","took":0.0,"requestId":"y"}' },
    );
    const built = buildOne('opsgenie_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 422, message: expect.stringContaining('priority') as unknown });
    expect(await send(built)).toMatchObject({ ok: false, retryable: true, reason: 'rate_limited', status: 429 });
    const result = await send(built);
    expect(result).toEqual({ ok: true, status: 202 });
    expect(JSON.stringify(result)).not.toContain(apiKey);
  });

  it('with update_alerts, PUTs the message and description after the create, and stops at the first failure', async () => {
    const receiver = await startNotificationReceiver(servers, 'opsgenie');
    const built = buildOne('opsgenie_configs', entry(receiver.url, { update_alerts: true }));
    expect(await send(built)).toEqual({ ok: true, status: 202 });
    const alias = opsgenieAlias(baseNotification().groupKey);
    expect(receiver.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v2/alerts',
      `PUT /v2/alerts/${alias}/message?identifierType=alias`,
      `PUT /v2/alerts/${alias}/description?identifierType=alias`,
    ]);
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], []]);
    const created = receiver.requests[0]?.parsed as { message: string; description: string };
    expect(receiver.requests[1]?.parsed).toEqual({ message: created.message });
    expect(receiver.requests[2]?.parsed).toEqual({ description: created.description });
    receiver.reply({ status: 503, body: '{"message":"unavailable"}' });
    expect(await send(built)).toMatchObject({ ok: false, retryable: true, status: 503 });
    expect(receiver.requests).toHaveLength(4);
    // Resolved: only the close, as without update_alerts.
    await send(built, resolvedNotification());
    expect(receiver.requests[4]?.path).toBe(`/v2/alerts/${alias}/close?identifierType=alias`);
    expect(receiver.requests).toHaveLength(5);
  });

  it('cuts the message as Alertmanager does: 130 code points, the last one an ellipsis', () => {
    expect(truncateRunes('a'.repeat(130), 130)).toBe('a'.repeat(130));
    expect(truncateRunes('😀'.repeat(131), 130)).toBe(`${'😀'.repeat(129)}…`);
  });
});

describe('opsgenie_configs config problems', () => {
  const problemsOf = (given: Mapping, global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'pager', integrations: { opsgenie_configs: [given] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const at = 'receivers.0.opsgenie_configs.0';

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no API key anywhere', {}, [[at, 'missing api_key (set api_key or api_key_file here, or global.opsgenie_api_key or global.opsgenie_api_key_file)']]],
    ['both key forms', { api_key: apiKey, api_key_file: '/k' }, [[`${at}.api_key_file`, 'at most one of api_key and api_key_file may be set']]],
    ['a bad api_url', { api_key: apiKey, api_url: 'api.opsgenie.com' }, [[`${at}.api_url`, 'must be an absolute URL (http:// or https://)']]],
    ['a fixed priority that is not P1..P5', { api_key: apiKey, priority: 'high' }, [[`${at}.priority`, 'must be P1, P2, P3, P4 or P5 (or a template), got "high"']]],
    ['a responder without id, name or username', { api_key: apiKey, responders: [{ type: 'team' }] }, [[`${at}.responders.0`, 'a responder needs at least one of id, name or username']]],
    ['a responder with an unknown type', { api_key: apiKey, responders: [{ name: 'sre', type: 'squad' }] }, [[`${at}.responders.0.type`, 'must be team, teams, user, escalation or schedule, got "squad"']]],
    ['a responder without a type', { api_key: apiKey, responders: [{ name: 'sre' }] }, [[`${at}.responders.0.type`, 'missing type (team, teams, user, escalation or schedule)']]],
    ['an unknown responder field', { api_key: apiKey, responders: [{ name: 'sre', type: 'team', email: 'x' }] }, [[`${at}.responders.0.email`, 'unknown field (expected one of: id, name, username, type)']]],
    ['responders that are not a list', { api_key: apiKey, responders: 'sre' }, [[`${at}.responders`, 'must be a list, got the value "sre"']]],
    ['details that are not a mapping', { api_key: apiKey, details: ['a'] }, [[`${at}.details`, 'must be a mapping, got a list']]],
    ['update_alerts that is not a boolean', { api_key: apiKey, update_alerts: 'sometimes' }, [[`${at}.update_alerts`, 'must be true or false, got the value "sometimes"']]],
    ['visible_to, which Alertmanager does not have', { api_key: apiKey, visible_to: [] }, [[`${at}.visible_to`, expect.stringMatching(/^unknown field \(expected one of: api_key, .*update_alerts, http_config\)$/) as string]]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf(given)).toEqual(expected);
  });

  it('accepts a templated responder type and priority, and a key from global', () => {
    expect(problemsOf({ responders: [{ name: 'sre', type: '{{ .CommonLabels.kind }}' }], priority: '{{ .CommonLabels.priority }}' }, { opsgenie_api_key: apiKey })).toEqual([]);
  });
});
