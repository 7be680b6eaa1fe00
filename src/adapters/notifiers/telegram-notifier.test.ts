import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { escapeTelegram } from './telegram-notifier.js';

const botToken = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_';
const origin = (url: string): string => new URL(url).origin;
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: origin(url), bot_token: botToken, chat_id: -1001234567890, ...more });

registerHttpNotifierCases({ key: 'telegram_configs', channel: 'telegram', entry: (url) => entry(url) });

interface SendMessage {
  chat_id: number;
  text: string;
  parse_mode?: string;
  disable_notification: boolean;
  message_thread_id?: number;
}

describe('telegram_configs messages', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('sends sendMessage to /bot<token>/ with the title in bold and the alert text, HTML-escaped', async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    const built = buildOne('telegram_configs', entry(receiver.url, { message_thread_id: 42, disable_notifications: true }));
    const notification = baseNotification({ alerts: [baseAlert({ annotations: { summary: 'p99 <latency> & errors above 500 ms' } })] });
    expect(await send(built, notification)).toEqual({ ok: true, status: 200 });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.path).toBe(`/bot${botToken}/sendMessage`);
    const body = receiver.requests[0]?.parsed as SendMessage;
    expect(body).toMatchObject({ chat_id: -1001234567890, parse_mode: 'HTML', disable_notification: true, message_thread_id: 42 });
    expect(body.text).toMatch(/^<b>\[FIRING:1\] HighLatency \(api-1:9100 checkout critical\)<\/b>\n\n/);
    expect(body.text).toContain('p99 &lt;latency&gt; &amp; errors above 500 ms');
    expect(body.text).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
  });

  it('sends resolved notifications too unless send_resolved is false', async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    expect(buildOne('telegram_configs', entry(receiver.url)).integration.sendResolved).toBe(true);
    expect(buildOne('telegram_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    await send(buildOne('telegram_configs', entry(receiver.url)), resolvedNotification());
    expect((receiver.requests[0]?.parsed as SendMessage).text).toMatch(/^<b>\[RESOLVED\]/);
  });

  it.each(['MarkdownV2', 'Markdown', ''])('escapes the default text for parse_mode %j so Telegram accepts it', async (mode) => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    const built = buildOne('telegram_configs', entry(receiver.url, { parse_mode: mode }));
    await send(built, baseNotification({ alerts: [baseAlert({ annotations: { summary: 'disk 95.5% full (a_b) [x] #1!' } })] }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const body = receiver.requests[0]?.parsed as SendMessage;
    expect(body.parse_mode).toBe(mode === '' ? undefined : mode);
    expect(body.text).toContain(escapeTelegram('disk 95.5% full (a_b) [x] #1!', mode as 'MarkdownV2' | 'Markdown' | ''));
  });

  it('keeps the 4,096-character limit with many large alerts, and with a long template', async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    const alerts = Array.from({ length: 40 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: '<&>'.repeat(300) } }));
    await send(buildOne('telegram_configs', entry(receiver.url)), baseNotification({ alerts }));
    await send(buildOne('telegram_configs', entry(receiver.url, { message: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}', parse_mode: '' })), baseNotification({ alerts }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect((receiver.requests[1]?.parsed as SendMessage).text).toHaveLength(4096);
  });

  it('renders a message template, and falls back to the default text when it fails', async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    const built = buildOne('telegram_configs', entry(receiver.url, { message: '{{ .Status }}: {{ .CommonLabels.alertname }}' }));
    await send(built);
    expect((receiver.requests[0]?.parsed as SendMessage).text).toBe('firing: HighLatency');
    const broken = buildOne('telegram_configs', entry(receiver.url, { message: '{{ template "nope" . }}' }));
    await send(broken);
    expect((receiver.requests[1]?.parsed as SendMessage).text).toMatch(/^<b>\[FIRING:1\]/);
    expect(broken.templateErrors).toHaveLength(1);
  });

  it('reads the bot token from a file at send time, and takes global.telegram_api_url', async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    const built = buildOne('telegram_configs', { bot_token_file: '/run/secrets/bot', chat_id: '-42' }, {
      global: { telegram_api_url: origin(receiver.url) },
      readSecretFile: (path) => Promise.resolve(path === '/run/secrets/bot' ? botToken : ''),
    });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.path).toBe(`/bot${botToken}/sendMessage`);
    expect((receiver.requests[0]?.parsed as SendMessage).chat_id).toBe(-42);
  });

  it("waits as long as Telegram's 429 body says (parameters.retry_after) when there is no Retry-After header", async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    receiver.reply({ status: 429, headers: { 'content-type': 'application/json' }, body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 35","parameters":{"retry_after":35}}' });
    expect(await send(buildOne('telegram_configs', entry(receiver.url)))).toMatchObject({ ok: false, retryable: true, reason: 'rate_limited', retryAfterMs: 35_000 });
  });

  it('never puts the bot token in a failure message', async () => {
    const receiver = await startNotificationReceiver(servers, 'telegram');
    receiver.reply({ status: 401, body: '{"ok":false,"error_code":401,"description":"Unauthorized"}' });
    const result = await send(buildOne('telegram_configs', entry(receiver.url)));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', status: 401 });
    expect(JSON.stringify(result)).not.toContain(botToken.split(':')[1]);
  });
});

describe('telegram_configs config problems', () => {
  const problemsOf = (entry: Mapping) => buildReceiverNotifiers([{ name: 'chat', integrations: { telegram_configs: [entry] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test' }).problems.map((problem) => [problem.path.join('.'), problem.message]);

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no token and no chat', {}, [['receivers.0.telegram_configs.0', 'missing bot_token (one of bot_token or bot_token_file must be set)'], ['receivers.0.telegram_configs.0', 'missing chat_id']]],
    ['a chat id that is not a number', { bot_token: botToken, chat_id: '@alerts' }, [['receivers.0.telegram_configs.0.chat_id', 'must be a whole number (a chat id; negative for groups and channels)']]],
    ['an unknown parse mode', { bot_token: botToken, chat_id: 1, parse_mode: 'html' }, [['receivers.0.telegram_configs.0.parse_mode', 'must be HTML, Markdown, MarkdownV2 or empty, got "html"']]],
    ['a bad api_url', { bot_token: botToken, chat_id: 1, api_url: 'api.telegram.org' }, [['receivers.0.telegram_configs.0.api_url', 'must be an absolute URL (http:// or https://)']]],
    ['both token forms', { bot_token: botToken, bot_token_file: '/t', chat_id: 1 }, [['receivers.0.telegram_configs.0.bot_token_file', 'at most one of bot_token and bot_token_file may be set']]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf(given)).toEqual(expected);
  });
});
