import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type NotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { defaultRocketChatApiUrl, rocketChatMaxTextLength, rocketChatPostMessageUrl, truncateUtf16 } from './rocketchat-notifier.js';

const token = 'kXw3Y9bq0fA7Hc2LmN4pR6sT8uV1wZ5yB3dE7gJ9k0Q';
const userId = 'aobEdbYhXfu5hkeqG';
const origin = (url: string): string => new URL(url).origin;
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: origin(url), token, token_id: userId, channel: '#alerts', ...more });

registerHttpNotifierCases({ key: 'rocketchat_configs', channel: 'rocketchat', entry: (url) => entry(url) });

interface Attachment {
  title?: string;
  title_link?: string;
  text?: string;
  color?: string;
  fields?: Array<{ short: boolean; title: string; value: string }>;
  actions?: Array<Record<string, unknown>>;
}
interface PostMessage {
  channel: string;
  emoji?: string;
  avatar?: string;
  attachments: Attachment[];
}

const bodyOf = (receiver: NotificationReceiver, index = 0): PostMessage => {
  expect(receiver.requests[index]?.problems).toEqual([]);
  return receiver.requests[index]?.parsed as PostMessage;
};
const attachmentOf = (receiver: NotificationReceiver, index = 0): Attachment => bodyOf(receiver, index).attachments[0] ?? {};
const linkButton = (text: string, url: string) => ({ type: 'button', text, url, is_webview: false, msg_in_chat_window: false });

