import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type RecordedRequest } from '../../../test/support/notification-receivers.js';
import { fakeJira } from '../../../test/support/receiver-checks/jira.js';
import { useTempTrees } from '../../../test/support/temp-tree.js';
import { createManualClock } from '../../core/clock.js';
import { jsonAnswerMaxBytes, postToReceiver, requestJson, type NotifierContext } from './http-delivery.js';
import { createHttpPost, maxBodyBytes } from './http-post.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { defaultJiraPriority, jiraSearchJql, jiraSearchUrl } from './jira-notifier.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

const email = 'sre-bot@example.com';
const apiToken = 'ATATT3xFfGF0-test-api-token';
const basic = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
const apiUrl = (url: string, version = 2): string => `${new URL(url).origin}/rest/api/${version}`;
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: apiUrl(url), project: 'OPS', issue_type: 'Incident', http_config: { basic_auth: { username: email, password: apiToken } }, ...more });
const label = `ALERT{${createHash('sha256').update(baseNotification().groupKey).digest('hex')}}`;
const openJql = `statusCategory != Done and project="OPS" and labels="${label}" order by status ASC,resolutiondate DESC`;
const runes = (text: string): number => [...text].length;
const calls = (requests: RecordedRequest[]): string[] => requests.map((request) => `${request.method} ${request.path}`);
const fieldsOf = (request: RecordedRequest | undefined): Record<string, unknown> => (request?.parsed as { fields: Record<string, unknown> }).fields;
const again = (key: string) => baseNotification({ idempotencyKey: key });
/** Jira's answer to a search that finds nothing, to queue before an answer for the call after it. */
const noIssues = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"expand":"schema,names","startAt":0,"maxResults":2,"total":0,"issues":[]}' };

const writeTree = useTempTrees('jira-test-');

// Every Jira notification starts with a search: a firing group makes two requests (search,
// create), and a refusal of the first one (the search) is what the contract maps. A receiver
// URL with a path other than the stand-in's /hook keeps it in api_url, so the refused-connection
// case checks that the path never shows in a message.
registerHttpNotifierCases({
  key: 'jira_configs',
  channel: 'jira',
  entry: (url) => {
    const { origin, pathname } = new URL(url);
    return entry(url, { api_url: `${origin}${pathname === '/hook' ? '' : pathname}/rest/api/2` });
  },
  requestsPerSend: 2,
  onReceiver: (url) => fakeJira(url).reset(),
});

