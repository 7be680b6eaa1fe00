/**
 * A migrated alertmanager.yml's on-call integrations through the running service: one receiver
 * with Opsgenie, Splunk On-Call (VictorOps), incident.io, Pushover and Webex entries, each
 * pointed at a local stand-in that checks the service's documented shape. An alert posted as
 * Prometheus posts it opens one alert in each tool; acknowledging it in sre-monitor
 * acknowledges it where the tool has an acknowledge; resolving it closes it, addressed by the
 * same group identity every time.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServers, type LocalServers } from '../support/local-servers.js';
import { startNotificationReceiver, type NotificationReceiver, type RecordedRequest } from '../support/notification-receivers.js';
import { incidentioToken } from '../support/receiver-checks/incidentio.js';
import { victoropsAlertPath } from '../support/receiver-checks/victorops.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { until } from '../support/until.js';

const opsgenieKey = 'eb243592-faa2-4ba2-a551-1afdf565c889';
const victoropsKey = '5d3f2a1b-7c9e-4f60-8a2b-1c3d4e5f6a7b';
const pushover = { token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' };
const webexRoom = Buffer.from('ciscospark://us/ROOM/11111111-2222-3333-4444-555555555555').toString('base64');
const webexToken = 'MDAwMDAwMDAtZmFrZS1ib3QtdG9rZW4tZm9yLXRlc3RzLW9ubHkwMDAwMDAw_PF84_00000000-0000-0000-0000-000000000000';

type Tools = Record<'opsgenie' | 'victorops' | 'incidentio' | 'pushover' | 'webex', NotificationReceiver>;

const origin = (receiver: NotificationReceiver): string => new URL(receiver.url).origin;

function config(tools: Tools): string {
  return `
alerting:
  external_url: http://sre.test
  notifications: { initial_backoff: 100ms, max_backoff: 200ms }
  global:
    opsgenie_api_key: ${opsgenieKey}
    opsgenie_api_url: ${origin(tools.opsgenie)}/
  route:
    receiver: on-call
    group_by: [alertname, service]
    group_wait: 0s
    group_interval: 1s
    repeat_interval: 4h
  receivers:
    - name: on-call
      opsgenie_configs:
        - priority: '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}'
          responders: [{ name: sre, type: team }]
          tags: '{{ .CommonLabels.service }},sre-monitor'
      victorops_configs:
        - api_url: ${origin(tools.victorops)}${victoropsAlertPath}
          api_key: ${victoropsKey}
          routing_key: '{{ .CommonLabels.service }}'
      incidentio_configs:
        - url: ${origin(tools.incidentio)}/v2/alert_events/http/01HV9Q3ZKX4N8D2C6E7F0G1H2J
          alert_source_token: ${incidentioToken}
      pushover_configs:
        - api_url: ${origin(tools.pushover)}/1/messages.json
          token: ${pushover.token}
          user_key: ${pushover.user}
      webex_configs:
        - api_url: ${origin(tools.webex)}/v1/messages
          room_id: ${webexRoom}
          http_config: { authorization: { credentials: ${webexToken} } }
`;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const bodyOf = (request: RecordedRequest | undefined): Record<string, unknown> => request?.parsed as Record<string, unknown>;

describe('on-call integrations through the running service', () => {
  let servers: LocalServers;
  let tools: Tools;
  let t: TestApp;

  beforeAll(async () => {
    servers = createLocalServers();
    const [opsgenie, victorops, incidentio, pushoverReceiver, webex] = await Promise.all(
      (['opsgenie', 'victorops', 'incidentio', 'pushover', 'webex'] as const).map((channel) => startNotificationReceiver(servers, channel)),
    );
    tools = { opsgenie: opsgenie!, victorops: victorops!, incidentio: incidentio!, pushover: pushoverReceiver!, webex: webex! };
    t = await startTestApp('sqlite', { yaml: config(tools) });
  });
  afterAll(async () => {
    await t?.close();
    await servers?.closeAll();
  });

  const waitAll = (count: number) => Promise.all(Object.values(tools).map((receiver) => receiver.waitForRequests(count)));
  const problems = () => Object.fromEntries(Object.entries(tools).map(([name, receiver]) => [name, receiver.requests.flatMap((request) => request.problems)]));

  it('opens, acknowledges and closes one alert per group in each tool', async () => {
    const alert = { labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' }, annotations: { summary: 'checkout errors above 5%', runbook_url: 'https://runbooks.example.com/checkout' } };
    expect((await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [alert] })).status).toBe(200);
    await waitAll(1);
    expect(problems()).toEqual({ opsgenie: [], victorops: [], incidentio: [], pushover: [], webex: [] });

    const created = bodyOf(tools.opsgenie.requests[0]);
    expect(tools.opsgenie.requests[0]?.path).toBe('/v2/alerts');
    expect(created).toMatchObject({ priority: 'P1', responders: [{ name: 'sre', type: 'team' }], tags: ['checkout', 'sre-monitor'] });
    const alias = String(created.alias);
    const groupKey = String(bodyOf(tools.incidentio.requests[0]).groupKey);
    // One identity per group, computed as Alertmanager computes it: open alerts keep deduplicating after a migration.
    expect(alias).toBe(sha256(groupKey));
    expect(tools.victorops.requests[0]?.path).toBe(`${victoropsAlertPath}${victoropsKey}/checkout`);
    expect(bodyOf(tools.victorops.requests[0])).toMatchObject({ message_type: 'CRITICAL', entity_id: alias });
    expect(new URLSearchParams((tools.pushover.requests[0]?.path ?? '').split('?')[1]).get('title')).toMatch(/^\[FIRING:1\] CheckoutErrors/);
    expect(String(bodyOf(tools.webex.requests[0]).markdown)).toContain('checkout errors above 5%');

    const [stored] = ((await (await t.request('/api/v1/alerts?filter={service="checkout"}')).json()) as { items: Array<{ fingerprint: string }> }).items;
    expect((await t.request(`/api/v1/alerts/${stored?.fingerprint ?? ''}/acknowledge`, { method: 'POST', token: t.tokens.responder })).status).toBe(200);
    await waitAll(2);
    expect(tools.opsgenie.requests[1]?.path).toBe(`/v2/alerts/${alias}/acknowledge?identifierType=alias`);
    expect(bodyOf(tools.victorops.requests[1])).toMatchObject({ message_type: 'ACKNOWLEDGEMENT', entity_id: alias });

    const resolved = { ...alert, endsAt: new Date(Date.now() - 1_000).toISOString() };
    expect((await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [resolved] })).status).toBe(200);
    await waitAll(3);
    expect(tools.opsgenie.requests[2]?.path).toBe(`/v2/alerts/${alias}/close?identifierType=alias`);
    expect(bodyOf(tools.victorops.requests[2])).toMatchObject({ message_type: 'RECOVERY', entity_id: alias });
    expect(bodyOf(tools.incidentio.requests[2])).toMatchObject({ status: 'resolved', groupKey, version: '1' });
    expect(problems()).toEqual({ opsgenie: [], victorops: [], incidentio: [], pushover: [], webex: [] });

    // Three notifications to each of the five integrations, every one recorded as sent (outcomes commit in batches).
    const sent = await until(async () => {
      const page = (await (await t.request('/api/v1/notifications?status=sent&limit=100', { token: t.tokens.viewer })).json()) as { items: unknown[] };
      return page.items.length >= 15 ? page.items : undefined;
    });
    expect(sent).toHaveLength(15);
  });
});
