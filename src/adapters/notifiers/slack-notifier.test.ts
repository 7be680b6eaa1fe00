import { afterEach, describe, expect, it } from 'vitest';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

registerHttpNotifierCases({ key: 'slack_configs', channel: 'slack', entry: (url) => ({ api_url: url, channel: '#oncall' }) });

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ action_id?: string; url?: string; text: { text: string } }> };

describe('slack_configs payloads', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('sends Block Kit: header, a section with what/where/since, and runbook/ack/dashboard buttons', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    const built = buildOne('slack_configs', { api_url: receiver.url, channel: '#oncall', username: 'sre-monitor' });
    expect(await send(built)).toEqual({ ok: true, status: 200 });
    const body = receiver.requests[0]?.parsed as { channel: string; username: string; text: string; blocks: Block[] };
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(body.channel).toBe('#oncall');
    expect(body.username).toBe('sre-monitor');
    expect(body.text).toContain('[FIRING:1] HighLatency');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[FIRING:1] HighLatency (api-1:9100 checkout critical)', emoji: true } });
    const section = body.blocks[1];
    expect(section?.text?.text).toContain('*HighLatency* - p99 latency above 500 ms');
    expect(section?.fields?.map((field) => field.text)).toEqual(['*Where*\nservice=checkout instance=api-1:9100', '*Since*\n2026-01-01 10:00:00 UTC', '*Severity*\ncritical']);
    const actions = body.blocks.find((block) => block.type === 'actions');
    expect(actions?.elements?.map((element) => [element.action_id, element.url])).toEqual([
      ['runbook', 'https://runbooks.example.com/high-latency'],
      ['acknowledge', 'https://sre.example.com/ack/abc.def'],
      ['dashboard', 'https://sre.example.com/alerts?group=abc'],
    ]);
  });

  it('drops the ack button once acknowledged and for resolved notifications; send_resolved defaults to false', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    const built = buildOne('slack_configs', { api_url: receiver.url });
    expect(built.integration.sendResolved).toBe(false);
    await send(built, baseNotification({ acknowledged: true }));
    await send(built, resolvedNotification());
    for (const request of receiver.requests) {
      const blocks = (request.parsed as { blocks: Block[] }).blocks;
      expect(request.problems).toEqual([]);
      expect(blocks.find((block) => block.type === 'actions')?.elements?.map((element) => element.action_id)).toEqual(['runbook', 'dashboard']);
    }
    expect((receiver.requests[1]?.parsed as { blocks: Block[] }).blocks[0]?.text?.text).toBe('[RESOLVED] HighLatency (api-1:9100 checkout critical)');
  });

  it('renders title and text templates written for Alertmanager', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    const built = buildOne('slack_configs', {
      api_url: receiver.url,
      title: '{{ .Status | toUpper }}: {{ .CommonLabels.alertname }} ({{ .Alerts.Firing | len }})',
      text: '{{ range .Alerts }}*{{ .Annotations.summary }}* on {{ .Labels.instance }}\n{{ end }}',
    });
    await send(built);
    const blocks = (receiver.requests[0]?.parsed as { blocks: Block[] }).blocks;
    expect(blocks[0]?.text?.text).toBe('FIRING: HighLatency (1)');
    expect(blocks[1]?.text?.text).toBe('*p99 latency above 500 ms* on api-1:9100\n');
    expect(built.templateErrors).toEqual([]);
  });

  it('sends the default title when a template fails, and reports the failure', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    const built = buildOne('slack_configs', { api_url: receiver.url, title: '{{ .CommonLabels.alertname | nosuchfunc }}' });
    expect(await send(built)).toMatchObject({ ok: true });
    expect((receiver.requests[0]?.parsed as { blocks: Block[] }).blocks[0]?.text?.text).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(built.templateErrors).toEqual([expect.stringContaining('slack_configs[0].title: function "nosuchfunc" not defined') as unknown]);
  });

  it('stays inside Block Kit limits with many alerts and a very long summary', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    const built = buildOne('slack_configs', { api_url: receiver.url });
    const alerts = Array.from({ length: 80 }, (_unused, index) =>
      baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), labels: { alertname: `A${index}`, instance: `i-${index}` }, annotations: { summary: 'x'.repeat(5000) } }),
    );
    expect(await send(built, baseNotification({ alerts, groupLabels: { alertname: 'X'.repeat(400) } }))).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    const blocks = (receiver.requests[0]?.parsed as { blocks: Block[] }).blocks;
    expect(blocks.some((block) => block.type === 'context' && JSON.stringify(block).includes('60 more alert(s)'))).toBe(true);
  });

  it('renders channel and username templates', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    await send(buildOne('slack_configs', { api_url: receiver.url, channel: '#{{ .CommonLabels.service }}-alerts', username: '{{ .Receiver }}' }));
    expect(receiver.requests[0]?.parsed).toMatchObject({ channel: '#checkout-alerts', username: 'team-checkout' });
  });

  it('uses global.slack_api_url when the entry has no api_url', async () => {
    const receiver = await startNotificationReceiver(servers, 'slack');
    const built = buildOne('slack_configs', { channel: '#ops' }, { global: { slack_api_url: receiver.url } });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests).toHaveLength(1);
  });
});