describe('jira_configs requests', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  async function startJira() {
    const receiver = await startNotificationReceiver(servers, 'jira');
    const jira = fakeJira(receiver.url);
    jira.reset();
    return { receiver, jira };
  }

  it('searches by the group label, then creates the issue with Alertmanager\'s fields, basic auth and headers', async () => {
    const { receiver, jira } = await startJira();
    const result = await send(buildOne('jira_configs', entry(receiver.url)));
    expect(result).toEqual({ ok: true, status: 201 });
    const [search, create] = receiver.requests;
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect(search?.parsed).toEqual({ jql: openJql, maxResults: 2, fields: ['status'] });
    for (const request of receiver.requests) {
      expect(request.headers.authorization).toBe(basic);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['accept-language']).toBe('en');
    }
    const fields = fieldsOf(create);
    expect(Object.keys(create?.parsed as object)).toEqual(['fields']);
    expect(fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
      labels: [label],
      priority: { name: 'High' },
    });
    expect(Object.keys(fields)).toEqual(['description', 'issuetype', 'labels', 'priority', 'project', 'summary']);
    for (const line of ['FIRING: HighLatency - p99 latency above 500 ms', 'Where: service=checkout instance=api-1:9100', 'Since: 2026-01-01 10:00:00 UTC', 'Runbook: https://runbooks.example.com/high-latency', 'Acknowledge: https://sre.example.com/ack/abc.def', 'Dashboard: https://sre.example.com/alerts?group=abc']) {
      expect(fields.description).toContain(line);
    }
    expect(jira.issues.map((issue) => [issue.key, issue.status])).toEqual([['OPS-1', 'To Do']]);
  });

  it('runs fire -> fire -> resolve -> fire again on one issue: update, resolve transition, reopen transition', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { resolve_transition: 'Resolve', reopen_transition: 'Reopen', reopen_duration: '1h' }));
    expect(await send(built)).toEqual({ ok: true, status: 201 });
    expect(await send(built, again('ntf-0002-a'))).toEqual({ ok: true, status: 204 });
    expect(await send(built, resolvedNotification({ idempotencyKey: 'ntf-0003-a' }))).toEqual({ ok: true, status: 204 });
    expect(jira.issues.map((issue) => [issue.key, issue.status, issue.resolution])).toEqual([['OPS-1', 'Done', 'Done']]);
    expect(await send(built, again('ntf-0004-a'))).toEqual({ ok: true, status: 204 });
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    expect(calls(receiver.requests)).toEqual([
      'POST /rest/api/2/search', 'POST /rest/api/2/issue',
      'POST /rest/api/2/search', 'PUT /rest/api/2/issue/OPS-1',
      'POST /rest/api/2/search', 'PUT /rest/api/2/issue/OPS-1', 'GET /rest/api/2/issue/OPS-1/transitions', 'POST /rest/api/2/issue/OPS-1/transitions',
      'POST /rest/api/2/search', 'PUT /rest/api/2/issue/OPS-1', 'GET /rest/api/2/issue/OPS-1/transitions', 'POST /rest/api/2/issue/OPS-1/transitions',
    ]);
    // Firing with a reopen transition and duration: also done issues resolved within the hour. Resolved: open issues only.
    const jqls = receiver.requests.filter((request) => request.path.endsWith('/search')).map((request) => (request.parsed as { jql: string }).jql);
    const reopenJql = `(resolutiondate is EMPTY OR resolutiondate >= -60m) and project="OPS" and labels="${label}" order by status ASC,resolutiondate DESC`;
    expect(jqls).toEqual([reopenJql, reopenJql, openJql, reopenJql]);
    expect(receiver.requests[7]?.parsed).toEqual({ transition: { id: '31' } });
    expect(receiver.requests[11]?.parsed).toEqual({ transition: { id: '51' } });
    expect(receiver.requests[6]?.body).toBe('');
    expect(jira.issues.map((issue) => [issue.key, issue.status, issue.transitions])).toEqual([['OPS-1', 'To Do', ['Resolve', 'Reopen']]]);
    // The update carries the new text; the resolve update says RESOLVED.
    expect(fieldsOf(receiver.requests[5]).summary).toBe('[RESOLVED] HighLatency (api-1:9100 checkout critical)');
  });

  it('opens a new issue when the old one was resolved longer ago than reopen_duration', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { resolve_transition: 'Resolve', reopen_transition: 'Reopen', reopen_duration: '1h' }));
    await send(built);
    await send(built, resolvedNotification());
    const [old] = jira.issues;
    if (old === undefined) throw new Error('no issue');
    old.resolutionDateMs = Date.now() - 2 * 3_600_000;
    expect(await send(built, again('ntf-0003-a'))).toEqual({ ok: true, status: 201 });
    expect(jira.issues.map((issue) => [issue.key, issue.status])).toEqual([['OPS-1', 'Done'], ['OPS-2', 'To Do']]);
  });

  it('without reopen_transition, a group that fires again after its issue was resolved gets a new issue', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { resolve_transition: 'Resolve', reopen_duration: '1h' }));
    await send(built);
    await send(built, resolvedNotification());
    await send(built, again('ntf-0003-a'));
    expect(jira.issues.map((issue) => [issue.key, issue.status])).toEqual([['OPS-1', 'Done'], ['OPS-2', 'To Do']]);
    expect((receiver.requests.at(-2)?.parsed as { jql: string }).jql).toBe(openJql);
  });

  it('creates nothing for a resolved group without an issue, and leaves the status alone without resolve_transition', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url));
    expect(await send(built, resolvedNotification())).toEqual({ ok: true, status: 200 });
    expect(calls(receiver.requests)).toEqual(['POST /rest/api/2/search']);
    await send(built);
    expect(await send(built, resolvedNotification({ idempotencyKey: 'ntf-0003-a' }))).toEqual({ ok: true, status: 204 });
    expect(calls(receiver.requests).slice(3)).toEqual(['POST /rest/api/2/search', 'PUT /rest/api/2/issue/OPS-1']);
    expect(jira.issues.map((issue) => issue.status)).toEqual(['To Do']);
  });

  it('is idempotent: a retry after a create whose answer was lost finds the issue by its label and updates it', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url));
    // The search is answered; the create is applied but its answer is a 502.
    receiver.reply(noIssues, { status: 502, body: '<html>Bad Gateway</html>' });
    const first = await send(built);
    expect(first).toMatchObject({ ok: false, retryable: true, reason: 'server', status: 502, message: expect.stringMatching(/^create issue: HTTP 502 from 127\.0\.0\.1:\d+/) as unknown });
    expect(jira.issues).toHaveLength(1);
    expect(await send(built)).toEqual({ ok: true, status: 204 });
    expect(calls(receiver.requests)).toEqual(['POST /rest/api/2/search', 'POST /rest/api/2/issue', 'POST /rest/api/2/search', 'PUT /rest/api/2/issue/OPS-1']);
    expect(jira.issues).toHaveLength(1);
  });

  it('with wont_fix_resolution, still finds open issues, and does not reopen one resolved as won\'t do', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { wont_fix_resolution: "Won't Do", resolve_transition: "Won't Do", reopen_transition: 'Reopen', reopen_duration: '1d' }));
    await send(built);
    await send(built, again('ntf-0002-a'));
    expect((receiver.requests[2]?.parsed as { jql: string }).jql).toBe(`(resolution is EMPTY or resolution != "Won't Do") and (resolutiondate is EMPTY OR resolutiondate >= -1440m) and project="OPS" and labels="${label}" order by status ASC,resolutiondate DESC`);
    expect(jira.issues).toHaveLength(1);
    await send(built, resolvedNotification({ idempotencyKey: 'ntf-0003-a' }));
    expect(jira.issues.map((issue) => issue.resolution)).toEqual(["Won't Do"]);
    await send(built, again('ntf-0004-a'));
    expect(jira.issues.map((issue) => [issue.key, issue.status])).toEqual([['OPS-1', 'Done'], ['OPS-2', 'To Do']]);
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
  });

  it('fails without retry when the configured transition does not exist for the issue', async () => {
    const { receiver } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { resolve_transition: 'Close Issue' }));
    await send(built);
    const result = await send(built, resolvedNotification());
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'config', message: 'resolve_transition: issue OPS-1 has no transition named "Close Issue" (transition names depend on the workflow and the account\'s language)' });
    expect(calls(receiver.requests).at(-1)).toBe('GET /rest/api/2/issue/OPS-1/transitions');
  });

  it('uses API v3 with an Atlassian Document Format description when api_url ends with /3', async () => {
    const { receiver } = await startJira();
    await send(buildOne('jira_configs', entry(receiver.url, { api_url: apiUrl(receiver.url, 3) })));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect(calls(receiver.requests)).toEqual(['POST /rest/api/3/search', 'POST /rest/api/3/issue']);
    const description = fieldsOf(receiver.requests[1]).description as { type: string; version: number; content: Array<{ type: string; content: unknown[] }> };
    expect(description).toMatchObject({ type: 'doc', version: 1 });
    expect(description.content[0]?.content[0]).toEqual({ type: 'text', text: 'FIRING: HighLatency - p99 latency above 500 ms' });
    expect(JSON.stringify(description)).toContain('{"type":"text","text":"https://runbooks.example.com/high-latency","marks":[{"type":"link","attrs":{"href":"https://runbooks.example.com/high-latency"}}]}');
  });

  it('picks the search endpoint by api_type as Alertmanager does: cloud uses /rest/api/3/search/jql', async () => {
    const { receiver } = await startJira();
    await send(buildOne('jira_configs', entry(receiver.url, { api_type: 'cloud' })));
    await send(buildOne('jira_configs', entry(receiver.url, { api_type: 'datacenter' })), again('ntf-0002-a'));
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    expect(calls(receiver.requests)).toEqual(['POST /rest/api/3/search/jql', 'POST /rest/api/2/issue', 'POST /rest/api/2/search', 'PUT /rest/api/2/issue/OPS-1']);
    expect(jiraSearchUrl({ apiUrl: 'https://example.atlassian.net/rest/api/2', apiType: 'auto' })).toBe('https://example.atlassian.net/rest/api/3/search/jql');
    expect(jiraSearchUrl({ apiUrl: 'https://jira.example.com/rest/api/2', apiType: 'auto' })).toBe('https://jira.example.com/rest/api/2/search');
    expect(jiraSearchUrl({ apiUrl: 'https://example.atlassian.net/rest/api/2', apiType: 'datacenter' })).toBe('https://example.atlassian.net/rest/api/2/search');
  });

  it('on API v3, sends an ADF template as rendered, wraps a plain-text template, and falls back on JSON that does not parse', async () => {
    const { receiver } = await startJira();
    const adf = '{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"{{ .CommonLabels.alertname }} on {{ .CommonLabels.service }}"}]}]}';
    const v3 = (description: string) => buildOne('jira_configs', entry(receiver.url, { api_url: apiUrl(receiver.url, 3), description }));
    await send(v3(adf));
    await send(v3('{{ .CommonAnnotations.summary }}\n\nSee {{ .ExternalURL }}'), again('ntf-0002-a'));
    const broken = v3('{"type":"doc", {{ .CommonLabels.alertname }}');
    await send(broken, again('ntf-0003-a'));
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    expect(fieldsOf(receiver.requests[1]).description).toEqual({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'HighLatency on checkout' }] }] });
    expect(fieldsOf(receiver.requests[3]).description).toEqual({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'p99 latency above 500 ms' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'See https://sre.example.com' }] }] });
    expect(JSON.stringify(fieldsOf(receiver.requests[5]).description)).toContain('FIRING: HighLatency');
    expect(broken.templateErrors).toEqual([expect.stringMatching(/jira_configs\[0\]\.description: rendered JSON that does not parse; sent the default text instead$/) as unknown]);
  });

  it('keeps the summary and description within Jira\'s limits with many large alerts, cut as Alertmanager cuts them', async () => {
    const { receiver } = await startJira();
    const alerts = Array.from({ length: 80 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { summary: '🔥'.repeat(100), description: 'x'.repeat(1000) } }));
    const many = baseNotification({ alerts });
    await send(buildOne('jira_configs', entry(receiver.url, { summary: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}' })), many);
    await send(buildOne('jira_configs', entry(receiver.url, { api_url: apiUrl(receiver.url, 3) })), { ...many, idempotencyKey: 'ntf-0002-a' });
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    const v2 = fieldsOf(receiver.requests[1]);
    expect(runes(v2.summary as string)).toBe(255);
    expect(v2.summary).toMatch(/^🔥+ 🔥+.*…$/u);
    expect(runes(v2.description as string)).toBe(32_767);
    expect((v2.description as string).endsWith('…')).toBe(true);
    const v3 = JSON.stringify(fieldsOf(receiver.requests[3]).description);
    expect(v3.length).toBeLessThanOrEqual(32_767);
    expect(v3.length).toBeGreaterThan(30_000);
  });

  it('renders every templated field, deep inside fields too, and adds the group label to the configured ones', async () => {
    const { receiver } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, {
      project: '{{ if eq .CommonLabels.service "checkout" }}SRE{{ else }}OPS{{ end }}',
      issue_type: 'Bug',
      summary: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}',
      description: '{{ .CommonAnnotations.summary }}',
      labels: ['alertmanager', '{{ .CommonLabels.severity }}', '{{ .CommonLabels.missing }}'],
      priority: '{{ if eq .CommonLabels.severity "critical" }}Highest{{ else }}Low{{ end }}',
      fields: { components: [{ name: '{{ .CommonLabels.service }}' }], customfield_10001: 'Runbook {{ (index .Alerts 0).Annotations.runbook_url }}', customfield_10002: { value: 'red' }, customfield_10003: 3 },
    }));
    await send(built);
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    expect((receiver.requests[0]?.parsed as { jql: string }).jql).toContain('project="SRE"');
    expect(fieldsOf(receiver.requests[1])).toEqual({
      components: [{ name: 'checkout' }],
      customfield_10001: 'Runbook https://runbooks.example.com/high-latency',
      customfield_10002: { value: 'red' },
      customfield_10003: 3,
      description: 'p99 latency above 500 ms',
      issuetype: { name: 'Bug' },
      labels: [label, 'alertmanager', 'critical'],
      priority: { name: 'Highest' },
      project: { key: 'SRE' },
      summary: 'HighLatency on api-1:9100',
    });
    expect(built.templateErrors).toEqual([]);
  });

  it('sends the default text when a template fails, and leaves out a label or field Jira would refuse, logging each', async () => {
    const { receiver } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, {
      summary: '{{ template "nope" . }}',
      description: '{{ .CommonLabels.alertname',
      labels: ['{{ nosuchfunction }}', 'has space', 'ok'],
      fields: { customfield_10001: ['{{ template "nope" . }}'], customfield_10002: 'kept' },
      priority: '{{ .CommonLabels.priority }}',
    }));
    expect(await send(built)).toEqual({ ok: true, status: 201 });
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    const fields = fieldsOf(receiver.requests[1]);
    expect(fields.summary).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(fields.description).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
    expect(fields.labels).toEqual([label, 'ok']);
    expect(fields.customfield_10001).toBeUndefined();
    expect(fields.customfield_10002).toBe('kept');
    expect(fields.priority).toBeUndefined();
    expect(built.templateErrors).toHaveLength(5);
    expect(built.templateErrors[0]).toMatch(/^receiver "team-checkout" jira_configs\[0\]\.summary: .*sent the default text instead$/);
    expect(built.templateErrors).toContainEqual(expect.stringContaining('labels[1]: rendered "has space", which Jira refuses') as unknown);
  });

  it('fails a send whose project template does not render, without a request', async () => {
    const { receiver } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { project: '{{ .Nope.Deeper }}' }));
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('the project template') as unknown });
    expect(receiver.requests).toHaveLength(0);
  });

  it('with enable_update false, an update leaves the summary, description and labels alone', async () => {
    const { receiver, jira } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, {
      summary: { template: 'First: {{ .Status }}', enable_update: false },
      description: { enable_update: false },
      labels: { values: ['alertmanager'], enable_update: false },
    }));
    await send(built);
    await send(built, again('ntf-0002-a'));
    expect(receiver.requests.flatMap((request) => request.problems)).toEqual([]);
    expect(fieldsOf(receiver.requests[1])).toMatchObject({ summary: 'First: firing', labels: [label, 'alertmanager'] });
    expect(Object.keys(fieldsOf(receiver.requests[3]))).toEqual(['issuetype', 'priority', 'project']);
    expect(jira.issues[0]?.fields.summary).toBe('First: firing');
  });

  it('reads the API token from a file at each send, and takes global.jira_api_url and global.http_config', async () => {
    const { receiver } = await startJira();
    const dir = await writeTree({ token: `${apiToken}\n` });
    const tokenFile = path.join(dir, 'token');
    const built = buildOne('jira_configs', { project: 'OPS', issue_type: 'Task', http_config: { basic_auth: { username: email, password_file: tokenFile } } }, { global: { jira_api_url: apiUrl(receiver.url) } });
    await send(built);
    await writeFile(tokenFile, 'rotated-token');
    await send(built, again('ntf-0002-a'));
    const fromGlobal = buildOne('jira_configs', { project: 'OPS', issue_type: 'Task' }, { global: { jira_api_url: apiUrl(receiver.url), http_config: { authorization: { credentials: 'data-center-pat' } } } });
    await send(fromGlobal, again('ntf-0003-a'));
    expect(receiver.requests.map((request) => request.headers.authorization)).toEqual([
      basic, basic,
      `Basic ${Buffer.from(`${email}:rotated-token`).toString('base64')}`, `Basic ${Buffer.from(`${email}:rotated-token`).toString('base64')}`,
      'Bearer data-center-pat', 'Bearer data-center-pat',
    ]);
    const missing = buildOne('jira_configs', { ...entry(receiver.url), http_config: { basic_auth: { username: email, password_file: path.join(dir, 'missing') } } });
    expect(await send(missing)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('cannot read secret file') as unknown });
  });

  it('maps Jira refusals of the create: 400 (a field Jira rejects) is not retried, 429 is', async () => {
    const { receiver } = await startJira();
    const built = buildOne('jira_configs', entry(receiver.url, { priority: 'Urgent' }));
    const refused = await send(built);
    expect(refused).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 400, message: expect.stringMatching(/^create issue: HTTP 400 from 127\.0\.0\.1:\d+: .*Specify a valid priority/) as unknown });
    expect(JSON.stringify(refused)).not.toContain(apiToken);
    receiver.reply(noIssues, { status: 429, headers: { 'retry-after': '10' }, body: '{"errorMessages":["Rate limit exceeded."]}' });
    expect(await send(buildOne('jira_configs', entry(receiver.url)))).toMatchObject({ ok: false, retryable: true, reason: 'rate_limited', retryAfterMs: 10_000 });
  });

  it('refuses an answer to the search that is not a search result, without retry', async () => {
    const { receiver } = await startJira();
    receiver.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' });
    expect(await send(buildOne('jira_configs', entry(receiver.url)))).toMatchObject({ ok: false, retryable: false, reason: 'client', message: expect.stringMatching(/^search: the answer from 127\.0\.0\.1:\d+ is not a Jira search result/) as unknown });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('requestJson (the JSON exchange Jira needs)', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());
  const context: NotifierContext = { post: createHttpPost(), clock: createManualClock(), timeoutMs: 5_000, userAgent: 'test', readSecretFile: () => Promise.reject(new Error('none')), onTemplateError: () => undefined };

  it('sends a GET without a body, parses a large JSON answer, and leaves postToReceiver\'s bound as it was', async () => {
    const seen: Array<[string | undefined, string, string | undefined]> = [];
    const big = JSON.stringify({ items: 'x'.repeat(100_000) });
    const address = await servers.listen(createServer((incoming, response) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      incoming.on('end', () => {
        seen.push([incoming.method, body, incoming.headers['content-length']]);
        response.writeHead(incoming.url === '/huge' ? 200 : 500, { 'content-type': 'application/json' }).end(incoming.url === '/huge' ? JSON.stringify({ items: 'y'.repeat(jsonAnswerMaxBytes) }) : big);
      });
    }));
    const url = (path: string) => ({ kind: 'inline' as const, value: `http://${address}${path}` });
    const got = await requestJson({ url: url('/big'), method: 'GET', contentType: 'application/json' }, context, new AbortController().signal);
    expect(got.result).toMatchObject({ ok: false, status: 500 });
    expect(got.json).toBeUndefined();
    expect(seen[0]).toEqual(['GET', '', undefined]);
    const posted = await postToReceiver({ url: url('/big'), body: '{}', contentType: 'application/json' }, context, new AbortController().signal);
    expect(posted.ok ? '' : posted.message.length).toBeLessThan(300);
    const huge = await requestJson({ url: url('/huge'), body: '{}', contentType: 'application/json' }, context, new AbortController().signal);
    // Larger than the bound: cut, so not JSON, and the caller reports it.
    expect(huge).toEqual({ result: { ok: true, status: 200 }, json: undefined });
    expect(maxBodyBytes).toBeLessThan(jsonAnswerMaxBytes);
  });

  it('parses a 2xx JSON answer far larger than an error message needs', async () => {
    const answer = { transitions: Array.from({ length: 200 }, (_unused, index) => ({ id: String(index), name: `Transition ${index}`, to: { description: 'd'.repeat(400) } })) };
    const address = await servers.listen(createServer((_incoming, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))));
    expect(JSON.stringify(answer).length).toBeGreaterThan(maxBodyBytes);
    const got = await requestJson({ url: { kind: 'inline', value: `http://${address}/t` }, method: 'GET', contentType: 'application/json' }, context, new AbortController().signal);
    expect(got).toEqual({ result: { ok: true, status: 200 }, json: answer });
  });
});

