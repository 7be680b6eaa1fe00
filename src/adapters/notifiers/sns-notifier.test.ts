import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers, type LocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type RecordedRequest } from '../../../test/support/notification-receivers.js';
import { parseForm, snsErrorAnswer, snsTestCredentials, verifySigV4, type FormRequest } from '../../../test/support/receiver-checks/sns.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { cutToBytes, sha256Hex, snsSubject } from './sns-notifier.js';

const { longTerm, temporary } = snsTestCredentials;
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:alerts';
const keys = { access_key: longTerm.accessKeyId, secret_key: longTerm.secretAccessKey };
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: url, topic_arn: topicArn, sigv4: keys, ...more });

let directory = '';
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-sns-'));
  // Nothing from the machine running the tests: no AWS keys, profiles, regions or endpoints.
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SNS', 'AWS_ENDPOINT_URL_STS']) vi.stubEnv(name, '');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(directory, 'no-credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', path.join(directory, 'no-config'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(directory, { recursive: true, force: true });
});

registerHttpNotifierCases({ key: 'sns_configs', channel: 'sns', entry: (url) => entry(url) });

const paramsOf = (request: RecordedRequest | undefined): Record<string, string> => (request?.parsed as FormRequest).params;
const attributesOf = (params: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let index = 1; params[`MessageAttributes.entry.${index}.Name`] !== undefined; index += 1) {
    expect(params[`MessageAttributes.entry.${index}.Value.DataType`]).toBe('String');
    out[params[`MessageAttributes.entry.${index}.Name`] ?? ''] = params[`MessageAttributes.entry.${index}.Value.StringValue`] ?? '';
  }
  return out;
};
const scopeOf = (headers: IncomingHttpHeaders): string => /Credential=([^,]+),/.exec(String(headers.authorization))?.[1] ?? '';

