import { afterEach, describe, expect, it } from 'vitest';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

registerHttpNotifierCases({ key: 'msteams_configs', channel: 'msteams', entry: (url) => ({ webhook_url: url }) });
registerHttpNotifierCases({ key: 'msteamsv2_configs', channel: 'msteamsv2', entry: (url) => ({ webhook_url: url }) });

describe('msteams_configs MessageCard', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('sends a MessageCard with facts per alert and OpenUri buttons', async () => {
    const receiver = await startNotificationReceiver(servers, 'msteams');
    const built = buildOne('msteams_configs', { webhook_url: receiver.url });
    expect(built.integration.sendResolved).toBe(true);
    expect(await send(built)).toEqual({ ok: true, status: 200 });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.parsed).toMatchObject({
      '@type': 'MessageCard',
      themeColor: '8C1A1A',
      title: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
      sections: [
        {
          activityTitle: 'HighLatency - p99 latency above 500 ms',
          facts: [
            { name: 'Status', value: 'firing' },
            { name: 'Where', value: 'service=checkout instance=api-1:9100' },
            { name: 'Since', value: '2026-01-01 10:00:00 UTC' },
            { name: 'Severity', value: 'critical' },
          ],
        },
      ],
      potentialAction: [
        { '@type': 'OpenUri', name: 'Runbook', targets: [{ os: 'default', uri: 'https://runbooks.example.com/high-latency' }] },
        { '@type': 'OpenUri', name: 'Acknowledge', targets: [{ os: 'default', uri: 'https://sre.example.com/ack/abc.def' }] },
        { '@type': 'OpenUri', name: 'Dashboard', targets: [{ os: 'default', uri: 'https://sre.example.com/alerts?group=abc' }] },
      ],
    });
  });

  it('turns green when resolved and uses a text template when given', async () => {
    const receiver = await startNotificationReceiver(servers, 'msteams');
    const built = buildOne('msteams_configs', { webhook_url: receiver.url, text: '{{ len .Alerts }} alert(s) for {{ .CommonLabels.service }}' });
    await send(built, resolvedNotification());
    expect(receiver.requests[0]?.parsed).toMatchObject({ themeColor: '2DC72D', text: '1 alert(s) for checkout', sections: [] });
  });
});

describe('msteamsv2_configs Adaptive Card', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('sends a message with one Adaptive Card holding title, facts and link actions', async () => {
    const receiver = await startNotificationReceiver(servers, 'msteamsv2');
    const built = buildOne('msteamsv2_configs', { webhook_url: receiver.url });
    const alerts = Array.from({ length: 12 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0') }));
    expect(await send(built, baseNotification({ alerts }))).toEqual({ ok: true, status: 202 });
    expect(receiver.requests[0]?.problems).toEqual([]);
    const content = (receiver.requests[0]?.parsed as { attachments: Array<{ content: { body: Array<{ type: string; text?: string }>; actions: Array<{ title: string }> } }> }).attachments[0]?.content;
    expect(content?.body[0]).toMatchObject({ type: 'TextBlock', text: '[FIRING:12] HighLatency (api-1:9100 checkout critical)' });
    expect(content?.body.filter((block) => block.type === 'FactSet')).toHaveLength(10);
    expect(content?.body.at(-1)?.text).toBe('...and 2 more alert(s)');
    expect(content?.actions.map((action) => action.title)).toEqual(['Runbook', 'Acknowledge', 'Dashboard']);
  });
});