describe('jira_configs search query and defaults', () => {
  const settings = { wontFixResolution: '', reopenTransition: '', reopenDurationMs: 0 };

  it.each<[string, Partial<typeof settings>, boolean, string]>([
    ['firing, no reopen', {}, true, 'statusCategory != Done and '],
    ['resolved', { reopenTransition: 'Reopen', reopenDurationMs: 3_600_000 }, false, 'statusCategory != Done and '],
    ['firing with reopen and a duration (minutes, rounded down)', { reopenTransition: 'Reopen', reopenDurationMs: 90_500 }, true, '(resolutiondate is EMPTY OR resolutiondate >= -1m) and '],
    ['firing with reopen but no duration', { reopenTransition: 'Reopen' }, true, 'statusCategory != Done and '],
    ['won\'t fix', { wontFixResolution: 'Won\'t "Fix"' }, true, '(resolution is EMPTY or resolution != "Won\'t \\"Fix\\"") and statusCategory != Done and '],
  ])('%s', (_name, given, firing, prefix) => {
    expect(jiraSearchJql({ ...settings, ...given }, 'O"PS', 'ALERT{x}', firing)).toBe(`${prefix}project="O\\"PS" and labels="ALERT{x}" order by status ASC,resolutiondate DESC`);
  });

  it('derives the default priority from the severity labels, firing alerts first', () => {
    const withSeverities = (firing: string[], resolved: string[] = []) =>
      baseNotification({ alerts: [...firing.map((severity) => baseAlert({ labels: { severity } })), ...resolved.map((severity) => baseAlert({ status: 'resolved', labels: { severity } }))] });
    expect(defaultJiraPriority(withSeverities(['warning', 'critical']))).toBe('High');
    expect(defaultJiraPriority(withSeverities(['info', 'warning']))).toBe('Medium');
    expect(defaultJiraPriority(withSeverities(['info'], ['critical']))).toBe('Low');
    expect(defaultJiraPriority(withSeverities([], ['warning']))).toBe('Medium');
    expect(defaultJiraPriority(withSeverities(['page']))).toBe('');
  });
});

