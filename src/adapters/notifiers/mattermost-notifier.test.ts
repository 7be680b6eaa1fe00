import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { escapeMattermostMarkdown, mattermostTextLimitRunes, type MattermostPost } from './mattermost-notifier.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { runeLength } from './notification-text.js';

const hookPath = '/hooks/xjp5uo1y4ir6mgp8ry3a5yywoy';
/** The receiver's `/hook` URL as a Mattermost hook URL; other URLs (a closed port's) as given. */
const hookUrl = (url: string): string => (url.endsWith('/hook') ? `${new URL(url).origin}${hookPath}` : url);
const entry = (url: string, more: Mapping = {}): Mapping => ({ webhook_url: hookUrl(url), ...more });

registerHttpNotifierCases({ key: 'mattermost_configs', channel: 'mattermost', entry: (url) => entry(url) });

const firingText = [
  '**FIRING**: HighLatency - p99 latency above 500 ms',
  'Where: service=checkout instance=api-1:9100',
  'Since: 2026-01-01 10:00:00 UTC',
  'Checkout p99 latency has been above 500 ms for 10 minutes.',
  '[Runbook](https://runbooks.example.com/high-latency) | [Acknowledge](https://sre.example.com/ack/abc.def) | [Source](http://prometheus.example.com/graph?g0.expr=up)',
].join('\n');
const dashboardLink = '[Dashboard](https://sre.example.com/alerts?group=abc)';

const postOf = (request: { parsed: unknown } | undefined): MattermostPost => request?.parsed as MattermostPost;

