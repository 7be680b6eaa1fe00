import { afterEach, describe, expect, it } from 'vitest';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

registerHttpNotifierCases({ key: 'discord_configs', channel: 'discord', entry: (url) => ({ webhook_url: url }) });

type Embed = { title: string; description: string; color: number; url?: string; fields?: Array<{ name: string; value: string }> };

describe('discord_configs payloads', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('sends one embed with the title, the alert text, colour and link fields, and no mentions', async () => {
    const receiver = await startNotificationReceiver(servers, 'discord');
    const built = buildOne('discord_configs', { webhook_url: receiver.url, username: 'sre-monitor' });
    expect(await send(built)).toEqual({ ok: true, status: 204 });
    expect(receiver.requests[0]?.problems).toEqual([]);
    const body = receiver.requests[0]?.parsed as { username: string; embeds: Embed[]; allowed_mentions: unknown };
    expect(body.username).toBe('sre-monitor');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const embed = body.embeds[0];
    expect(embed?.title).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(embed?.color).toBe(0x992d22);
    expect(embed?.url).toBe('https://sre.example.com/alerts?group=abc');
    expect(embed?.description).toContain('FIRING: HighLatency - p99 latency above 500 ms\nWhere: service=checkout instance=api-1:9100\nSince: 2026-01-01 10:00:00 UTC');
    expect(embed?.fields?.map((field) => field.name)).toEqual(['Runbook', 'Acknowledge', 'Dashboard']);
  });

  it('is green when resolved', async () => {
    const receiver = await startNotificationReceiver(servers, 'discord');
    await send(buildOne('discord_configs', { webhook_url: receiver.url }), resolvedNotification());
    expect((receiver.requests[0]?.parsed as { embeds: Embed[] }).embeds[0]?.color).toBe(0x2ecc71);
  });

  it('keeps Discord limits with huge alerts and a long content template', async () => {
    const receiver = await startNotificationReceiver(servers, 'discord');
    const built = buildOne('discord_configs', { webhook_url: receiver.url, content: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}' });
    const alerts = Array.from({ length: 30 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: 'd'.repeat(900) } }));
    expect(await send(built, baseNotification({ alerts, groupLabels: { alertname: 'Y'.repeat(300) } }))).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect((receiver.requests[0]?.parsed as { content: string }).content).toHaveLength(2000);
  });

  it('takes the retry delay from the JSON body of a 429 when there is no Retry-After header', async () => {
    const receiver = await startNotificationReceiver(servers, 'discord');
    receiver.reply({ status: 429, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false }) });
    expect(await send(buildOne('discord_configs', { webhook_url: receiver.url }))).toMatchObject({ ok: false, reason: 'rate_limited', retryAfterMs: 1500 });
  });
});