describe('jira_configs config problems', () => {
  const problemsOf = (given: Mapping, global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'tickets', integrations: { jira_configs: [given] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const at = 'receivers.0.jira_configs.0';
  const good = { api_url: 'https://example.atlassian.net/rest/api/2', project: 'OPS', issue_type: 'Bug' };

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no api_url anywhere', { project: 'OPS', issue_type: 'Bug' }, [[at, 'missing api_url (set api_url here or global.jira_api_url, e.g. https://example.atlassian.net/rest/api/2)']]],
    ['a bad api_url', { ...good, api_url: 'example.atlassian.net' }, [[`${at}.api_url`, 'must be an absolute URL (http:// or https://)']]],
    ['no project', { ...good, project: '' }, [[at, 'missing project (the key of the Jira project issues are created in)']]],
    ['no issue_type', { api_url: good.api_url, project: 'OPS' }, [[at, 'missing issue_type (e.g. Bug, Task or Incident)']]],
    ['a bad api_type', { ...good, api_type: 'server' }, [[`${at}.api_type`, 'must be auto, cloud or datacenter, got "server"']]],
    ['a bad reopen_duration', { ...good, reopen_duration: '1 hour' }, [[`${at}.reopen_duration`, 'must be a duration such as 30m, 12h or 7d, got "1 hour"']]],
    ['labels that are not a list', { ...good, labels: 'a' }, [[`${at}.labels`, 'must be a list, got the value "a"']]],
    ['a label that is not a string', { ...good, labels: ['a', { b: 1 }] }, [[`${at}.labels.1`, 'must be a string']]],
    ['an unknown key in the labels object', { ...good, labels: { values: ['a'], update: false } }, [[`${at}.labels.update`, 'unknown field (expected one of: values, enable_update)']]],
    ['a summary object with a bad enable_update', { ...good, summary: { template: 'x', enable_update: 'sometimes' } }, [[`${at}.summary.enable_update`, 'must be true or false, got the value "sometimes"']]],
    ['fields that are not a mapping', { ...good, fields: ['a'] }, [[`${at}.fields`, 'must be a mapping, got a list']]],
    ['custom_fields, the JSON name Alertmanager does not read from YAML', { ...good, custom_fields: {} }, [[`${at}.custom_fields`, expect.stringMatching(/^unknown field \(expected one of: api_url, .*fields, send_resolved, http_config\)$/) as string]]],
    ['a global api_url that is not a URL', { project: 'OPS', issue_type: 'Bug' }, [[at, 'global.jira_api_url must be an absolute http:// or https:// URL, got "jira"']]],
  ])('reports %s with its path', (name, given, expected) => {
    expect(problemsOf(given, name.startsWith('a global') ? { jira_api_url: 'jira' } : {})).toEqual(expected);
  });

  it('accepts Alertmanager\'s full set of keys, and a templated project', () => {
    expect(problemsOf({
      ...good, project: '{{ .CommonLabels.team }}', api_type: 'cloud', summary: 'x', description: { template: 'y', enable_update: false }, labels: ['a'], priority: 'High',
      reopen_transition: 'Reopen', resolve_transition: 'Done', wont_fix_resolution: "Won't Do", reopen_duration: '7d', fields: { customfield_1: { value: 'x' } }, send_resolved: false,
      http_config: { basic_auth: { username: email, password: apiToken } },
    })).toEqual([]);
    expect(buildOne('jira_configs', good).integration.sendResolved).toBe(true);
  });
});