describe('mattermost_configs posts', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('posts one attachment by default: the title linked to the dashboard, the status colour, a fallback and the alerts as markdown', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const result = await send(buildOne('mattermost_configs', entry(receiver.url)));
    expect(result).toEqual({ ok: true, status: 200 });
    const request = receiver.requests[0];
    expect(request?.problems).toEqual([]);
    expect(request?.path).toBe(hookPath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(postOf(request)).toEqual({
      username: 'sre-monitor',
      attachments: [
        {
          fallback: '[FIRING:1] HighLatency (api-1:9100 checkout critical) - p99 latency above 500 ms - service=checkout instance=api-1:9100 - since 2026-01-01 10:00:00 UTC - Ack: https://sre.example.com/ack/abc.def',
          color: 'danger',
          text: `${firingText}\n\n${dashboardLink}`,
          title: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
          title_link: 'https://sre.example.com/alerts?group=abc',
        },
      ],
    });
  });

  it('sends resolved notifications by default (green, RESOLVED, no acknowledge link) and not when send_resolved is false', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    expect(buildOne('mattermost_configs', entry(receiver.url)).integration.sendResolved).toBe(true);
    expect(buildOne('mattermost_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    expect(await send(buildOne('mattermost_configs', entry(receiver.url)), resolvedNotification())).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    const attachment = postOf(receiver.requests[0]).attachments?.[0];
    expect(attachment?.color).toBe('good');
    expect(attachment?.title).toMatch(/^\[RESOLVED\] HighLatency/);
    expect(attachment?.text).toContain('**RESOLVED**: HighLatency');
    expect(attachment?.text).toContain('Resolved: 2026-01-01 10:15:00 UTC');
    expect(attachment?.text).not.toContain('Acknowledge');
    expect(attachment?.fallback).not.toContain('Ack:');
  });

  it('shows an acknowledged group as a warning with [ACKED] in the title', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    await send(buildOne('mattermost_configs', entry(receiver.url)), baseNotification({ acknowledged: true }));
    const attachment = postOf(receiver.requests[0]).attachments?.[0];
    expect(attachment?.color).toBe('warning');
    expect(attachment?.title).toContain('[ACKED]');
  });

  it('sends the same body and Idempotency-Key each time the same notification is retried', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    receiver.reply({ status: 503 });
    const built = buildOne('mattermost_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: false, retryable: true });
    expect(await send(built)).toMatchObject({ ok: true });
    const [first, second] = receiver.requests;
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(second?.body).toBe(first?.body);
  });

  it('escapes alert text for markdown so labels and annotations show as written', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const alert = baseAlert({ annotations: { summary: 'disk *full* on [db]', description: '# not a heading\n<b>raw</b> a_b' } });
    await send(buildOne('mattermost_configs', entry(receiver.url)), baseNotification({ alerts: [alert] }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const text = postOf(receiver.requests[0]).attachments?.[0]?.text ?? '';
    expect(text).toContain('HighLatency - disk \\*full\\* on \\[db\\]');
    expect(text).toContain('\\# not a heading\n\\<b\\>raw\\</b\\> a\\_b');
    expect(escapeMattermostMarkdown('1. one\n- two')).toBe('1\\. one\n\\- two');
  });

  it("keeps the text within Mattermost's 16,383 characters: whole alerts while they fit, then a count of the rest", async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const alerts = Array.from({ length: 60 }, (_, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), labels: { alertname: `Alert${index}`, instance: `host-${index}` }, annotations: { description: '😀'.repeat(600) } }));
    await send(buildOne('mattermost_configs', entry(receiver.url)), baseNotification({ alerts, truncatedAlerts: 5 }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const text = postOf(receiver.requests[0]).attachments?.[0]?.text ?? '';
    expect(runeLength(text)).toBeLessThanOrEqual(mattermostTextLimitRunes);
    // Counted in runes, not UTF-16 units: each emoji is two units, so a unit count would keep half as many.
    expect(text.length).toBeGreaterThan(mattermostTextLimitRunes);
    const shown = text.match(/\*\*FIRING\*\*/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(10);
    expect(text).toContain(`...and ${60 - shown + 5} more alert(s) not shown.`);
    expect(text.endsWith(dashboardLink)).toBe(true);
  });

  it('cuts a text template to 16,383 runes ending with an ellipsis, as Alertmanager does', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const alert = baseAlert({ annotations: { description: '😀'.repeat(20_000) } });
    await send(buildOne('mattermost_configs', entry(receiver.url, { text: '{{ (index .Alerts 0).Annotations.description }}' })), baseNotification({ alerts: [alert] }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    const text = postOf(receiver.requests[0]).attachments?.[0]?.text ?? '';
    expect(runeLength(text)).toBe(mattermostTextLimitRunes);
    expect(text.endsWith('😀…')).toBe(true);
  });

  it('renders every templated key, and Alertmanager default template names resolve to the defaults', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const built = buildOne(
      'mattermost_configs',
      entry(receiver.url, {
        channel: 'alerts-{{ .CommonLabels.service }}',
        username: '{{ template "mattermost.default.username" . }}',
        icon_url: 'https://icons.example.com/{{ .CommonLabels.severity }}.png',
        icon_emoji: ':{{ .CommonLabels.severity }}:',
        type: 'custom_{{ .Status }}',
        text: '{{ .Status | toUpper }}: {{ .CommonAnnotations.summary }}',
        title: '{{ template "mattermost.default.title" . }}',
        title_link: '{{ .ExternalURL }}/#/alerts',
        color: '{{ if eq .Status "firing" }}#FF0000{{ else }}#00FF00{{ end }}',
        fallback: 'fb {{ .CommonLabels.alertname }}',
        pretext: 'pre {{ .Receiver }}',
        author_name: 'sre-monitor',
        author_link: 'https://sre.example.com',
        author_icon: 'https://sre.example.com/icon.png',
        fields: [
          { title: 'Severity', value: '{{ .CommonLabels.severity }}', short: true },
          { title: 'Service', value: '{{ .CommonLabels.service }}' },
        ],
        thumb_url: 'https://sre.example.com/thumb.png',
        footer: 'via {{ .Receiver }}',
        footer_icon: 'https://sre.example.com/footer.png',
        image_url: 'https://sre.example.com/graph.png',
        props: { card: '**Runbook**: {{ .CommonAnnotations.summary }}' },
      }),
    );
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(built.templateErrors).toEqual([]);
    expect(postOf(receiver.requests[0])).toEqual({
      channel: 'alerts-checkout',
      username: 'sre-monitor',
      icon_url: 'https://icons.example.com/critical.png',
      icon_emoji: ':critical:',
      type: 'custom_firing',
      props: { card: '**Runbook**: p99 latency above 500 ms' },
      attachments: [
        {
          fallback: 'fb HighLatency',
          color: '#FF0000',
          pretext: 'pre team-checkout',
          text: 'FIRING: p99 latency above 500 ms',
          author_name: 'sre-monitor',
          author_link: 'https://sre.example.com',
          author_icon: 'https://sre.example.com/icon.png',
          title: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
          title_link: 'https://sre.example.com/#/alerts',
          fields: [
            { title: 'Severity', value: 'critical', short: true },
            { title: 'Service', value: 'checkout' },
          ],
          thumb_url: 'https://sre.example.com/thumb.png',
          footer: 'via team-checkout',
          footer_icon: 'https://sre.example.com/footer.png',
          image_url: 'https://sre.example.com/graph.png',
        },
      ],
    });
  });

  it('with attachments listed: text is the message (title first by default) and the attachments go as listed', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const attachments = [
      { title: '{{ .CommonLabels.alertname }}', text: 'details: {{ .CommonAnnotations.summary }}', color: 'danger', fields: [{ title: 'Where', value: '{{ .CommonLabels.instance }}', short: false }] },
      { image_url: 'https://grafana.example.com/render.png' },
    ];
    const built = buildOne('mattermost_configs', entry(receiver.url, { title: 'not used', attachments }));
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(postOf(receiver.requests[0])).toEqual({
      text: `**\\[FIRING:1\\] HighLatency (api-1:9100 checkout critical)**\n\n${firingText}\n\n${dashboardLink}`,
      username: 'sre-monitor',
      attachments: [
        { title: 'HighLatency', text: 'details: p99 latency above 500 ms', color: 'danger', fields: [{ title: 'Where', value: 'api-1:9100', short: false }] },
        { image_url: 'https://grafana.example.com/render.png' },
      ],
    });
  });

  it('leaves out keys set to empty, as Alertmanager does', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    await send(buildOne('mattermost_configs', entry(receiver.url, { username: '', title: '', title_link: '', color: '', fallback: '', text: 'only text' })));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(postOf(receiver.requests[0])).toEqual({ attachments: [{ text: 'only text' }] });
  });

  it('sends the default for a template that fails, and logs it naming the field', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const built = buildOne('mattermost_configs', entry(receiver.url, { text: '{{ template "nope" . }}', title: '{{ nope . }}', channel: 'ops' }));
    expect(await send(built)).toMatchObject({ ok: true });
    const post = postOf(receiver.requests[0]);
    expect(post.attachments?.[0]?.text).toBe(`${firingText}\n\n${dashboardLink}`);
    expect(post.channel).toBe('ops');
    expect(built.templateErrors).toEqual([expect.stringContaining('receiver "team-checkout" mattermost_configs[0].text: '), expect.stringContaining('mattermost_configs[0].title: ')]);
    expect(post.attachments?.[0]?.title).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
  });

  it.each<[string, Mapping, MattermostPost['priority'], string[]]>([
    ['a fixed priority, lowercased, with its flags', { priority: 'URGENT', requested_ack: true, persistent_notifications: true }, { priority: 'urgent', requested_ack: true, persistent_notifications: true }, []],
    ['important: persistent notifications dropped', { priority: 'important', requested_ack: true, persistent_notifications: true }, { priority: 'important', requested_ack: true }, ['priority.persistent_notifications: dropped']],
    ['standard: both flags dropped', { priority: 'Standard', requested_ack: true, persistent_notifications: true }, { priority: 'standard' }, ['priority.requested_ack: dropped', 'priority.persistent_notifications: dropped']],
    ['a template rendering something else: standard', { priority: '{{ .CommonLabels.severity }}', requested_ack: true }, { priority: 'standard' }, ['priority.priority: rendered "critical", not urgent, important or standard; sent standard instead', 'priority.requested_ack: dropped']],
    ['a template rendering a priority', { priority: '{{ if eq .CommonLabels.severity "critical" }}urgent{{ else }}standard{{ end }}' }, { priority: 'urgent' }, []],
  ])('sanitises priority as Alertmanager does: %s', async (_name, priority, expected, logged) => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const built = buildOne('mattermost_configs', entry(receiver.url, { priority }));
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(postOf(receiver.requests[0]).priority).toEqual(expected);
    expect(built.templateErrors).toHaveLength(logged.length);
    logged.forEach((line, index) => expect(built.templateErrors[index]).toContain(`mattermost_configs[0].${line}`));
  });

  it('sends no priority when priority.priority is not set, and no props without a card', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    await send(buildOne('mattermost_configs', entry(receiver.url, { priority: { requested_ack: true }, props: { card: '' } })));
    expect(Object.keys(postOf(receiver.requests[0]))).toEqual(['username', 'attachments']);
  });

  it('fails without sending (not retryable) when type renders to a post type Mattermost refuses', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const built = buildOne('mattermost_configs', entry(receiver.url, { type: '{{ .Status }}' }));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: 'type rendered to "firing": Mattermost takes only post types starting with custom_' });
    expect(receiver.requests).toHaveLength(0);
  });

  it("names the channel in failure messages, never the hook URL, and keeps Mattermost's error", async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    receiver.reply({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"id":"web.incoming_webhook.channel.app_error","message":"Couldn\'t find the channel.","detailed_error":"","request_id":"x","status_code":400}' });
    const result = await send(buildOne('mattermost_configs', entry(receiver.url, { channel: 'town-square' })));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 400 });
    const message = result.ok ? '' : result.message;
    expect(message).toMatch(/^channel "town-square": HTTP 400 from 127\.0\.0\.1:\d+: .*Couldn't find the channel/);
    expect(message).not.toContain(hookPath);
  });

  it('reads webhook_url_file at each send and fails as a config problem when it cannot', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const directory = await mkdtemp(join(tmpdir(), 'mattermost-hook-'));
    try {
      const file = join(directory, 'hook');
      await writeFile(file, `${hookUrl(receiver.url)}\n`);
      const built = buildOne('mattermost_configs', { webhook_url_file: file });
      expect(await send(built)).toMatchObject({ ok: true });
      expect(receiver.requests[0]?.path).toBe(hookPath);
      await writeFile(file, `${new URL(receiver.url).origin}/hooks/aaaaaaaaaaaaaaaaaaaaaaaaaa\n`);
      await send(built);
      expect(receiver.requests[1]?.path).toBe('/hooks/aaaaaaaaaaaaaaaaaaaaaaaaaa');
      await rm(file);
      const failed = await send(built);
      expect(failed).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining(`cannot read secret file ${file}`) as unknown });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("takes global.mattermost_webhook_url or _file when the entry has neither, and the entry's own first", async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const otherHook = `${new URL(receiver.url).origin}/hooks/bbbbbbbbbbbbbbbbbbbbbbbbbb`;
    await send(buildOne('mattermost_configs', { channel: 'a' }, { global: { mattermost_webhook_url: hookUrl(receiver.url) } }));
    await send(buildOne('mattermost_configs', { webhook_url: otherHook }, { global: { mattermost_webhook_url: hookUrl(receiver.url) } }));
    const directory = await mkdtemp(join(tmpdir(), 'mattermost-global-'));
    try {
      const file = join(directory, 'hook');
      await writeFile(file, otherHook);
      await send(buildOne('mattermost_configs', {}, { global: { mattermost_webhook_url_file: file } }));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    expect(receiver.requests.map((request) => request.path)).toEqual([hookPath, '/hooks/bbbbbbbbbbbbbbbbbbbbbbbbbb', '/hooks/bbbbbbbbbbbbbbbbbbbbbbbbbb']);
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
  });

  it('has a stand-in that refuses what Mattermost refuses (so the tests above can fail)', async () => {
    const receiver = await startNotificationReceiver(servers, 'mattermost');
    const post = (body: unknown, headers: Record<string, string> = {}, path = hookPath) =>
      fetch(`${new URL(receiver.url).origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const good = await post({ text: 'hi', priority: { priority: 'important', requested_ack: true } });
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('ok');
    const bad: Array<[unknown, Record<string, string>, string, string]> = [
      [{}, {}, hookPath, 'No text specified (text or attachments is required)'],
      [{ text: '', attachments: [] }, {}, hookPath, 'No text specified (text or attachments is required)'],
      [{ text: 'x'.repeat(16_384) }, {}, hookPath, 'text: 16384 characters, at most 16383'],
      [{ attachments: [{ text: '😀'.repeat(16_384) }] }, {}, hookPath, 'attachments[0].text: 16384 characters, at most 16383'],
      [{ text: 'a\ud83d' }, {}, hookPath, 'text is not valid UTF-8 (a character was cut in half)'],
      [{ text: 'x', colour: 'red' }, {}, hookPath, 'unknown field colour'],
      [{ text: 'x', username: 1 }, {}, hookPath, 'username must be a string'],
      [{ text: 'x', type: 'alert' }, {}, hookPath, 'type must start with custom_'],
      [{ attachments: [{ title_url: 'x' }] }, {}, hookPath, 'attachments[0]: unknown field title_url'],
      [{ attachments: [{ fields: [{ title: 'a', value: 1 }] }] }, {}, hookPath, 'attachments[0].fields[0].value must be a string'],
      [{ attachments: [{ fields: [{ title: 'a', value: 'b', short: 'yes' }] }] }, {}, hookPath, 'attachments[0].fields[0].short must be a boolean'],
      [{ attachments: {} }, {}, hookPath, 'attachments must be a list'],
      [{ text: 'x', props: { card: 1 } }, {}, hookPath, 'props.card must be a string'],
      [{ text: 'x', priority: { priority: 'high' } }, {}, hookPath, 'priority.priority must be urgent, important or standard'],
      [{ text: 'x', priority: { priority: 'standard', requested_ack: true } }, {}, hookPath, 'priority.requested_ack needs priority important or urgent'],
      [{ text: 'x', priority: { priority: 'important', persistent_notifications: true } }, {}, hookPath, 'priority.persistent_notifications needs priority urgent'],
      [{ text: 'x' }, { 'content-type': 'text/plain' }, hookPath, 'content-type must be application/json'],
      [{ text: 'x' }, {}, '/hook', 'path must be /hooks/<26-character webhook id>, got /hook'],
    ];
    for (const [body, headers, path, problem] of bad) {
      const answer = await post(body, headers, path);
      expect(answer.status).toBe(400);
      expect(receiver.requests.at(-1)?.problems).toContain(problem);
      expect(await answer.json()).toMatchObject({ id: expect.stringMatching(/^web\.incoming_webhook\./) as unknown, message: expect.any(String) as unknown, status_code: 400 });
    }
  });
});

describe('mattermost_configs config problems', () => {
  const problemsOf = (entries: Mapping[], global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'chat', integrations: { mattermost_configs: entries } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const at = 'receivers.0.mattermost_configs.0';
  const url = 'https://mattermost.example.com/hooks/xjp5uo1y4ir6mgp8ry3a5yywoy';

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no webhook URL', { channel: 'ops' }, [[at, 'missing webhook_url or webhook_url_file (set one here, or global.mattermost_webhook_url or global.mattermost_webhook_url_file)']]],
    ['both URL forms', { webhook_url: url, webhook_url_file: '/run/hook' }, [[`${at}.webhook_url_file`, 'at most one of webhook_url and webhook_url_file may be set']]],
    ['a URL without a scheme', { webhook_url: 'mattermost.example.com/hooks/x' }, [[`${at}.webhook_url`, 'must be an absolute URL (http:// or https://)']]],
    ['a bad priority', { webhook_url: url, priority: { priority: 'high' } }, [[`${at}.priority.priority`, 'must be urgent, important or standard (or a template rendering one), got "high" (Alertmanager would send standard)']]],
    ['a bad priority flag', { webhook_url: url, priority: { priority: 'urgent', requested_ack: 'maybe' } }, [[`${at}.priority.requested_ack`, 'must be true or false, got the value "maybe"']]],
    ['an unknown priority key', { webhook_url: url, priority: { level: 'urgent' } }, [[`${at}.priority.level`, 'unknown field (expected one of: priority, requested_ack, persistent_notifications)']]],
    ['a post type Mattermost refuses', { webhook_url: url, type: 'alert' }, [[`${at}.type`, 'must start with custom_ (Mattermost refuses other post types), got "alert"']]],
    ['props that are not a mapping', { webhook_url: url, props: 'card' }, [[`${at}.props`, 'must be a mapping, got the value "card"']]],
    ['an unknown props key', { webhook_url: url, props: { card: 'x', from_webhook: 'true' } }, [[`${at}.props.from_webhook`, 'unknown field (expected one of: card)']]],
    ['a field without title and value', { webhook_url: url, fields: [{ short: true }] }, [[`${at}.fields.0`, 'missing title'], [`${at}.fields.0`, 'missing value']]],
    ['an attachment field with a bad short', { webhook_url: url, attachments: [{ fields: [{ title: 'a', value: 'b', short: 'sometimes' }] }] }, [[`${at}.attachments.0.fields.0.short`, 'must be true or false, got the value "sometimes"']]],
    ['an unknown attachment key', { webhook_url: url, attachments: [{ titel: 'x' }] }, [[`${at}.attachments.0.titel`, expect.stringContaining('unknown field (expected one of: fallback, color,')]]],
    ['attachments that are not a list', { webhook_url: url, attachments: { title: 'x' } }, [[`${at}.attachments`, 'must be a list, got a mapping']]],
    ['a bad send_resolved', { webhook_url: url, send_resolved: 'sometimes' }, [[`${at}.send_resolved`, 'must be true or false, got the value "sometimes"']]],
    ['a text that is not text', { webhook_url: url, text: ['a'] }, [[`${at}.text`, 'must be a string, got a list']]],
    ['an unknown key', { webhook_url: url, icon: ':fire:' }, [[`${at}.icon`, expect.stringContaining('unknown field (expected one of: webhook_url, webhook_url_file, send_resolved, http_config, channel,')]]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf([given])).toEqual(expected);
  });

  it('reports bad global webhook settings once, at their own path', () => {
    expect(problemsOf([{}, {}], { mattermost_webhook_url: 'ftp://mattermost' })).toEqual([['global.mattermost_webhook_url', 'must be an http:// or https:// URL, got ftp:']]);
    expect(problemsOf([{}, { webhook_url: url }], { mattermost_webhook_url: url, mattermost_webhook_url_file: '/run/hook' })).toEqual([['global.mattermost_webhook_url_file', 'at most one of mattermost_webhook_url and mattermost_webhook_url_file may be set']]);
  });

  it('accepts every Alertmanager key of mattermost_configs', () => {
    const everything: Mapping = {
      send_resolved: true,
      http_config: { proxy_url: 'http://proxy.example.com:3128' },
      webhook_url: url,
      channel: 'ops',
      username: 'bot',
      text: 't',
      fallback: 'f',
      color: 'danger',
      pretext: 'p',
      author_name: 'a',
      author_link: 'https://a.example.com',
      author_icon: 'https://a.example.com/i.png',
      title: 'title',
      title_link: 'https://sre.example.com',
      fields: [{ title: 'a', value: 'b', short: true }],
      thumb_url: 'https://a.example.com/t.png',
      footer: 'footer',
      footer_icon: 'https://a.example.com/f.png',
      image_url: 'https://a.example.com/img.png',
      icon_url: 'https://a.example.com/icon.png',
      icon_emoji: ':fire:',
      attachments: [{ fallback: 'f', color: 'good', pretext: 'p', text: 't', author_name: 'a', author_link: 'l', author_icon: 'i', title: 't', title_link: 'l', fields: [{ title: 'a', value: 'b' }], thumb_url: 't', footer: 'f', footer_icon: 'f', image_url: 'i' }],
      type: 'custom_alert',
      props: { card: 'card' },
      priority: { priority: 'urgent', requested_ack: true, persistent_notifications: true },
    };
    expect(problemsOf([everything])).toEqual([]);
  });
});