describe('rocketchat_configs messages', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('posts to /api/v1/chat.postMessage with X-Auth-Token and X-User-Id: one attachment with the title, dashboard link, alert text, red, and link buttons', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    expect(await send(buildOne('rocketchat_configs', entry(receiver.url)))).toEqual({ ok: true, status: 200 });
    const request = receiver.requests[0];
    expect(request?.path).toBe('/api/v1/chat.postMessage');
    expect(request?.headers['x-auth-token']).toBe(token);
    expect(request?.headers['x-user-id']).toBe(userId);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(bodyOf(receiver)).toEqual({
      channel: '#alerts',
      attachments: [
        {
          title: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
          title_link: 'https://sre.example.com/alerts?group=abc',
          text: [
            'FIRING: HighLatency - p99 latency above 500 ms',
            'Where: service=checkout instance=api-1:9100',
            'Since: 2026-01-01 10:00:00 UTC',
            'Checkout p99 latency has been above 500 ms for 10 minutes.',
            'Runbook: https://runbooks.example.com/high-latency',
            'Acknowledge: https://sre.example.com/ack/abc.def',
            'Source: http://prometheus.example.com/graph?g0.expr=up',
            '',
            'Dashboard: https://sre.example.com/alerts?group=abc',
          ].join('\n'),
          color: 'red',
          actions: [
            linkButton('Runbook', 'https://runbooks.example.com/high-latency'),
            linkButton('Acknowledge', 'https://sre.example.com/ack/abc.def'),
            linkButton('Dashboard', 'https://sre.example.com/alerts?group=abc'),
          ],
        },
      ],
    });
    // Alertmanager's field order: the attachment inside the body, title first and color after the texts.
    expect(Object.keys(bodyOf(receiver))).toEqual(['channel', 'attachments']);
    expect(Object.keys(attachmentOf(receiver))).toEqual(['title', 'title_link', 'text', 'color', 'actions']);
  });

  it('does not send resolved notifications by default (Alertmanager: false); with send_resolved, green, RESOLVED and no acknowledge button', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    expect(buildOne('rocketchat_configs', entry(receiver.url)).integration.sendResolved).toBe(false);
    const built = buildOne('rocketchat_configs', entry(receiver.url, { send_resolved: true }));
    expect(built.integration.sendResolved).toBe(true);
    expect(await send(built, resolvedNotification())).toMatchObject({ ok: true });
    const attachment = attachmentOf(receiver);
    expect(attachment.title).toBe('[RESOLVED] HighLatency (api-1:9100 checkout critical)');
    expect(attachment.color).toBe('green');
    expect(attachment.text).toContain('RESOLVED: HighLatency');
    expect(attachment.text).toContain('Resolved: 2026-01-01 10:15:00 UTC');
    expect(attachment.text).not.toContain('Acknowledge');
    expect(attachment.actions?.map((action) => action.text)).toEqual(['Runbook', 'Dashboard']);
  });

  it('leaves out the acknowledge button once every firing alert is acknowledged', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    await send(buildOne('rocketchat_configs', entry(receiver.url)), baseNotification({ acknowledged: true }));
    expect(attachmentOf(receiver).title).toBe('[FIRING:1] [ACKED] HighLatency (api-1:9100 checkout critical)');
    expect(attachmentOf(receiver).actions?.map((action) => action.text)).toEqual(['Runbook', 'Dashboard']);
  });

  it('sends the same body and Idempotency-Key each time the same notification is retried', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    receiver.reply({ status: 503 });
    const built = buildOne('rocketchat_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: false, retryable: true });
    expect(await send(built)).toMatchObject({ ok: true });
    const [first, second] = receiver.requests;
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(second?.body).toBe(first?.body);
  });

  it('renders every templated key: channel, emoji, icon_url as avatar, title, title_link, text, color, image and thumb, fields and actions', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const notification = baseNotification({ commonLabels: { ...baseNotification().commonLabels, team: 'payments' } });
    const built = buildOne(
      'rocketchat_configs',
      entry(receiver.url, {
        channel: '#{{ .CommonLabels.team }}-alerts',
        emoji: ':{{ if eq .Status "firing" }}fire{{ else }}white_check_mark{{ end }}:',
        icon_url: 'https://sre.example.com/icons/{{ .Status }}.png',
        title: '{{ .Status | toUpper }}: {{ .CommonLabels.alertname }}',
        title_link: '{{ .ExternalURL }}/groups',
        text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}',
        color: '{{ if eq .CommonLabels.severity "critical" }}#ff0000{{ else }}orange{{ end }}',
        image_url: 'https://grafana.example.com/render/{{ .CommonLabels.service }}.png',
        thumb_url: 'https://grafana.example.com/thumb.png',
        short_fields: true,
        fields: [
          { title: 'Severity', value: '{{ .CommonLabels.severity }}' },
          { title: 'Service', value: '{{ .CommonLabels.service }}', short: false },
          { title: '{{ .CommonLabels.missing }}', value: '{{ .CommonLabels.missing }}' },
        ],
        actions: [
          { type: 'link', text: 'Open {{ .CommonLabels.service }}', url: 'https://sre.example.com/services/{{ .CommonLabels.service }}' },
          { text: 'Ack in chat', msg: '/ack {{ .GroupKey }}' },
        ],
        link_names: true,
      }),
    );
    await send(built, notification);
    expect(bodyOf(receiver)).toEqual({
      channel: '#payments-alerts',
      emoji: ':fire:',
      avatar: 'https://sre.example.com/icons/firing.png',
      attachments: [
        {
          title: 'FIRING: HighLatency',
          title_link: 'https://sre.example.com/groups',
          text: 'p99 latency above 500 ms',
          image_url: 'https://grafana.example.com/render/checkout.png',
          thumb_url: 'https://grafana.example.com/thumb.png',
          color: '#ff0000',
          fields: [
            { short: true, title: 'Severity', value: 'critical' },
            { short: false, title: 'Service', value: 'checkout' },
          ],
          actions: [
            { type: 'button', text: 'Open checkout', url: 'https://sre.example.com/services/checkout', is_webview: false, msg_in_chat_window: false },
            { type: 'button', text: 'Ack in chat', is_webview: false, msg: '/ack {}/{severity="critical"}:{alertname="HighLatency"}', msg_in_chat_window: false },
          ],
        },
      ],
    });
    expect(built.templateErrors).toEqual([]);
  });

  it('resolves rocketchat.default.* like Alertmanager (emoji and icon empty), and sends no buttons for actions: []', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const built = buildOne(
      'rocketchat_configs',
      entry(receiver.url, {
        title: '{{ template "rocketchat.default.title" . }}',
        title_link: '{{ template "rocketchat.default.titlelink" . }}',
        emoji: '{{ template "rocketchat.default.emoji" . }}',
        icon_url: '{{ template "rocketchat.default.iconurl" . }}',
        text: 'Alerts:\n{{ template "rocketchat.default.text" . }}',
        actions: [],
      }),
    );
    await send(built);
    const body = bodyOf(receiver);
    expect(Object.keys(body)).toEqual(['channel', 'attachments']);
    expect(body.attachments[0]?.title).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(body.attachments[0]?.title_link).toBe('https://sre.example.com/alerts?group=abc');
    expect(body.attachments[0]?.text).toMatch(/^Alerts:\nFIRING: HighLatency - p99 latency above 500 ms\n/);
    expect(body.attachments[0]?.actions).toBeUndefined();
    expect(built.templateErrors).toEqual([]);
  });

  it('sends the default text when a template fails, and leaves out (and logs) a link that is not an http(s) URL', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const built = buildOne('rocketchat_configs', entry(receiver.url, { title: '{{ template "nope" . }}', text: '{{ .Broken', title_link: 'sre.example.com/{{ .Status }}', thumb_url: 'javascript:alert(1)' }));
    expect(await send(built)).toMatchObject({ ok: true });
    const attachment = attachmentOf(receiver);
    expect(attachment.title).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(attachment.text).toMatch(/^FIRING: HighLatency - p99 latency above 500 ms\n/);
    expect(attachment).not.toHaveProperty('title_link');
    expect(attachment).not.toHaveProperty('thumb_url');
    expect(built.templateErrors).toEqual([
      expect.stringContaining('rocketchat_configs[0].title: template "nope" not defined; sent the default text instead'),
      expect.stringContaining('rocketchat_configs[0].title_link: rendered "sre.example.com/firing", not an http(s) URL; sent without it'),
      expect.stringContaining('rocketchat_configs[0].text: unclosed action'),
      expect.stringContaining('rocketchat_configs[0].thumb_url: rendered "javascript:alert(1)", not an http(s) URL'),
    ]);
  });

  it('fails without sending (not retryable) when channel renders empty', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const built = buildOne('rocketchat_configs', entry(receiver.url, { channel: '{{ .CommonLabels.no_such_label }}' }));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: 'channel rendered to an empty channel' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('cuts the title to 1,024 code points with an ellipsis, as Alertmanager does', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    await send(buildOne('rocketchat_configs', entry(receiver.url, { title: '{{ .CommonAnnotations.summary }}' })), baseNotification({ commonAnnotations: { summary: '😀'.repeat(1500) } }));
    const title = attachmentOf(receiver).title ?? '';
    expect(Array.from(title)).toHaveLength(1024);
    expect(title.endsWith('😀…')).toBe(true);
  });

  it.each([
    ['40 alerts with long descriptions', 40, 60],
    ['200 alerts with short descriptions', 200, 1],
  ])('keeps the default text within 5,000 characters with %s: whole alerts, a count of the rest, the dashboard link', async (_name, count, repeat) => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const alerts = Array.from({ length: count }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { summary: `disk ${index}`, description: 'é😀 full. '.repeat(repeat) } }));
    await send(buildOne('rocketchat_configs', entry(receiver.url)), baseNotification({ alerts, truncatedAlerts: 3 }));
    const text = attachmentOf(receiver).text ?? '';
    const shown = text.split('FIRING: HighLatency').length - 1;
    expect(shown).toBeGreaterThan(1);
    expect(shown).toBeLessThan(count);
    expect(text.length).toBeLessThanOrEqual(rocketChatMaxTextLength);
    // Filled up to the limit: one more alert would not have fitted.
    expect(text.length).toBeGreaterThan(rocketChatMaxTextLength - text.length / shown - 100);
    expect(text).toContain(`...and ${count - shown + 3} more alert(s) not shown.`);
    expect(text.endsWith('Dashboard: https://sre.example.com/alerts?group=abc')).toBe(true);
  });

  it('cuts a long text template to 5,000 UTF-16 units without splitting a character (Rocket.Chat would refuse the message)', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const alerts = Array.from({ length: 30 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: 'a😀'.repeat(100) } }));
    await send(buildOne('rocketchat_configs', entry(receiver.url, { text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}' })), baseNotification({ alerts }));
    const text = attachmentOf(receiver).text ?? '';
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeGreaterThan(rocketChatMaxTextLength - 3);
    expect(text.length).toBeLessThanOrEqual(rocketChatMaxTextLength);
  });

  it('truncates in UTF-16 units, never inside a surrogate pair', () => {
    expect(truncateUtf16('abc', 3)).toBe('abc');
    expect(truncateUtf16('abcd', 3)).toBe('ab…');
    expect(truncateUtf16('a😀bc', 3)).toBe('a…');
    expect(truncateUtf16('a😀bc', 4)).toBe('a😀…');
    expect(truncateUtf16('abc', 0)).toBe('');
  });

  it('reads token_file and token_id_file at send time, and fails as a config error when one is gone', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const directory = await mkdtemp(join(tmpdir(), 'rocketchat-token-'));
    try {
      const tokenFile = join(directory, 'token');
      const idFile = join(directory, 'user-id');
      await writeFile(tokenFile, `${token}\n`);
      await writeFile(idFile, ` ${userId}\n`);
      const built = buildOne('rocketchat_configs', { api_url: origin(receiver.url), channel: '@oncall', token_file: tokenFile, token_id_file: idFile });
      expect(await send(built)).toMatchObject({ ok: true });
      expect(receiver.requests[0]?.headers['x-auth-token']).toBe(token);
      expect(receiver.requests[0]?.headers['x-user-id']).toBe(userId);
      const rotated = `${token.slice(0, 42)}Z`;
      await writeFile(tokenFile, rotated);
      await send(built);
      expect(receiver.requests[1]?.headers['x-auth-token']).toBe(rotated);
      await rm(idFile);
      expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining(`cannot read secret file ${idFile}`) as unknown });
      expect(receiver.requests).toHaveLength(2);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('takes global.rocketchat_api_url (keeping its path), rocketchat_token_file and rocketchat_token_id; the entry own values win', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const directory = await mkdtemp(join(tmpdir(), 'rocketchat-global-'));
    try {
      const tokenFile = join(directory, 'token');
      await writeFile(tokenFile, token);
      const global = { rocketchat_api_url: `${origin(receiver.url)}/`, rocketchat_token_file: tokenFile, rocketchat_token_id: userId };
      expect(await send(buildOne('rocketchat_configs', { channel: '#alerts' }, { global }))).toMatchObject({ ok: true });
      expect(receiver.requests[0]?.path).toBe('/api/v1/chat.postMessage');
      expect(receiver.requests[0]?.headers['x-auth-token']).toBe(token);
      expect(receiver.requests[0]?.headers['x-user-id']).toBe(userId);
      const own = buildOne('rocketchat_configs', { channel: '#alerts', token_id: 'ZZZZZZZZZZZZZZZZZ' }, { global: { ...global, rocketchat_token_id: 'not-this-one' } });
      await send(own);
      expect(receiver.requests[1]?.headers['x-user-id']).toBe('ZZZZZZZZZZZZZZZZZ');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    expect(rocketChatPostMessageUrl('https://chat.example.com/rocket/')).toBe('https://chat.example.com/rocket/api/v1/chat.postMessage');
    expect(rocketChatPostMessageUrl(defaultRocketChatApiUrl)).toBe('https://open.rocket.chat/api/v1/chat.postMessage');
  });

  it('maps a bad token (401 "You must be logged in") to auth, not retried, without the token in the message', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const result = await send(buildOne('rocketchat_configs', entry(receiver.url, { token: 'short' })));
    expect(receiver.requests[0]?.problems).toEqual(['auth: X-Auth-Token must be a personal access token']);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', status: 401, message: expect.stringContaining('You must be logged in to do this.') as unknown });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('fails a 200 whose body says success: false, as Alertmanager does (not retried)', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    receiver.reply({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"success":false,"error":"error-not-allowed"}' });
    const built = buildOne('rocketchat_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 200, message: expect.stringContaining('error-not-allowed') as unknown });
    expect(await send(built)).toMatchObject({ ok: true, status: 200 });
  });

  it('has a stand-in that refuses what Rocket.Chat refuses (so the tests above can fail)', async () => {
    const receiver = await startNotificationReceiver(servers, 'rocketchat');
    const post = (body: unknown, headers: Record<string, string> = {}, path = '/api/v1/chat.postMessage') =>
      fetch(`${origin(receiver.url)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token, 'x-user-id': userId, ...headers }, body: JSON.stringify(body) });
    const good = await post({ channel: '#alerts', attachments: [{ title: 'hi', color: 'red', fields: [{ short: true, title: 'a', value: 'b' }] }] });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ success: true, channel: '#alerts', message: { _id: expect.any(String) as unknown } });
    const tooLong = await post({ channel: '#alerts', attachments: [{ text: 'x'.repeat(5001) }] });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({ success: false, error: 'error-message-size-exceeded' });
    const anonymous = await post({ channel: '#alerts', text: 'hi' }, { 'x-user-id': '' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ status: 'error', message: 'You must be logged in to do this.' });
    const bad: Array<[unknown, Record<string, string>, string, string]> = [
      [{ attachments: [{ title: 'x' }] }, {}, '/api/v1/chat.postMessage', "must have required property 'channel'"],
      [{ channel: 'alerts', text: 'x' }, {}, '/api/v1/chat.postMessage', 'channel must be #channel, @user or a room id, got "alerts"'],
      [{ channel: '#alerts', text: 'x', link_names: true }, {}, '/api/v1/chat.postMessage', 'must NOT have additional properties: link_names'],
      [{ channel: '#alerts', icon_url: 'https://x.example/i.png', text: 'x' }, {}, '/api/v1/chat.postMessage', 'must NOT have additional properties: icon_url'],
      [{ channel: '#alerts' }, {}, '/api/v1/chat.postMessage', 'text or attachments is required'],
      [{ channel: '#alerts', text: 'x'.repeat(5001) }, {}, '/api/v1/chat.postMessage', 'error-message-size-exceeded: text has 5001 characters, Message_MaxAllowedSize is 5000'],
      [{ channel: '#alerts', attachments: [{ text: 'a\ud83d' }] }, {}, '/api/v1/chat.postMessage', 'attachments[0].text is not valid UTF-16 (a character was cut in half)'],
      [{ channel: '#alerts', attachments: [{ color: 'danger' }] }, {}, '/api/v1/chat.postMessage', 'attachments[0].color must be a CSS color, got "danger"'],
      [{ channel: '#alerts', attachments: [{ title_link: 'example.com' }] }, {}, '/api/v1/chat.postMessage', 'attachments[0].title_link: Invalid href value provided (an absolute http(s) URL)'],
      [{ channel: '#alerts', attachments: [{ fields: [{ short: 'yes', title: 'a', value: 'b' }] }] }, {}, '/api/v1/chat.postMessage', 'attachments[0].fields[0].short must be a boolean'],
      [{ channel: '#alerts', attachments: [{ fields: [{ title: 'a' }] }] }, {}, '/api/v1/chat.postMessage', 'attachments[0].fields[0].value is required'],
      [{ channel: '#alerts', attachments: [{ actions: [{ type: 'link', text: 'x', url: 'https://x.example' }] }] }, {}, '/api/v1/chat.postMessage', 'attachments[0].actions[0].type must be "button"'],
      [{ channel: '#alerts', attachments: [{ pretext: 'x' }] }, {}, '/api/v1/chat.postMessage', 'attachments[0]: unknown field pretext'],
      [{ channel: '#alerts', emoji: 'fire', text: 'x' }, {}, '/api/v1/chat.postMessage', 'emoji must be an emoji short name like :smirk:, got "fire"'],
      [{ channel: '#alerts', text: 'x' }, { 'content-type': 'text/plain' }, '/api/v1/chat.postMessage', 'content-type must be application/json'],
      [{ channel: '#alerts', text: 'x' }, {}, '/hooks/abc', 'path must be /api/v1/chat.postMessage, got /hooks/abc'],
      [{ channel: '#alerts', text: 'x' }, { 'x-auth-token': '' }, '/api/v1/chat.postMessage', 'auth: X-Auth-Token must be a personal access token'],
    ];
    for (const [body, headers, path, problem] of bad) {
      const answer = await post(body, headers, path);
      expect([400, 401]).toContain(answer.status);
      expect(receiver.requests.at(-1)?.problems).toContain(problem);
    }
  });
});

describe('rocketchat_configs config problems', () => {
  const problemsOf = (entries: Mapping[], global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'chat', integrations: { rocketchat_configs: entries } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const at = 'receivers.0.rocketchat_configs.0';
  const good: Mapping = { token, token_id: userId, channel: '#alerts' };

  it.each<[string, Mapping, Array<[string, string]>]>([
    [
      'nothing set',
      {},
      [
        [at, 'missing token (set token or token_file here, or global.rocketchat_token or global.rocketchat_token_file)'],
        [at, 'missing token_id (set token_id or token_id_file here, or global.rocketchat_token_id or global.rocketchat_token_id_file)'],
        [at, 'missing channel (#channel, @user or a room id): Rocket.Chat refuses a message without one'],
      ],
    ],
    ['a blank channel', { ...good, channel: '  ' }, [[`${at}.channel`, 'must not be blank']]],
    ['both token forms', { ...good, token_file: '/run/secrets/rc' }, [[`${at}.token_file`, 'at most one of token and token_file may be set']]],
    ['both token_id forms', { ...good, token_id_file: '/run/secrets/rc-id' }, [[`${at}.token_id_file`, 'at most one of token_id and token_id_file may be set']]],
    ['a bad api_url', { ...good, api_url: 'chat.example.com' }, [[`${at}.api_url`, 'must be an absolute URL (http:// or https://)']]],
    ['a bad send_resolved', { ...good, send_resolved: 'sometimes' }, [[`${at}.send_resolved`, 'must be true or false, got the value "sometimes"']]],
    ['a bad short_fields', { ...good, short_fields: 'wide' }, [[`${at}.short_fields`, 'must be true or false, got the value "wide"']]],
    ['fields that are not a list', { ...good, fields: { title: 'a' } }, [[`${at}.fields`, 'must be a list, got a mapping']]],
    ['a field with a bad short and an unknown key', { ...good, fields: [{ title: 'a', value: 'b', short: 'half', name: 'x' }] }, [[`${at}.fields.0.name`, 'unknown field (expected one of: title, value, short)'], [`${at}.fields.0.short`, 'must be true or false, got the value "half"']]],
    ['an action that is not a mapping', { ...good, actions: ['Ack'] }, [[`${at}.actions.0`, 'must be a mapping, got the value "Ack"']]],
    ['an action with a Slack key', { ...good, actions: [{ text: 'x', url: 'https://x.example', style: 'danger' }] }, [[`${at}.actions.0.style`, 'unknown field (expected one of: type, text, url, msg, imageurl, iswebview, webviewheightratio, msginchatwindow, msgprocessingtype)']]],
    ['a color given as a list', { ...good, color: ['red'] }, [[`${at}.color`, 'must be a string, got a list']]],
    ['an unknown key', { ...good, username: 'bot' }, [[`${at}.username`, `unknown field (expected one of: api_url, token, token_file, token_id, token_id_file, channel, color, emoji, icon_url, text, title, title_link, fields, short_fields, image_url, thumb_url, actions, send_resolved, http_config, link_names)`]]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf([given])).toEqual(expected);
  });

  it('accepts every Alertmanager key, link_names and the action keys Alertmanager reads but never sends', () => {
    const full: Mapping = {
      ...good,
      api_url: 'https://chat.example.com',
      color: 'red',
      emoji: ':fire:',
      icon_url: 'https://x.example/i.png',
      text: 't',
      title: 't',
      title_link: 'https://x.example',
      image_url: 'https://x.example/a.png',
      thumb_url: 'https://x.example/b.png',
      short_fields: true,
      link_names: true,
      send_resolved: true,
      fields: [{ title: 'a', value: 'b', short: false }],
      actions: [{ type: 'button', text: 'x', url: 'https://x.example', msg: 'm', imageurl: 'https://x.example/c.png', iswebview: true, webviewheightratio: 'full', msginchatwindow: true, msgprocessingtype: 'sendMessage' }],
      http_config: { proxy_url: 'http://proxy.example:3128' },
    };
    expect(problemsOf([full])).toEqual([]);
  });

  it('takes the token and token id from global, and reports a global pair set twice once, at its own path', () => {
    expect(problemsOf([{ channel: '#a' }], { rocketchat_token: token, rocketchat_token_id_file: '/run/secrets/rc-id' })).toEqual([]);
    expect(problemsOf([{ channel: '#a' }, { channel: '#b' }], { rocketchat_token: token, rocketchat_token_file: '/t', rocketchat_token_id: userId })).toEqual([['global.rocketchat_token_file', 'at most one of rocketchat_token and rocketchat_token_file may be set']]);
  });

  it('reports a bad global.rocketchat_api_url once, at its own path', () => {
    expect(problemsOf([good, good], { rocketchat_api_url: 'ftp://chat.example.com' })).toEqual([['global.rocketchat_api_url', 'must be an http:// or https:// URL, got ftp:']]);
  });
});