describe('sns_configs Publish requests', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('publishes a firing group to the topic, signed for sns in the ARN region, with the title as Subject', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const result = await send(buildOne('sns_configs', entry(receiver.url)));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(result).toEqual({ ok: true, status: 200 });
    const request = receiver.requests[0];
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(request?.headers['idempotency-key']).toBe('ntf-0001-a');
    expect(scopeOf(request?.headers ?? {})).toBe(`${longTerm.accessKeyId}/20260101/eu-west-1/sns/aws4_request`);
    expect(request?.headers['x-amz-date']).toBe('20260101T100100Z');
    const params = paramsOf(request);
    expect(params).toMatchObject({ Action: 'Publish', Version: '2010-03-31', TopicArn: topicArn, Subject: '[FIRING:1] HighLatency (api-1:9100 checkout critical)' });
    expect(params.Message).toMatch(/^\[FIRING:1\] HighLatency \(api-1:9100 checkout critical\)\n\nFIRING: HighLatency - p99 latency above 500 ms\n/);
    for (const text of ['Where: service=checkout instance=api-1:9100', 'Runbook: https://runbooks.example.com/high-latency', 'Acknowledge: https://sre.example.com/ack/abc.def', 'Dashboard: https://sre.example.com/alerts?group=abc']) expect(params.Message).toContain(text);
    expect(attributesOf(params)).toEqual({});
    expect(params.MessageGroupId).toBeUndefined();
  });

  it('publishes resolved groups too unless send_resolved is false', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    expect(buildOne('sns_configs', entry(receiver.url)).integration.sendResolved).toBe(true);
    expect(buildOne('sns_configs', entry(receiver.url, { send_resolved: false })).integration.sendResolved).toBe(false);
    expect(await send(buildOne('sns_configs', entry(receiver.url)), resolvedNotification())).toMatchObject({ ok: true });
    const params = paramsOf(receiver.requests[0]);
    expect(params.Subject).toBe('[RESOLVED] HighLatency (api-1:9100 checkout critical)');
    expect(params.Message).toContain('Resolved: 2026-01-01 10:15:00 UTC');
  });

  it('sends SMS to phone_number with the short text, and mobile pushes to target_arn', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    await send(buildOne('sns_configs', { api_url: receiver.url, phone_number: '+15555550100', sigv4: { ...keys, region: 'us-east-1' } }));
    const target = 'arn:aws:sns:us-west-2:123456789012:endpoint/GCM/oncall-app/5e3e9847-3183-3f18-a7e8-671c3a57d4b3';
    await send(buildOne('sns_configs', { api_url: receiver.url, target_arn: target, sigv4: keys }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect(paramsOf(receiver.requests[0])).toMatchObject({ PhoneNumber: '+15555550100', Message: expect.stringMatching(/^\[FIRING:1\] HighLatency .* - p99 latency above 500 ms - service=checkout instance=api-1:9100 - since 2026-01-01 10:00:00 UTC - Ack: https:\/\/sre\.example\.com\/ack\/abc\.def$/) as unknown });
    expect(scopeOf(receiver.requests[0]?.headers ?? {})).toContain('/us-east-1/sns/');
    expect(paramsOf(receiver.requests[1])).toMatchObject({ TargetArn: target });
    expect(scopeOf(receiver.requests[1]?.headers ?? {})).toContain('/us-west-2/sns/');
  });

  it('gives a FIFO topic the group hash as MessageGroupId and the notification hash as MessageDeduplicationId', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const built = buildOne('sns_configs', entry(receiver.url, { topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts.fifo' }));
    await send(built);
    await send(built);
    await send(built, resolvedNotification({ idempotencyKey: 'ntf-0002-a' }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], []]);
    const [first, retry, resolved] = receiver.requests.map(paramsOf);
    const groupHash = sha256Hex('{}/{severity="critical"}:{alertname="HighLatency"}');
    expect([first?.MessageGroupId, retry?.MessageGroupId, resolved?.MessageGroupId]).toEqual([groupHash, groupHash, groupHash]);
    expect(first?.MessageDeduplicationId).toBe(sha256Hex('ntf-0001-a'));
    expect(retry?.MessageDeduplicationId).toBe(first?.MessageDeduplicationId);
    expect(resolved?.MessageDeduplicationId).toBe(sha256Hex('ntf-0002-a'));
  });

  it('cuts a large message to 256 KiB with its attributes, never inside a character, and marks it truncated', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const alerts = Array.from({ length: 300 }, (_unused, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), annotations: { description: 'é€😀'.repeat(120) } }));
    const attributes = { severity: '{{ .CommonLabels.severity }}', detail: 'x'.repeat(5000) };
    expect(await send(buildOne('sns_configs', entry(receiver.url, { attributes })), baseNotification({ alerts }))).toMatchObject({ ok: true });
    await send(buildOne('sns_configs', { api_url: receiver.url, phone_number: '+15555550100', sigv4: { ...keys, region: 'us-east-1' }, message: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}' }), baseNotification({ alerts }));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    const params = paramsOf(receiver.requests[0]);
    expect(attributesOf(params)).toEqual({ detail: 'x'.repeat(5000), severity: 'critical', truncated: 'true' });
    expect(Buffer.byteLength(params.Message ?? '') + 'detailString'.length + 5000 + 'severityStringcritical'.length + 'truncatedStringtrue'.length).toBeLessThanOrEqual(262_144);
    expect(Buffer.byteLength(params.Message ?? '')).toBeGreaterThan(250_000);
    expect(params.Message).not.toContain('\uFFFD');
    const sms = paramsOf(receiver.requests[1]);
    expect(Buffer.byteLength(sms.Message ?? '')).toBeLessThanOrEqual(1600);
    expect(Buffer.byteLength(sms.Message ?? '')).toBeGreaterThan(1590);
    expect(attributesOf(sms)).toEqual({ truncated: 'true' });
  });

  it('keeps the Subject within SNS rules: no line breaks or control characters, under 100 characters; subject: "" sends none', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    await send(buildOne('sns_configs', entry(receiver.url, { subject: '{{ .Status }}\n\t{{ .CommonAnnotations.summary }}\u0007 {{ range .Alerts }}{{ .Labels.instance }} {{ .Labels.instance }} {{ .Labels.instance }} {{ .Labels.instance }} {{ .Labels.instance }} {{ .Labels.instance }} {{ .Labels.instance }} {{ .Labels.instance }}{{ end }}' })));
    await send(buildOne('sns_configs', entry(receiver.url, { subject: '' })));
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    const subject = paramsOf(receiver.requests[0]).Subject ?? '';
    expect(subject).toMatch(/^firing p99 latency above 500 ms api-1:9100 api-1:9100 /);
    expect(Array.from(subject)).toHaveLength(99);
    expect(subject.endsWith('…')).toBe(true);
    expect(paramsOf(receiver.requests[1]).Subject).toBeUndefined();
  });

  it('renders subject, message and attributes; a failing template sends the default and is logged', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const built = buildOne('sns_configs', entry(receiver.url, {
      subject: '{{ .CommonLabels.alertname }} is {{ .Status }}',
      message: '{{ template "sns.default.message" . }}\nTeam: {{ .CommonLabels.service }}',
      attributes: { severity: '{{ .CommonLabels.severity }}', empty: '{{ .CommonLabels.nothing }}', broken: '{{ template "nope" . }}', '{{ .CommonLabels.service }}_team': 'db' },
    }));
    await send(built);
    const params = paramsOf(receiver.requests[0]);
    expect(params.Subject).toBe('HighLatency is firing');
    expect(params.Message).toMatch(/^\[FIRING:1\] HighLatency .*\n\nFIRING: HighLatency[\s\S]*\nTeam: checkout$/);
    expect(attributesOf(params)).toEqual({ checkout_team: 'db', severity: 'critical' });
    expect(built.templateErrors).toEqual([
      expect.stringContaining('attributes.broken: template "nope" not defined') as unknown,
      expect.stringContaining('attributes.empty: renders empty') as unknown,
    ]);
    const broken = buildOne('sns_configs', entry(receiver.url, { message: '{{ template "nope" . }}', subject: '{{ template "missing" . }}' }));
    expect(await send(broken)).toMatchObject({ ok: true });
    expect(paramsOf(receiver.requests[1]).Message).toMatch(/^\[FIRING:1\] HighLatency/);
    expect(broken.templateErrors).toHaveLength(2);
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
  });

  it('renders a templated topic_arn; one that fails to render is a config failure, not a Publish', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    await send(buildOne('sns_configs', entry(receiver.url, { topic_arn: 'arn:aws:sns:eu-west-1:123456789012:{{ .CommonLabels.service }}-alerts' })));
    expect(paramsOf(receiver.requests[0]).TopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:checkout-alerts');
    const result = await send(buildOne('sns_configs', entry(receiver.url, { topic_arn: '{{ template "nope" . }}' })));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('the topic_arn template does not render') as unknown });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('sns_configs credentials and region', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('reads secret_key_file at send time', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const file = path.join(directory, 'secret');
    await writeFile(file, `${longTerm.secretAccessKey}\n`);
    const built = buildOne('sns_configs', entry(receiver.url, { sigv4: { access_key: longTerm.accessKeyId, secret_key_file: file } }));
    expect(await send(built)).toMatchObject({ ok: true });
    await writeFile(file, 'rotated-but-wrong');
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'auth', status: 403, message: expect.stringContaining('SignatureDoesNotMatch') as unknown });
    await rm(file);
    expect(await send(built)).toMatchObject({ ok: false, reason: 'config', message: expect.stringContaining(`cannot read secret file ${file}`) as unknown });
  });

  it('falls back to the AWS_* environment variables, read at send time, session token included', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const built = buildOne('sns_configs', { api_url: receiver.url, topic_arn: topicArn });
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('no AWS credentials') as unknown });
    vi.stubEnv('AWS_ACCESS_KEY_ID', temporary.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', temporary.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', temporary.sessionToken);
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.headers['x-amz-security-token']).toBe(temporary.sessionToken);
  });

  it('reads sigv4.profile (and its region) from the shared credentials and config files', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const credentials = path.join(directory, 'credentials');
    const config = path.join(directory, 'config');
    await writeFile(credentials, `[default]\naws_access_key_id = AKIADEFAULTDEFAULT00\naws_secret_access_key = nope\n\n[alerting]\naws_access_key_id = ${longTerm.accessKeyId}\naws_secret_access_key = ${longTerm.secretAccessKey}\n`);
    await writeFile(config, '[profile alerting]\nregion = ap-southeast-2\ns3 =\n  max_concurrent_requests = 10\n\n[profile sso]\nsso_session = corp\n');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
    vi.stubEnv('AWS_CONFIG_FILE', config);
    // Environment keys are not used when a profile is named (the AWS SDK's order).
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENT00000');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'nope');
    expect(await send(buildOne('sns_configs', { api_url: receiver.url, phone_number: '+15555550100', sigv4: { profile: 'alerting' } }))).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(scopeOf(receiver.requests[0]?.headers ?? {})).toBe(`${longTerm.accessKeyId}/20260101/ap-southeast-2/sns/aws4_request`);
    expect(await send(buildOne('sns_configs', { api_url: receiver.url, topic_arn: topicArn, sigv4: { profile: 'sso' } }))).toMatchObject({ reason: 'config', message: 'AWS profile "sso" has no aws_access_key_id and aws_secret_access_key; it uses sso_session, which sre-monitor does not read (set sigv4.role_arn for a role)' });
    expect(await send(buildOne('sns_configs', { api_url: receiver.url, topic_arn: topicArn, sigv4: { profile: 'missing' } }))).toMatchObject({ reason: 'config', message: expect.stringContaining('AWS profile "missing" (sigv4.profile) is not in') as unknown });
  });

  it('reports a missing region as a config failure; AWS_REGION gives one', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const built = buildOne('sns_configs', { api_url: receiver.url, phone_number: '+15555550100', sigv4: keys });
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('no AWS region: set sigv4.region') as unknown });
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    expect(await send(built)).toMatchObject({ ok: true });
    expect(scopeOf(receiver.requests[0]?.headers ?? {})).toContain('/eu-central-1/sns/');
  });

  it('signs with SigV4 even when global.http_config sets an Authorization', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const built = buildOne('sns_configs', entry(receiver.url), { global: { http_config: { authorization: { credentials: 'global-token' } } } });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(String(receiver.requests[0]?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});

interface StsStandIn {
  url: string;
  requests: Array<{ params: Record<string, string>; problems: string[] }>;
}

/** STS's AssumeRole on 127.0.0.1: checks the call (signed for sts with the long-term key) and hands out the temporary test credentials. */
async function startSts(servers: LocalServers): Promise<StsStandIn> {
  const requests: StsStandIn['requests'] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problems: string[] = [];
      const scope = verifySigV4({ method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body }, 'sts', problems);
      if (scope !== undefined && scope.accessKeyId !== longTerm.accessKeyId) problems.push('credentials: AssumeRole must be signed with the base credentials');
      const { params } = parseForm(body);
      if (params.Action !== 'AssumeRole' || params.Version !== '2011-06-15') problems.push('Action=AssumeRole&Version=2011-06-15');
      if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(params.RoleArn ?? '')) problems.push('RoleArn');
      if (!/^[\w+=,.@-]{2,64}$/.test(params.RoleSessionName ?? '')) problems.push('RoleSessionName');
      const duration = Number(params.DurationSeconds ?? '3600');
      if (!(duration >= 900 && duration <= 43_200)) problems.push('DurationSeconds');
      requests.push({ params, problems });
      if (problems.length > 0) {
        const answer = snsErrorAnswer(problems, 'https://sts.amazonaws.com/doc/2011-06-15/');
        response.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' }).end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:${params.RoleSessionName}</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/alerting/${params.RoleSessionName}</Arn></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${temporary.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${temporary.secretAccessKey}</SecretAccessKey>
      <SessionToken>${temporary.sessionToken.replace(/&/g, '&amp;')}</SessionToken>
      <Expiration>2026-01-01T10:16:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>
`);
    });
  });
  return { url: `http://${await servers.listen(server)}/`, requests };
}

describe('sns_configs sigv4.role_arn', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());
  const roleArn = 'arn:aws:iam::123456789012:role/alerting';

  it('assumes the role through STS (AWS_ENDPOINT_URL_STS) and signs the Publish with its temporary credentials, kept until they expire', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const sts = await startSts(servers);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
    const built = buildOne('sns_configs', entry(receiver.url, { sigv4: { ...keys, role_arn: roleArn, external_id: 'sre-42', session_name: 'sre-monitor', tags: { team: 'sre' } } }));
    expect(await send(built)).toMatchObject({ ok: true });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(sts.requests).toHaveLength(1);
    expect(sts.requests[0]).toEqual({
      params: { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: roleArn, RoleSessionName: 'sre-monitor', DurationSeconds: '900', ExternalId: 'sre-42', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'sre' },
      problems: [],
    });
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect(scopeOf(receiver.requests[0]?.headers ?? {})).toMatch(new RegExp(`^${temporary.accessKeyId}/`));
    // A minute before the expiry the role is assumed again.
    built.clock.advanceMs(14 * 60_000);
    expect(await send(built)).toMatchObject({ ok: true });
    expect(sts.requests).toHaveLength(2);
  });

  it('dead-letters an AssumeRole that STS refuses, naming the role and the error', async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const sts = await startSts(servers);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
    const result = await send(buildOne('sns_configs', entry(receiver.url, { sigv4: { ...keys, secret_key: 'wrong', role_arn: roleArn } })));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', status: 403, message: expect.stringMatching(new RegExp(`^STS AssumeRole ${roleArn}: HTTP 403 from 127\\.0\\.0\\.1:\\d+: SignatureDoesNotMatch: `)) as unknown });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('sns_configs answers', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());
  const xmlError = (code: string, message: string): string => `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>x</RequestId></ErrorResponse>`;

  it.each([
    [400, 'Throttling', 'Rate exceeded', { retryable: true, reason: 'rate_limited' }],
    [400, 'KMSThrottling', 'KMS is busy', { retryable: true, reason: 'rate_limited' }],
    [400, 'InvalidParameter', 'Invalid parameter: TopicArn', { retryable: false, reason: 'client' }],
    [404, 'NotFound', 'Topic does not exist', { retryable: false, reason: 'client' }],
    [403, 'AuthorizationError', 'User is not authorized to perform: SNS:Publish', { retryable: false, reason: 'auth' }],
    [500, 'InternalError', 'Internal failure', { retryable: true, reason: 'server' }],
  ])('maps HTTP %i %s', async (status, code, message, expected) => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    receiver.reply({ status, headers: { 'content-type': 'text/xml' }, body: xmlError(code, message) });
    const result = await send(buildOne('sns_configs', entry(receiver.url)));
    expect(result).toMatchObject({ ok: false, status, ...expected });
    expect(result.ok ? '' : result.message).toMatch(new RegExp(`^SNS Publish: HTTP ${status} from 127\\.0\\.0\\.1:\\d+: ${code}: ${message}$`));
  });

  it("dead-letters the stand-in's own refusal with SNS's code and message", async () => {
    const receiver = await startNotificationReceiver(servers, 'sns');
    const result = await send(buildOne('sns_configs', entry(receiver.url, { sigv4: { access_key: 'AKIAUNKNOWNKEY000000', secret_key: 'x' } })));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', status: 403, message: expect.stringContaining('InvalidClientTokenId: The security token included in the request is invalid.') as unknown });
  });
});

