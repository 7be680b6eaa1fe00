import { afterEach, describe, expect, it } from 'vitest';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

const account = { account_sid: 'AC0123', auth_token: 'tok-secret', from: '+15550100' };

registerHttpNotifierCases({ key: 'sms_configs', channel: 'sms', entry: (url) => ({ url, ...account, to: '+15550111' }), receiverOptions: { basicAuth: { username: 'AC0123', password: 'tok-secret' } } });

describe('sms_configs', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('posts a form per recipient with To, From and a short Body, with basic auth', async () => {
    const receiver = await startNotificationReceiver(servers, 'sms', { basicAuth: { username: 'AC0123', password: 'tok-secret' } });
    const built = buildOne('sms_configs', { url: receiver.url, ...account, to: ['+15550111', '+15550122'] });
    expect(built.integration.sendResolved).toBe(false);
    expect(await send(built)).toEqual({ ok: true, status: 201 });
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect(receiver.requests.map((request) => (request.parsed as Record<string, string>).To)).toEqual(['+15550111', '+15550122']);
    expect(receiver.requests[0]?.parsed).toEqual({
      To: '+15550111',
      From: '+15550100',
      Body: '[FIRING:1] HighLatency (api-1:9100 checkout critical) - p99 latency above 500 ms - service=checkout instance=api-1:9100 - since 2026-01-01 10:00:00 UTC - Ack: https://sre.example.com/ack/abc.def',
    });
  });

  it('says RESOLVED without an ack link when resolved (with send_resolved: true)', async () => {
    const receiver = await startNotificationReceiver(servers, 'sms');
    const built = buildOne('sms_configs', { url: receiver.url, ...account, to: '+15550111', send_resolved: true });
    expect(built.integration.sendResolved).toBe(true);
    await send(built, resolvedNotification());
    expect((receiver.requests[0]?.parsed as Record<string, string>).Body).toBe('[RESOLVED] HighLatency (api-1:9100 checkout critical) - p99 latency above 500 ms - service=checkout instance=api-1:9100');
  });

  it('renders a message template', async () => {
    const receiver = await startNotificationReceiver(servers, 'sms');
    const built = buildOne('sms_configs', { url: receiver.url, ...account, to: '+15550111', message: '{{ .CommonLabels.alertname }} {{ .Status }}\non {{ .CommonLabels.service }}' });
    await send(built);
    expect((receiver.requests[0]?.parsed as Record<string, string>).Body).toBe('HighLatency firing on checkout');
  });

  it('cuts the body to 1600 characters', async () => {
    const receiver = await startNotificationReceiver(servers, 'sms');
    const built = buildOne('sms_configs', { url: receiver.url, ...account, to: '+15550111' });
    await send(built, baseNotification({ alerts: [baseAlert({ annotations: { summary: 's'.repeat(3000) } })] }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect((receiver.requests[0]?.parsed as Record<string, string>).Body).toHaveLength(1600);
  });

  it('on retry after a partial failure texts only the recipients not reached yet', async () => {
    const receiver = await startNotificationReceiver(servers, 'sms');
    const built = buildOne('sms_configs', { url: receiver.url, ...account, to: ['+15550111', '+15550122'] });
    receiver.reply({ status: 201 }, { status: 503 });
    const first = await send(built);
    expect(first).toMatchObject({ ok: false, retryable: true, reason: 'server' });
    expect(first.ok ? '' : first.message).toContain('1 of 2 recipient(s) reached');
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests.map((request) => (request.parsed as Record<string, string>).To)).toEqual(['+15550111', '+15550122', '+15550122']);
  });

  it('defaults the url to Twilio\'s Messages resource of the account_sid', async () => {
    const targets: string[] = [];
    const recordingFetch: typeof fetch = (input) => {
      targets.push(input instanceof Request ? input.url : String(input));
      return Promise.resolve(new Response('{}', { status: 201 }));
    };
    const built = buildOne('sms_configs', { ...account, to: '+15550111' }, { fetch: recordingFetch });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(targets).toEqual(['https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages.json']);
  });
});
