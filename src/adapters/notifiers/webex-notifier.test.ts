import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { truncateUtf8 } from './notification-text.js';
import { defaultWebexApiUrl, escapeWebexMarkdown, webexMessageLimitBytes } from './webex-notifier.js';

const botToken = 'MDAwMDAwMDAtZmFrZS1ib3QtdG9rZW4tZm9yLXRlc3RzLW9ubHkwMDAwMDAw_PF84_00000000-0000-0000-0000-000000000000';
const roomId = Buffer.from('ciscospark://us/ROOM/11111111-2222-3333-4444-555555555555').toString('base64');
const apiUrl = (url: string): string => `${new URL(url).origin}/v1/messages`;
const auth = (credentials: Mapping = { credentials: botToken }): Mapping => ({ http_config: { authorization: credentials } });
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: apiUrl(url), room_id: roomId, ...auth(), ...more });
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

registerHttpNotifierCases({ key: 'webex_configs', channel: 'webex', entry: (url) => entry(url) });

interface WebexBody {
  roomId: string;
  markdown: string;
}

describe('webex_configs messages', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('posts {roomId, markdown} with the bot token as Bearer: the title in bold, then what, where, since and the links', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const result = await send(buildOne('webex_configs', entry(receiver.url)));
    expect(result).toEqual({ ok: true, status: 200 });
    const request = receiver.requests[0];
    expect(request?.problems).toEqual([]);
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${botToken}`);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = request?.parsed as WebexBody;
    expect(Object.keys(body).sort()).toEqual(['markdown', 'roomId']);
    expect(body.roomId).toBe(roomId);
    expect(body.markdown).toBe(
      [
        '**\\[FIRING:1\\] HighLatency (api-1:9100 checkout critical)**',
        [
          '**FIRING**: HighLatency - p99 latency above 500 ms',
          'Where: service=checkout instance=api-1:9100',
          'Since: 2026-01-01 10:00:00 UTC',
          'Checkout p99 latency has been above 500 ms for 10 minutes.',
          '[Runbook](https://runbooks.example.com/high-latency) | [Acknowledge](https://sre.example.com/ack/abc.def) | [Source](http://prometheus.example.com/graph?g0.expr=up)',
        ].join('\n'),
        '[Dashboard](https://sre.example.com/alerts?group=abc)',
      ].join('\n\n'),
    );
  });

  it('sends resolved notifications by default, saying RESOLVED, and not when send_resolved is false', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    expect(buildOne('webex_configs', entry(receiver.url)).integration.sendResolved).toBe(true);
    expect(buildOne('webex_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    expect(await send(buildOne('webex_configs', entry(receiver.url)), resolvedNotification())).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    const markdown = (receiver.requests[0]?.parsed as WebexBody).markdown;
    expect(markdown).toMatch(/^\*\*\\\[RESOLVED\\\] HighLatency/);
    expect(markdown).toContain('**RESOLVED**: HighLatency');
    expect(markdown).toContain('Resolved: 2026-01-01 10:15:00 UTC');
    expect(markdown).not.toContain('Acknowledge');
  });

  it('sends the same body and Idempotency-Key each time the same notification is retried', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    receiver.reply({ status: 503 });
    const built = buildOne('webex_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: false, retryable: true });
    expect(await send(built)).toMatchObject({ ok: true });
    const [first, second] = receiver.requests;
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(second?.body).toBe(first?.body);
  });

  it('escapes alert text for markdown so labels and annotations show as written (and cannot @mention)', async () => {
    expect(escapeWebexMarkdown('# disk\n- item\n 12. first\n*x* _y_ `z` [a](b) <@all> a|b ~~s~~ &amp; \\')).toBe(
      '\\# disk\n\\- item\n 12\\. first\n\\*x\\* \\_y\\_ \\`z\\` \\[a\\](b) \\<@all\\> a\\|b \\~\\~s\\~\\~ \\&amp; \\\\',
    );
    const receiver = await startNotificationReceiver(servers, 'webex');
    const alert = baseAlert({
      labels: { alertname: 'Disk_Full', instance: 'db-1', service: 'a*b' },
      annotations: { summary: '95% full <@all>', description: '# not a heading\n- not a list', runbook_url: 'https://runbooks.example.com/disk (full)' },
    });
    await send(buildOne('webex_configs', entry(receiver.url)), baseNotification({ alerts: [alert] }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const markdown = (receiver.requests[0]?.parsed as WebexBody).markdown;
    expect(markdown).toContain('**FIRING**: Disk\\_Full - 95% full \\<@all\\>');
    expect(markdown).toContain('Where: service=a\\*b instance=db-1');
    expect(markdown).toContain('\\# not a heading\n\\- not a list');
    expect(markdown).toContain('[Runbook](https://runbooks.example.com/disk%20%28full%29)');
  });

  it('truncates like Alertmanager: at most 7,439 bytes, cut on a UTF-8 boundary with an ellipsis', () => {
    expect(webexMessageLimitBytes).toBe(7439);
    expect(truncateUtf8('abc', 3)).toBe('abc');
    expect(truncateUtf8('abcd', 3)).toBe('…');
    expect(truncateUtf8('abcd', 2)).toBe('..');
    expect(truncateUtf8('ééé', 5)).toBe('é…');
    expect(truncateUtf8('a😀bc', 6)).toBe('a…');
    expect(truncateUtf8('a😀bcde', 8)).toBe('a😀…');
  });

  it.each([
    ['40 alerts with huge descriptions', 40, 400],
    ['60 alerts with short descriptions', 60, 7],
  ])('keeps the limit with %s: as many whole alerts as fit, a count of the rest, the dashboard link', async (_name, count, repeat) => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const alerts = Array.from({ length: count }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { summary: `disk ${index}`, description: 'é_😀*'.repeat(repeat) } }));
    await send(buildOne('webex_configs', entry(receiver.url)), baseNotification({ alerts, truncatedAlerts: 2 }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const markdown = (receiver.requests[0]?.parsed as WebexBody).markdown;
    const shown = markdown.split('**FIRING**: HighLatency').length - 1;
    expect(shown).toBeGreaterThan(1);
    // Filled up to the limit: one more alert would not have fitted.
    expect(bytes(markdown)).toBeGreaterThan(webexMessageLimitBytes - bytes(markdown) / shown - 100);
    expect(bytes(markdown)).toBeLessThanOrEqual(webexMessageLimitBytes);
    expect(markdown).toContain(`...and ${count - shown + 2} more alert(s) not shown.`);
    expect(markdown.endsWith('[Dashboard](https://sre.example.com/alerts?group=abc)')).toBe(true);
  });

  it('cuts a long message template to 7,439 bytes without splitting a character', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const alerts = Array.from({ length: 30 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: 'a😀'.repeat(100) } }));
    await send(buildOne('webex_configs', entry(receiver.url, { message: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}' })), baseNotification({ alerts }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const markdown = (receiver.requests[0]?.parsed as WebexBody).markdown;
    expect(markdown.endsWith('…')).toBe(true);
    expect(bytes(markdown)).toBeGreaterThan(webexMessageLimitBytes - 5);
    expect(bytes(markdown)).toBeLessThanOrEqual(webexMessageLimitBytes);
  });

  it('renders message and room_id templates, and sends the default text when the message template fails', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const notification = baseNotification({ commonLabels: { ...baseNotification().commonLabels, webex_room: roomId } });
    const built = buildOne('webex_configs', entry(receiver.url, { room_id: '{{ .CommonLabels.webex_room }}', message: '{{ .Status }}: **{{ .CommonLabels.alertname }}**' }));
    await send(built, notification);
    expect(receiver.requests[0]?.parsed).toEqual({ roomId, markdown: 'firing: **HighLatency**' });
    const broken = buildOne('webex_configs', entry(receiver.url, { message: '{{ template "nope" . }}' }));
    expect(await send(broken)).toMatchObject({ ok: true });
    expect((receiver.requests[1]?.parsed as WebexBody).markdown).toMatch(/^\*\*\\\[FIRING:1\\\]/);
    expect(broken.templateErrors).toEqual([expect.stringContaining('webex_configs[0].message')]);
  });

  it('fails without sending (not retryable) when room_id renders empty', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const built = buildOne('webex_configs', entry(receiver.url, { room_id: '{{ .CommonLabels.no_such_label }}' }));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: 'room_id rendered to an empty room id' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('reads the token from credentials_file at send time, takes global.webex_api_url, and accepts bearer_token', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const directory = await mkdtemp(join(tmpdir(), 'webex-token-'));
    try {
      const file = join(directory, 'token');
      await writeFile(file, `${botToken}\n`);
      const fromFile = buildOne('webex_configs', { room_id: roomId, ...auth({ credentials_file: file }) }, { global: { webex_api_url: apiUrl(receiver.url) } });
      expect(await send(fromFile)).toMatchObject({ ok: true });
      expect(receiver.requests[0]?.headers.authorization).toBe(`Bearer ${botToken}`);
      expect(receiver.requests[0]?.path).toBe('/v1/messages');
      await writeFile(file, 'rotated-token\n');
      await send(fromFile);
      expect(receiver.requests[1]?.headers.authorization).toBe('Bearer rotated-token');
      await rm(file);
      expect(await send(fromFile)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining(`cannot read secret file ${file}`) as unknown });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    const legacy = buildOne('webex_configs', { api_url: apiUrl(receiver.url), room_id: roomId, http_config: { bearer_token: botToken } });
    await send(legacy);
    expect(receiver.requests[2]?.headers.authorization).toBe(`Bearer ${botToken}`);
    expect(receiver.requests).toHaveLength(3);
  });

  it('has a stand-in that refuses what Webex refuses (so the tests above can fail)', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    const post = (body: unknown, headers: Record<string, string> = {}, path = '/v1/messages') =>
      fetch(`${new URL(receiver.url).origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${botToken}`, ...headers }, body: JSON.stringify(body) });
    const good = await post({ roomId, markdown: '**hi**' });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ id: expect.any(String) as unknown, roomId, markdown: '**hi**' });
    const bad: Array<[unknown, Record<string, string>, string, string]> = [
      [{ roomId, markdown: 'x', text: 'x' }, {}, '/v1/messages', 'exactly one of text and markdown, got both'],
      [{ roomId }, {}, '/v1/messages', 'exactly one of text and markdown, got neither'],
      [{ markdown: 'x' }, {}, '/v1/messages', 'roomId must be a room id (base64 text)'],
      [{ roomId, markdown: 'x' }, { authorization: 'Basic eDp5' }, '/v1/messages', 'Authorization must be "Bearer <access token>"'],
      [{ roomId, markdown: 'x' }, { 'content-type': 'text/plain' }, '/v1/messages', 'content-type must be application/json'],
      [{ roomId, markdown: 'x' }, {}, '/hook', 'path must be /v1/messages, got /hook'],
      [{ roomId, markdown: 'é'.repeat(3720) }, {}, '/v1/messages', 'markdown: 7440 bytes, at most 7439'],
      [{ roomId, markdown: 'a\ud83d' }, {}, '/v1/messages', 'markdown is not valid UTF-8 (a character was cut in half)'],
      [{ roomId, markdown: 'x', color: 'red' }, {}, '/v1/messages', 'unknown field color'],
    ];
    for (const [body, headers, path, problem] of bad) {
      const answer = await post(body, headers, path);
      expect(answer.status).toBe(400);
      expect(receiver.requests.at(-1)?.problems).toContain(problem);
    }
  });

  it("posts to Webex's own API by default", () => {
    expect(defaultWebexApiUrl).toBe('https://webexapis.com/v1/messages');
  });

  it('never puts the bot token in a failure message', async () => {
    const receiver = await startNotificationReceiver(servers, 'webex');
    receiver.reply({ status: 401, headers: { 'content-type': 'application/json' }, body: '{"message":"The request requires a valid access token set in the Authorization request header.","errors":[{"description":"The request requires a valid access token set in the Authorization request header."}],"trackingId":"ROUTER_1"}' });
    const result = await send(buildOne('webex_configs', entry(receiver.url)));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', status: 401 });
    expect(JSON.stringify(result)).not.toContain(botToken);
  });
});

describe('webex_configs config problems', () => {
  const problemsOf = (entries: Mapping[], global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'chat', integrations: { webex_configs: entries } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const missingToken = "missing: Webex needs the bot's access token in http_config.authorization (credentials or credentials_file; bearer_token also works), as Alertmanager requires";

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no room and no token', {}, [['receivers.0.webex_configs.0', 'missing room_id'], ['receivers.0.webex_configs.0.http_config.authorization', missingToken]]],
    ['a blank room id', { room_id: '  ', ...auth() }, [['receivers.0.webex_configs.0.room_id', 'must not be blank']]],
    ['a room id that is not text', { room_id: { id: 1 }, ...auth() }, [['receivers.0.webex_configs.0.room_id', 'must be a string, got a mapping']]],
    ['basic_auth instead of a token', { room_id: roomId, http_config: { basic_auth: { username: 'bot', password: 'x' } } }, [['receivers.0.webex_configs.0.http_config.authorization', missingToken]]],
    ['authorization without credentials', { room_id: roomId, ...auth({ type: 'Bearer' }) }, [['receivers.0.webex_configs.0.http_config.authorization', 'missing credentials (one of credentials or credentials_file must be set)']]],
    ['both credentials forms', { room_id: roomId, ...auth({ credentials: botToken, credentials_file: '/t' }) }, [['receivers.0.webex_configs.0.http_config.authorization.credentials_file', 'at most one of credentials and credentials_file may be set']]],
    ['a Basic authorization type', { room_id: roomId, ...auth({ type: 'basic', credentials: botToken }) }, [['receivers.0.webex_configs.0.http_config.authorization.type', 'cannot be "Basic" (Webex takes the bot token as Bearer)']]],
    ['a bad api_url', { room_id: roomId, ...auth(), api_url: 'webexapis.com/v1/messages' }, [['receivers.0.webex_configs.0.api_url', 'must be an absolute URL (http:// or https://)']]],
    ['a bad send_resolved', { room_id: roomId, ...auth(), send_resolved: 'sometimes' }, [['receivers.0.webex_configs.0.send_resolved', 'must be true or false, got the value "sometimes"']]],
    ['an unknown key', { room_id: roomId, ...auth(), roomId }, [['receivers.0.webex_configs.0.roomId', 'unknown field (expected one of: api_url, room_id, message, send_resolved, http_config)']]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf([given])).toEqual(expected);
  });

  it('does not take the token from global.http_config (Alertmanager checks the entry first)', () => {
    expect(problemsOf([{ room_id: roomId }], { http_config: { authorization: { credentials: botToken } } })).toEqual([['receivers.0.webex_configs.0.http_config.authorization', missingToken]]);
  });

  it('reports a bad global.webex_api_url once, at its own path', () => {
    expect(problemsOf([{ room_id: roomId, ...auth() }, { room_id: roomId, ...auth() }], { webex_api_url: 'ftp://webex' })).toEqual([['global.webex_api_url', 'must be an http:// or https:// URL, got ftp:']]);
  });
});
