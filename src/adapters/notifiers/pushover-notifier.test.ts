import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type RecordedRequest } from '../../../test/support/notification-receivers.js';
import { pushoverShape, type PushoverRequest } from '../../../test/support/receiver-checks/pushover.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { truncateRunes } from './notification-text.js';
import { parseGoDurationMs } from './pushover-notifier.js';

const token = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const userKey = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const apiUrl = (url: string): string => `${new URL(url).origin}/1/messages.json`;
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: apiUrl(url), token, user_key: userKey, ...more });
const paramsOf = (request: RecordedRequest | undefined): Record<string, string> => (request?.parsed as PushoverRequest).params;
const runes = (text: string | undefined): number => Array.from(text ?? '').length;

registerHttpNotifierCases({ key: 'pushover_configs', channel: 'pushover', entry: (url) => entry(url) });

describe('pushover_configs messages', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('POSTs to /1/messages.json with the parameters in the query string, a firing group at emergency priority', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const result = await send(buildOne('pushover_configs', entry(receiver.url)));
    expect(result).toEqual({ ok: true, status: 200 });
    const request = receiver.requests[0];
    expect(request?.problems).toEqual([]);
    expect(request?.method).toBe('POST');
    expect(request?.path.startsWith('/1/messages.json?token=')).toBe(true);
    expect(request?.body).toBe('');
    expect(request?.headers['content-type']).toBe('text/plain');
    expect((request?.parsed as PushoverRequest).names).toEqual(['token', 'user', 'title', 'message', 'url', 'url_title', 'priority', 'retry', 'expire', 'device', 'sound']);
    const params = paramsOf(request);
    expect(params).toMatchObject({
      token,
      user: userKey,
      title: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
      url: 'https://sre.example.com/alerts?group=abc',
      url_title: 'sre-monitor dashboard',
      priority: '2',
      retry: '60',
      expire: '3600',
      device: '',
      sound: '',
    });
    expect(params.message).toMatch(/^FIRING: HighLatency - p99 latency above 500 ms\nWhere: service=checkout instance=api-1:9100\nSince: 2026-01-01 10:00:00 UTC\n/);
    expect(params.message).toContain('Runbook: https://runbooks.example.com/high-latency');
    expect(params.message).toContain('Acknowledge: https://sre.example.com/ack/abc.def');
    expect(params.message).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
  });

  it('sends resolved groups (send_resolved defaults to true) titled RESOLVED, at normal priority', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    expect(buildOne('pushover_configs', entry(receiver.url)).integration.sendResolved).toBe(true);
    expect(buildOne('pushover_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    await send(buildOne('pushover_configs', entry(receiver.url)), resolvedNotification());
    expect(receiver.requests[0]?.problems).toEqual([]);
    const params = paramsOf(receiver.requests[0]);
    expect(params.title).toMatch(/^\[RESOLVED\] HighLatency/);
    expect(params.priority).toBe('0');
    expect(params.message).toContain('Resolved: 2026-01-01 10:15:00 UTC');
    expect(params.message).not.toContain('Acknowledge:');
  });

  it('does not page again for a group whose firing alerts are all acknowledged', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    await send(buildOne('pushover_configs', entry(receiver.url)), baseNotification({ acknowledged: true }));
    expect(paramsOf(receiver.requests[0])).toMatchObject({ priority: '0', title: expect.stringMatching(/^\[FIRING:1\] \[ACKED\]/) as unknown });
  });

  it('sends the same request, with the same Idempotency-Key, for every send of the same notification', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const built = buildOne('pushover_configs', entry(receiver.url));
    await send(built);
    await send(built);
    expect(receiver.requests[0]?.headers['idempotency-key']).toBe('ntf-0001-a');
    expect(receiver.requests[1]?.headers['idempotency-key']).toBe('ntf-0001-a');
    expect(receiver.requests[1]?.path).toBe(receiver.requests[0]?.path);
  });

  it('with html: true sends html=1 and HTML-escapes the default text', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const notification = baseNotification({ alerts: [baseAlert({ annotations: { summary: 'p99 <latency> & "errors" above 500 ms' } })] });
    await send(buildOne('pushover_configs', entry(receiver.url, { html: true })), notification);
    expect(receiver.requests[0]?.problems).toEqual([]);
    const params = paramsOf(receiver.requests[0]);
    expect(params.html).toBe('1');
    expect(params.monospace).toBeUndefined();
    expect(params.message).toContain('p99 &lt;latency&gt; &amp; &quot;errors&quot; above 500 ms');
  });

  it('with html: true escapes the values a message template inserts and keeps its markup, as html/template does', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const notification = baseNotification({ commonAnnotations: { summary: 'queue <jobs> & workers' } });
    await send(buildOne('pushover_configs', entry(receiver.url, { html: true, message: '<b>{{ .CommonAnnotations.summary }}</b> <a href="{{ .DashboardURL }}">open</a>' })), notification);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(paramsOf(receiver.requests[0]).message).toBe('<b>queue &lt;jobs&gt; &amp; workers</b> <a href="https://sre.example.com/alerts?group=abc">open</a>');
  });

  it('sends monospace=1 and a ttl in whole seconds when set, and a fixed priority with its retry and expire', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    await send(buildOne('pushover_configs', entry(receiver.url, { monospace: true, ttl: '1h30m', priority: '1', retry: '90s', expire: '2h', device: 'phone,tablet', sound: 'siren' })));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(paramsOf(receiver.requests[0])).toMatchObject({ monospace: '1', ttl: '5400', priority: '1', retry: '90', expire: '7200', device: 'phone,tablet', sound: 'siren' });
    expect(paramsOf(receiver.requests[0]).html).toBeUndefined();
  });

  it("keeps Pushover's limits with many large alerts, long labels and a long URL template", async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const alerts = Array.from({ length: 40 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: '<&> 🚨'.repeat(100) } }));
    const commonLabels = { alertname: 'HighLatency', region: 'r'.repeat(300) };
    const notification = baseNotification({ alerts, commonLabels });
    await send(buildOne('pushover_configs', entry(receiver.url)), notification);
    await send(buildOne('pushover_configs', entry(receiver.url, { html: true })), notification);
    await send(buildOne('pushover_configs', entry(receiver.url, { url: '{{ .ExternalURL }}/{{ range .Alerts }}{{ .Fingerprint }}{{ end }}', url_title: '{{ range .Alerts }}{{ .Labels.alertname }}{{ end }}', message: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}' })), notification);
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], []]);
    const [plain, html, templated] = receiver.requests.map(paramsOf);
    expect(runes(plain?.title)).toBe(250);
    expect(plain?.title?.endsWith('…')).toBe(true);
    expect(runes(plain?.message)).toBe(1024);
    expect(plain?.message?.endsWith('…')).toBe(true);
    expect(runes(html?.message)).toBeLessThanOrEqual(1024);
    expect(runes(html?.message)).toBeGreaterThan(1010);
    expect(html?.message?.endsWith('…')).toBe(true);
    expect(html?.message).toMatch(/&lt;&amp;&gt;/);
    expect(runes(templated?.url)).toBe(512);
    expect(runes(templated?.url_title)).toBe(100);
    expect(runes(templated?.message)).toBe(1024);
  });

  it('renders templates for every text field and for priority', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const built = buildOne('pushover_configs', entry(receiver.url, {
      title: '{{ .Status | toUpper }} {{ .CommonLabels.alertname }}',
      message: '{{ .CommonAnnotations.summary }}',
      url: '{{ .ExternalURL }}/groups',
      url_title: 'Group {{ .CommonLabels.service }}',
      priority: '{{ if eq .CommonLabels.severity "critical" }}1{{ else }}-1{{ end }}',
      device: '{{ .CommonLabels.service }}',
      sound: '{{ if eq .Status "firing" }}siren{{ end }}',
    }));
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(paramsOf(receiver.requests[0])).toMatchObject({
      title: 'FIRING HighLatency',
      message: 'p99 latency above 500 ms',
      url: 'https://sre.example.com/groups',
      url_title: 'Group checkout',
      priority: '1',
      device: 'checkout',
      sound: 'siren',
    });
    expect(built.templateErrors).toEqual([]);
  });

  it('sends the default text when a template fails or renders empty, and logs the failure', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const broken = buildOne('pushover_configs', entry(receiver.url, { title: '{{ template "nope" . }}', message: '{{ .CommonAnnotations.nothing }}' }));
    await send(broken);
    expect(receiver.requests[0]?.problems).toEqual([]);
    const params = paramsOf(receiver.requests[0]);
    expect(params.title).toMatch(/^\[FIRING:1\] HighLatency/);
    expect(params.message).toMatch(/^FIRING: HighLatency - p99 latency above 500 ms/);
    expect(broken.templateErrors).toHaveLength(1);
    expect(broken.templateErrors[0]).toContain('pushover_configs[0].title');
  });

  it('replaces a priority template that renders no Pushover priority by the default, and logs it', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const built = buildOne('pushover_configs', entry(receiver.url, { priority: '{{ .CommonLabels.severity }}' }));
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(paramsOf(receiver.requests[0]).priority).toBe('2');
    expect(built.templateErrors).toEqual([expect.stringContaining('pushover_configs[0].priority: rendered "critical", not a Pushover priority') as unknown]);
  });

  it('raises retry and lowers expire to what Pushover accepts when a priority template renders 2', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    await send(buildOne('pushover_configs', entry(receiver.url, { priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}', retry: '10s', expire: '5h' })));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(paramsOf(receiver.requests[0])).toMatchObject({ priority: '2', retry: '30', expire: '10800' });
  });

  it('reads the token and user key from files at send time (trimmed)', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const dir = await mkdtemp(join(tmpdir(), 'pushover-'));
    try {
      await writeFile(join(dir, 'token'), `${token}\n`);
      await writeFile(join(dir, 'user'), `  ${userKey}\n`);
      const built = buildOne('pushover_configs', { api_url: apiUrl(receiver.url), token_file: join(dir, 'token'), user_key_file: join(dir, 'user') });
      expect(await send(built)).toMatchObject({ ok: true });
      expect(paramsOf(receiver.requests[0])).toMatchObject({ token, user: userKey });
      await rm(join(dir, 'token'));
      expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining(`cannot read secret file ${join(dir, 'token')}`) as unknown });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports Pushover's 400 answer with its errors, and never the token", async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    receiver.reply({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0,"request":"5042853c-402d-4a18-abcb-168734a801de"}' });
    const result = await send(buildOne('pushover_configs', entry(receiver.url)));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 400, message: expect.stringContaining('user identifier is not a valid user') as unknown });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('answers a good request as Pushover does', async () => {
    const receiver = await startNotificationReceiver(servers, 'pushover');
    const answers: string[] = [];
    const built = buildOne('pushover_configs', entry(receiver.url), {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        answers.push(await response.clone().text());
        return response;
      },
    });
    await send(built);
    expect(JSON.parse(answers[0] ?? '')).toEqual({ status: 1, request: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
  });
});

