import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { incidentioToken } from '../../../test/support/receiver-checks/incidentio.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { incidentioMaxPayloadBytes } from './incidentio-notifier.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

const sourcePath = '/v2/alert_events/http/01HV9Q3ZKX4N8D2C6E7F0G1H2J';
const alertSourceUrl = (url: string): string => `${new URL(url).origin}${sourcePath}`;
const entry = (url: string, more: Mapping = {}): Mapping => ({ url: alertSourceUrl(url), alert_source_token: incidentioToken, ...more });

registerHttpNotifierCases({ key: 'incidentio_configs', channel: 'incidentio', entry: (url) => entry(url) });

interface Message {
  version: string;
  groupKey: string;
  status: string;
  truncatedAlerts: number;
  alerts: Array<{ fingerprint: string; status: string }>;
}

describe('incidentio_configs messages', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it("posts Alertmanager's message with version 1 and the alert source token as a Bearer token", async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    expect(await send(buildOne('incidentio_configs', entry(receiver.url)))).toEqual({ ok: true, status: 202 });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.path).toBe(sourcePath);
    expect(receiver.requests[0]?.parsed).toMatchObject({ version: '1', receiver: 'team-checkout', status: 'firing', groupKey: baseNotification().groupKey, truncatedAlerts: 0 });
  });

  it('sends resolved notifications unless send_resolved is false, with the same group key', async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    expect(buildOne('incidentio_configs', entry(receiver.url)).integration.sendResolved).toBe(true);
    expect(buildOne('incidentio_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    const built = buildOne('incidentio_configs', entry(receiver.url));
    await send(built);
    await send(built, resolvedNotification());
    const [firing, resolved] = receiver.requests.map((request) => request.parsed as Message);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.groupKey).toBe(firing?.groupKey);
  });

  it('keeps max_alerts, counting the rest in truncatedAlerts', async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    const alerts = Array.from({ length: 5 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0') }));
    await send(buildOne('incidentio_configs', entry(receiver.url, { max_alerts: 2 })), baseNotification({ alerts }));
    const body = receiver.requests[0]?.parsed as Message;
    expect(body.alerts.map((alert) => alert.fingerprint)).toEqual(['0000000000000000', '0000000000000001']);
    expect(body.truncatedAlerts).toBe(3);
  });

  it('keeps only the first alert when the message is over 512 KiB, so incident.io takes it', async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    const alerts = Array.from({ length: 300 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: 'x'.repeat(2_000) } }));
    const result = await send(buildOne('incidentio_configs', entry(receiver.url)), baseNotification({ alerts }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true });
    expect(Buffer.byteLength(receiver.requests[0]?.body ?? '')).toBeLessThan(incidentioMaxPayloadBytes);
    expect((receiver.requests[0]?.parsed as Message).alerts.map((alert) => alert.fingerprint)).toEqual(['0000000000000000']);
  });

  it('reads the url and the token from files at send time', async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    const files: Record<string, string> = { '/run/secrets/incidentio-url': alertSourceUrl(receiver.url), '/run/secrets/incidentio-token': incidentioToken };
    const built = buildOne('incidentio_configs', { url_file: '/run/secrets/incidentio-url', alert_source_token_file: '/run/secrets/incidentio-token' }, { readSecretFile: (path) => Promise.resolve(files[path] ?? '') });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
  });

  it('authenticates with http_config.authorization when there is no token, and the token wins over global.http_config', async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    await send(buildOne('incidentio_configs', { url: alertSourceUrl(receiver.url), http_config: { authorization: { credentials: incidentioToken } } }));
    await send(buildOne('incidentio_configs', entry(receiver.url), { global: { http_config: { authorization: { credentials: 'other' } } } }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
  });

  it('is dead-lettered on a 400 and retried on a 429, as Alertmanager does', async () => {
    const receiver = await startNotificationReceiver(servers, 'incidentio');
    receiver.reply({ status: 400, body: '{"type":"validation_error","status":400}' }, { status: 429, body: '{"type":"too_many_requests"}' });
    const built = buildOne('incidentio_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'client' });
    expect(await send(built)).toMatchObject({ ok: false, retryable: true, reason: 'rate_limited' });
  });
});

describe('incidentio_configs config problems', () => {
  const problemsOf = (entry: Mapping) => buildReceiverNotifiers([{ name: 'inc', integrations: { incidentio_configs: [entry] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const url = `https://api.incident.io${sourcePath}`;

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no url', { alert_source_token: 'x' }, [['receivers.0.incidentio_configs.0', 'missing url (one of url or url_file must be set)']]],
    ['both url forms', { url, url_file: '/u', alert_source_token: 'x' }, [['receivers.0.incidentio_configs.0.url_file', 'at most one of url and url_file may be set']]],
    ['a url that is not one', { url: 'api.incident.io/v2', alert_source_token: 'x' }, [['receivers.0.incidentio_configs.0.url', 'must be an absolute URL (http:// or https://)']]],
    ['both token forms', { url, alert_source_token: 'x', alert_source_token_file: '/t' }, [['receivers.0.incidentio_configs.0.alert_source_token_file', 'at most one of alert_source_token and alert_source_token_file may be set']]],
    ['a token beside http_config.authorization', { url, alert_source_token: 'x', http_config: { authorization: { credentials: 'y' } } }, [['receivers.0.incidentio_configs.0.alert_source_token', 'cannot be set together with http_config.authorization (use one of them)']]],
    [
      'an http_config without authorization and no token',
      { url, http_config: { follow_redirects: false } },
      [['receivers.0.incidentio_configs.0', 'missing alert_source_token (one of alert_source_token, alert_source_token_file or http_config.authorization must be set)']],
    ],
    ['a negative max_alerts', { url, alert_source_token: 'x', max_alerts: -1 }, [['receivers.0.incidentio_configs.0.max_alerts', 'must be a whole number >= 0']]],
    ['an unknown key', { url, alert_source_token: 'x', severity: 'high' }, [['receivers.0.incidentio_configs.0.severity', expect.stringContaining('unknown field')]]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf(given)).toEqual(expected);
  });

  it('accepts an entry without http_config and without token (global.http_config may authenticate it)', () => {
    expect(problemsOf({ url })).toEqual([]);
  });
});