describe('sns_configs helpers', () => {
  it('cuts UTF-8 on a character boundary', () => {
    expect(cutToBytes('aé€😀', 3)).toEqual({ text: 'aé', cut: true });
    expect(cutToBytes('aé€😀', 5)).toEqual({ text: 'aé', cut: true });
    expect(cutToBytes('aé€😀', 6)).toEqual({ text: 'aé€', cut: true });
    expect(cutToBytes('aé', 3)).toEqual({ text: 'aé', cut: false });
  });

  it('makes a subject of one line under 100 characters', () => {
    expect(snsSubject('  a\r\nb\u2028c\u0000  d ')).toBe('a b c d');
    expect(Array.from(snsSubject('x'.repeat(150)))).toHaveLength(99);
    expect(snsSubject('\n\t')).toBe('');
  });
});

describe('sns_configs config problems', () => {
  const problemsOf = (entry: Mapping) => buildReceiverNotifiers([{ name: 'aws', integrations: { sns_configs: [entry] } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const at = (suffix = ''): string => `receivers.0.sns_configs.0${suffix}`;

  it('accepts every Alertmanager key', () => {
    expect(problemsOf({
      api_url: 'https://sns.eu-west-1.amazonaws.com',
      topic_arn: topicArn,
      subject: 's',
      message: 'm',
      attributes: { severity: 'critical' },
      send_resolved: false,
      use_aws_http_client: true,
      http_config: { proxy_url: 'http://proxy.example.com:3128' },
      sigv4: { region: 'eu-west-1', access_key: 'a', secret_key: 'b', profile: 'p', role_arn: 'arn:aws:iam::123456789012:role/r', external_id: 'e', session_name: 'sre', tags: { a: 'b' }, use_fips_sts_endpoint: false, service_name: 'sns' },
    })).toEqual([]);
  });

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['no destination', { sigv4: keys }, [[at(), 'missing topic_arn, phone_number or target_arn (exactly one must be set)']]],
    ['two destinations', { topic_arn: topicArn, phone_number: '+15555550100' }, [[at(), 'exactly one of topic_arn, phone_number and target_arn may be set (got topic_arn, phone_number)']]],
    ['a topic ARN that is not one', { topic_arn: 'alerts' }, [[at('.topic_arn'), 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)']]],
    ['a phone number that is not E.164', { phone_number: '555-0100' }, [[at('.phone_number'), 'must be a phone number in E.164 format (+ and up to 15 digits, such as +15555550100)']]],
    ['a target ARN of another service', { target_arn: 'arn:aws:sqs:eu-west-1:123456789012:q' }, [[at('.target_arn'), 'must be an SNS ARN (arn:aws:sns:<region>:<account>:...)']]],
    ['a bad api_url', { topic_arn: topicArn, api_url: 'sns.amazonaws.com' }, [[at('.api_url'), 'must be an absolute URL (http:// or https://)']]],
    ['an access key without its secret', { topic_arn: topicArn, sigv4: { access_key: 'a' } }, [[at('.sigv4'), 'access_key and secret_key (or secret_key_file) must be set together']]],
    ['a bad region', { topic_arn: topicArn, sigv4: { region: 'Ireland' } }, [[at('.sigv4.region'), 'must be an AWS region such as us-east-1, got "Ireland"']]],
    ['a bad role ARN', { topic_arn: topicArn, sigv4: { role_arn: 'alerting' } }, [[at('.sigv4.role_arn'), 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)']]],
    ['external_id without role_arn', { topic_arn: topicArn, sigv4: { external_id: 'x' } }, [[at('.sigv4.external_id'), 'external_id can only be used with role_arn']]],
    ['an unknown sigv4 key', { topic_arn: topicArn, sigv4: { secret: 'x' } }, [[at('.sigv4.secret'), expect.stringContaining('unknown')]]],
    ['a reserved attribute name', { topic_arn: topicArn, attributes: { 'AWS.trace': 'x', 'a..b': 'y' } }, [[at('.attributes.AWS.trace'), 'attribute names must not start with "AWS." or "Amazon."'], [at('.attributes.a..b'), 'an attribute name has 1-256 letters, digits, _, - and ., and no leading, trailing or double .']]],
    ['both secret_key forms', { topic_arn: topicArn, sigv4: { access_key: 'a', secret_key: 'b', secret_key_file: '/s' } }, [[at('.sigv4.secret_key_file'), 'at most one of secret_key and secret_key_file may be set']]],
    ['an unknown key', { topic_arn: topicArn, topic: 'x' }, [[at('.topic'), 'unknown field (expected one of: api_url, sigv4, topic_arn, phone_number, target_arn, subject, message, attributes, send_resolved, http_config, use_aws_http_client)']]],
    ['a non-boolean use_aws_http_client', { topic_arn: topicArn, use_aws_http_client: 'sometimes' }, [[at('.use_aws_http_client'), 'must be true or false, got the value "sometimes"']]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf(given)).toEqual(expected);
  });
});