describe('pushover receiver check', () => {
  const request = (path: string, more: Partial<RecordedRequest> = {}): RecordedRequest => {
    const received = { method: 'POST', path, headers: { 'content-type': 'text/plain' }, body: '', ...more };
    return { ...received, parsed: pushoverShape.parse?.(received.body, received), problems: [] };
  };
  const problemsOf = (recorded: RecordedRequest): string[] => {
    const problems: string[] = [];
    pushoverShape.check(recorded, problems);
    return problems;
  };
  const good = `token=${token}&user=${userKey}&message=hi`;

  it('accepts a minimal message', () => {
    expect(problemsOf(request(`/1/messages.json?${good}`))).toEqual([]);
  });

  it.each<[string, string, Partial<RecordedRequest>, string]>([
    ['a form body', '', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: good }, 'the parameters must be in the query string, with an empty body'],
    ['another path', `/1/message.json?${good}`, {}, 'path must be /1/messages.json'],
    ['a short token', `/1/messages.json?token=abc&user=${userKey}&message=hi`, {}, 'token must be 30 letters and digits (an application API token)'],
    ['a blank message', `/1/messages.json?token=${token}&user=${userKey}&message=%20`, {}, 'message cannot be blank'],
    ['priority 3', `/1/messages.json?${good}&priority=3`, {}, 'priority must be -2, -1, 0, 1 or 2, got "3"'],
    ['an emergency without retry', `/1/messages.json?${good}&priority=2&expire=60`, {}, 'retry must be at least 30 with priority 2, got ""'],
    ['an emergency expiring after 3 hours', `/1/messages.json?${good}&priority=2&retry=30&expire=10801`, {}, 'expire must be 1-10800 with priority 2, got "10801"'],
    ['html=true', `/1/messages.json?${good}&html=true`, {}, 'html must be 0 or 1, got "true"'],
    ['an unknown HTML tag', `/1/messages.json?token=${token}&user=${userKey}&message=%3Clatency%3E&html=1`, {}, 'message: unsupported HTML tag <latency>'],
    ['a 251-character title', `/1/messages.json?${good}&title=${'t'.repeat(251)}`, {}, 'title: 251 characters, at most 250'],
    ['an unknown parameter', `/1/messages.json?${good}&urgency=high`, {}, 'unknown parameter urgency'],
  ])('refuses %s', (_name, path, more, problem) => {
    expect(problemsOf(request(path || '/1/messages.json', more))).toContain(problem);
  });
});

describe('pushover_configs config problems', () => {
  const problemsOf = (entry: Mapping) => buildReceiverNotifiers([{ name: 'phone', integrations: { pushover_configs: [entry] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const at = (key?: string): string => ['receivers.0.pushover_configs.0', ...(key === undefined ? [] : [key])].join('.');
  const keys = { token, user_key: userKey };

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no user key and no token', {}, [[at(), 'missing user_key (one of user_key or user_key_file must be set)'], [at(), 'missing token (one of token or token_file must be set)']]],
    ['both token forms', { ...keys, token_file: '/run/secrets/pushover' }, [[at('token_file'), 'at most one of token and token_file may be set']]],
    ['a token that cannot be one', { ...keys, token: 'my-app-token' }, [[at('token'), "must be an application's API token: 30 letters and digits, got 12 characters"]]],
    ['a user key that cannot be one', { ...keys, user_key: `${userKey}x` }, [[at('user_key'), 'must be a user or group key: 30 letters and digits, got 31 characters']]],
    ['html and monospace', { ...keys, html: true, monospace: true }, [[at('monospace'), 'at most one of html and monospace may be set']]],
    ['an unknown priority', { ...keys, priority: 'emergency' }, [[at('priority'), 'must be -2, -1, 0, 1 or 2 (or a template rendering one), got "emergency"']]],
    ['a retry without a unit', { ...keys, retry: 30 }, [[at('retry'), 'must be a duration with a unit, such as 30s, 5m or 1h, got "30"']]],
    ['a negative ttl', { ...keys, ttl: '-1h' }, [[at('ttl'), 'must not be negative']]],
    ['a retry Pushover refuses for the default emergency priority', { ...keys, retry: '10s' }, [[at('retry'), 'must be at least 30s: firing groups are sent at emergency priority (2), and Pushover repeats those no more often than every 30 seconds']]],
    ['an expire Pushover refuses with priority 2', { ...keys, priority: 2, expire: '4h' }, [[at('expire'), 'must be at most 3h: priority 2 (emergency), and Pushover repeats those for at most 3 hours']]],
    ['a bad api_url', { ...keys, api_url: 'api.pushover.net/1/messages.json' }, [[at('api_url'), 'must be an absolute URL (http:// or https://)']]],
    ['a key Alertmanager does not have', { ...keys, app_token: 'x' }, [[at('app_token'), expect.stringMatching(/^unknown field \(expected one of: user_key, user_key_file, token, token_file, /) as string]]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf(given)).toEqual(expected);
  });

  it('accepts a short retry when the priority is fixed below emergency, and templated tokens', () => {
    expect(problemsOf({ ...keys, priority: '0', retry: '5s', expire: '24h' })).toEqual([]);
    expect(problemsOf({ token: '{{ .CommonLabels.pushover_token }}', user_key: userKey })).toEqual([]);
  });
});

describe('pushover helpers', () => {
  it("cuts in code points like Alertmanager's TruncateInRunes", () => {
    expect(truncateRunes('🚨🚨🚨🚨🚨', 4)).toBe('🚨🚨🚨…');
    expect(truncateRunes('abcdef', 3)).toBe('abc');
    expect(truncateRunes('abc', 3)).toBe('abc');
  });

  it("parses Go's duration syntax", () => {
    expect(parseGoDurationMs('1h30m')).toBe(5_400_000);
    expect(parseGoDurationMs('1.5h')).toBe(5_400_000);
    expect(parseGoDurationMs('0')).toBe(0);
    expect(parseGoDurationMs('500ms')).toBe(500);
    expect(parseGoDurationMs('30')).toBeUndefined();
    expect(parseGoDurationMs('1d')).toBeUndefined();
  });
});
