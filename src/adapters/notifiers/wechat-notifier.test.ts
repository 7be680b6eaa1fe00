import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type RecordedRequest } from '../../../test/support/notification-receivers.js';
import { fakeWechat, fakeWechatAgentId, fakeWechatCorpId, fakeWechatSecret } from '../../../test/support/receiver-checks/wechat.js';
import { useTempTrees } from '../../../test/support/temp-tree.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { buildReceiverNotifiers } from './index.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { defaultWechatApiUrl, wechatContentLimitBytes, wechatTokenMaxAgeMs } from './wechat-notifier.js';

const apiUrl = (url: string): string => {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname === '/hook' ? '/cgi-bin' : pathname}/`;
};
const entry = (url: string, more: Mapping = {}): Mapping => ({ api_url: apiUrl(url), api_secret: fakeWechatSecret, corp_id: fakeWechatCorpId, agent_id: fakeWechatAgentId, ...more });
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const calls = (requests: RecordedRequest[]): string[] => requests.map((request) => `${request.method} ${new URL(request.path, 'http://x').pathname}`);
const writeTree = useTempTrees('wechat-test-');

interface WechatBody {
  touser?: string;
  toparty?: string;
  totag?: string;
  agentid: string;
  msgtype: string;
  safe: string;
  text: { content: string };
  markdown: { content: string };
}

// Every send starts with GET gettoken (a new notifier has no token), then POSTs message/send:
// two requests, and the answers the contract maps are the gettoken call's. Its first case also
// expects the first request to be a POST, which cannot hold here (see the report).
registerHttpNotifierCases({
  key: 'wechat_configs',
  channel: 'wechat',
  entry: (url) => entry(url),
  firstMethod: 'GET',
  requestsPerSend: 2,
  onReceiver: (url) => fakeWechat(url).reset(),
});

describe('wechat_configs requests', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  async function startWechat() {
    const receiver = await startNotificationReceiver(servers, 'wechat');
    const wechat = fakeWechat(receiver.url);
    wechat.reset();
    return { receiver, wechat };
  }

  it("fetches a token with GET gettoken, then POSTs Alertmanager's message/send body", async () => {
    const { receiver, wechat } = await startWechat();
    const result = await send(buildOne('wechat_configs', entry(receiver.url)));
    expect(result).toEqual({ ok: true, status: 200 });
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], []]);
    expect(calls(receiver.requests)).toEqual(['GET /cgi-bin/gettoken', 'POST /cgi-bin/message/send']);
    const [token, message] = receiver.requests;
    expect(new URL(token?.path ?? '', 'http://x').searchParams.get('corpid')).toBe(fakeWechatCorpId);
    expect(new URL(message?.path ?? '', 'http://x').searchParams.get('access_token')).toBe(wechat.tokens[0]);
    expect(message?.headers['content-type']).toBe('application/json');
    expect(message?.headers['idempotency-key']).toBe('ntf-0001-a');
    const body = message?.parsed as WechatBody;
    expect(Object.keys(body)).toEqual(['text', 'touser', 'agentid', 'safe', 'msgtype', 'markdown']);
    expect(body).toMatchObject({ touser: '@all', agentid: fakeWechatAgentId, safe: '0', msgtype: 'text', markdown: { content: '' } });
    const text = body.text.content;
    expect(text.split('\n')[0]).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(text).toContain('FIRING: HighLatency - p99 latency above 500 ms');
    expect(text).toContain('Where: ');
    expect(text).toContain('Since: ');
    expect(text).toContain('Runbook: https://runbooks.example.com/high-latency');
    expect(text).toContain('Acknowledge: https://sre.example.com/ack/abc.def');
    expect(text).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
    expect(wechat.messages).toHaveLength(1);
  });

  it('keeps the token for two hours (by the clock), then fetches a new one', async () => {
    const { receiver, wechat } = await startWechat();
    const built = buildOne('wechat_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: true });
    expect(await send(built)).toMatchObject({ ok: true });
    expect(calls(receiver.requests)).toEqual(['GET /cgi-bin/gettoken', 'POST /cgi-bin/message/send', 'POST /cgi-bin/message/send']);
    built.clock.advanceMs(wechatTokenMaxAgeMs + 1000);
    expect(await send(built)).toMatchObject({ ok: true });
    expect(calls(receiver.requests).slice(3)).toEqual(['GET /cgi-bin/gettoken', 'POST /cgi-bin/message/send']);
    expect(wechat.tokens).toHaveLength(2);
    expect(new URL(receiver.requests[4]?.path ?? '', 'http://x').searchParams.get('access_token')).toBe(wechat.tokens[1]);
  });

  it.each([
    ['expired (42001)', 42001, (wechat: ReturnType<typeof fakeWechat>) => wechat.expireTokens()],
    ['invalid (40014)', 40014, (wechat: ReturnType<typeof fakeWechat>) => wechat.reset()],
  ])('drops a token WeChat calls %s: the send fails retryable and the next attempt fetches a new token', async (_name, errcode, spoil) => {
    const { receiver, wechat } = await startWechat();
    const built = buildOne('wechat_configs', entry(receiver.url));
    expect(await send(built)).toMatchObject({ ok: true });
    const oldToken = wechat.tokens[0] ?? '';
    spoil(wechat);
    const failed = await send(built);
    expect(failed).toMatchObject({ ok: false, retryable: true, reason: 'auth' });
    const message = failed.ok ? '' : failed.message;
    expect(message).toContain(`errcode ${errcode}`);
    expect(message).not.toContain(oldToken);
    expect(message).not.toContain(fakeWechatSecret);
    expect(await send(built)).toMatchObject({ ok: true });
    expect(calls(receiver.requests).slice(-2)).toEqual(['GET /cgi-bin/gettoken', 'POST /cgi-bin/message/send']);
  });

  it('refuses without retry when WeChat does not accept the corp id or secret, and never shows the secret', async () => {
    const { receiver } = await startWechat();
    const wrongCorp = await send(buildOne('wechat_configs', entry(receiver.url, { corp_id: 'ww-unknown' })));
    expect(wrongCorp).toMatchObject({ ok: false, retryable: false, reason: 'auth', message: expect.stringContaining('errcode 40013 (invalid corpid)') as unknown });
    const wrongSecret = await send(buildOne('wechat_configs', entry(receiver.url, { api_secret: 'not-the-secret-value' })));
    expect(wrongSecret).toMatchObject({ ok: false, retryable: false, reason: 'auth', message: expect.stringContaining('errcode 40001') as unknown });
    expect(wrongSecret.ok ? '' : wrongSecret.message).not.toContain('not-the-secret-value');
    expect(calls(receiver.requests)).toEqual(['GET /cgi-bin/gettoken', 'GET /cgi-bin/gettoken']);
  });

  it('reports another errcode on send as a client failure with errcode and errmsg, never the token or secret', async () => {
    const { receiver, wechat } = await startWechat();
    const built = buildOne('wechat_configs', entry(receiver.url));
    receiver.reply({ status: 200, body: JSON.stringify({ errcode: 0, errmsg: 'ok', access_token: `tok-echo-${fakeWechatSecret}`, expires_in: 7200 }) });
    receiver.reply({ status: 200, body: JSON.stringify({ errcode: 40003, errmsg: `invalid userid, hint: token tok-echo-${fakeWechatSecret}` }) });
    const result = await send(built);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 200 });
    const message = result.ok ? '' : result.message;
    expect(message).toContain('errcode 40003 (invalid userid');
    expect(message).not.toContain(fakeWechatSecret);
    expect(message).not.toContain('tok-echo');
    expect(wechat.messages).toHaveLength(0);
  });

  it('retries an answer that is not JSON and maps -1 (system busy) to a retryable failure', async () => {
    const { receiver } = await startWechat();
    receiver.reply({ status: 200, body: '<html>gateway</html>' });
    expect(await send(buildOne('wechat_configs', entry(receiver.url)))).toMatchObject({ ok: false, retryable: true, reason: 'server' });
    receiver.reply({ status: 200, body: '{"errcode":-1,"errmsg":"system busy"}' });
    expect(await send(buildOne('wechat_configs', entry(receiver.url)))).toMatchObject({ ok: false, retryable: true, reason: 'server' });
  });

  it('does not send resolved notifications by default (as Alertmanager), and says RESOLVED when send_resolved is true', async () => {
    const { receiver } = await startWechat();
    expect(buildOne('wechat_configs', entry(receiver.url)).integration.notifier.sendResolved).toBe(false);
    const built = buildOne('wechat_configs', entry(receiver.url, { send_resolved: true }));
    expect(built.integration.notifier.sendResolved).toBe(true);
    expect(await send(built, resolvedNotification())).toMatchObject({ ok: true });
    const body = receiver.requests[1]?.parsed as WechatBody;
    expect(body.text.content.split('\n')[0]).toMatch(/^\[RESOLVED\]/);
    expect(body.text.content).toContain('RESOLVED: HighLatency');
    expect(body.text.content).not.toContain('Acknowledge:');
  });

  it('sends the same body and Idempotency-Key each time the same notification is retried', async () => {
    const { receiver } = await startWechat();
    const built = buildOne('wechat_configs', entry(receiver.url));
    await send(built);
    await send(built);
    const posts = receiver.requests.filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]?.body).toBe(posts[1]?.body);
    expect(posts.map((request) => request.headers['idempotency-key'])).toEqual(['ntf-0001-a', 'ntf-0001-a']);
  });

  it('keeps many alerts within 2,048 bytes: whole alerts, then a count of those left out', async () => {
    const { receiver } = await startWechat();
    const alerts = Array.from({ length: 40 }, (_, index) => baseAlert({ fingerprint: index.toString(16).padStart(16, '0'), labels: { alertname: 'DiskFull', instance: `db-${index}:9100`, severity: 'warning' } }));
    expect(await send(buildOne('wechat_configs', entry(receiver.url)), baseNotification({ alerts, truncatedAlerts: 5 }))).toMatchObject({ ok: true });
    expect(receiver.requests[1]?.problems).toEqual([]);
    const text = (receiver.requests[1]?.parsed as WechatBody).text.content;
    expect(bytes(text)).toBeLessThanOrEqual(wechatContentLimitBytes);
    const shown = text.split('FIRING: DiskFull').length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`...and ${40 - shown + 5} more alert(s) not shown.`);
  });

  it('cuts a long template rendering to 2,048 bytes on a UTF-8 boundary, as markdown too', async () => {
    const { receiver } = await startWechat();
    const message = `{{ range .Alerts }}${'告警'.repeat(200)}{{ end }}`;
    const alerts = Array.from({ length: 5 }, () => baseAlert());
    expect(await send(buildOne('wechat_configs', entry(receiver.url, { message, message_type: 'markdown' })), baseNotification({ alerts }))).toMatchObject({ ok: true });
    expect(receiver.requests[1]?.problems).toEqual([]);
    const body = receiver.requests[1]?.parsed as WechatBody;
    expect(body.msgtype).toBe('markdown');
    expect(body.text.content).toBe('');
    expect(bytes(body.markdown.content)).toBeLessThanOrEqual(wechatContentLimitBytes);
    expect(body.markdown.content.endsWith('告…')).toBe(true);
    expect(body.markdown.content).not.toContain('\uFFFD');
  });

  it('renders templates for message, to_user, to_party, to_tag, agent_id and corp_id; a failing message template sends the default', async () => {
    const { receiver } = await startWechat();
    const built = buildOne('wechat_configs', entry(receiver.url, {
      message: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.service }}',
      to_user: '{{ .CommonLabels.service }}-oncall|zhangsan',
      to_party: '{{ if eq .CommonLabels.severity "critical" }}2|3{{ end }}',
      to_tag: '7',
      agent_id: '{{ "1000002" }}',
      corp_id: `{{ "${fakeWechatCorpId}" }}`,
    }));
    expect(await send(built)).toMatchObject({ ok: true });
    expect(receiver.requests[1]?.problems).toEqual([]);
    expect(receiver.requests[1]?.parsed).toMatchObject({ text: { content: 'HighLatency on checkout' }, touser: 'checkout-oncall|zhangsan', toparty: '2|3', totag: '7', agentid: '1000002' });
    const broken = buildOne('wechat_configs', entry(receiver.url, { message: '{{ .Nope.Deeper }' }));
    expect(await send(broken)).toMatchObject({ ok: true });
    expect((receiver.requests.at(-1)?.parsed as WechatBody).text.content).toContain('FIRING: HighLatency');
    expect(broken.templateErrors).toHaveLength(1);
    expect(broken.templateErrors[0]).toContain('wechat_configs[0].message');
  });

  it('reads api_secret_file at send time and takes global wechat_api_url, wechat_api_secret_file and wechat_api_corp_id', async () => {
    const { receiver } = await startWechat();
    const dir = await writeTree({ secret: `${fakeWechatSecret}\n` });
    const own = buildOne('wechat_configs', entry(receiver.url, { api_secret: undefined, api_secret_file: `${dir}/secret` }));
    expect(await send(own)).toMatchObject({ ok: true });
    const global = { wechat_api_url: apiUrl(receiver.url).replace(/\/$/, ''), wechat_api_secret_file: `${dir}/secret`, wechat_api_corp_id: fakeWechatCorpId };
    const fromGlobal = buildOne('wechat_configs', { agent_id: fakeWechatAgentId, to_party: '5' }, { global });
    expect(await send(fromGlobal)).toMatchObject({ ok: true });
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], [], []]);
    expect(receiver.requests[3]?.parsed).not.toHaveProperty('touser');
    const missing = buildOne('wechat_configs', entry(receiver.url, { api_secret: undefined, api_secret_file: `${dir}/gone` }));
    expect(await send(missing)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('cannot read secret file') as unknown });
  });

  it('has a stand-in that refuses what WeChat refuses (so the tests above can fail)', async () => {
    const { receiver, wechat } = await startWechat();
    expect(await send(buildOne('wechat_configs', entry(receiver.url)))).toMatchObject({ ok: true });
    const token = wechat.tokens[0] ?? '';
    const good = receiver.requests[1]?.parsed as Record<string, unknown>;
    const post = async (body: unknown, query = `access_token=${token}`) =>
      fetch(`${new URL(receiver.url).origin}/cgi-bin/message/send?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cases: Array<[unknown, string, string?]> = [
      [{ ...good, msgtype: 'news' }, 'errcode 40008'],
      [{ ...good, agentid: undefined }, 'errcode 41011'],
      [{ ...good, agentid: 'abc' }, 'errcode 40056'],
      [{ ...good, touser: undefined }, 'errcode 40035'],
      [{ ...good, toparty: 'ops' }, 'errcode 40031'],
      [{ ...good, text: { content: '' } }, 'errcode 44004'],
      [{ ...good, text: { content: 'x'.repeat(2049) } }, 'errcode 45002'],
      [{ ...good, extra: 1 }, 'errcode 47001'],
      [good, 'errcode 40014', 'access_token=nope'],
    ];
    for (const [body, problem, query] of cases) {
      const answer = (await (await post(body, query)).json()) as { errcode: number };
      expect(answer.errcode).not.toBe(0);
      expect(receiver.requests.at(-1)?.problems.join()).toContain(problem);
    }
    await fetch(`${new URL(receiver.url).origin}/cgi-bin/gettoken?corpid=${fakeWechatCorpId}`);
    expect(receiver.requests.at(-1)?.problems.join()).toContain('errcode 41004');
  });

  it("uses WeChat's own API by default", () => {
    expect(defaultWechatApiUrl).toBe('https://qyapi.weixin.qq.com/cgi-bin/');
  });
});

describe('wechat_configs config problems', () => {
  const problemsOf = (entries: Mapping[], global: Mapping = {}) =>
    buildReceiverNotifiers([{ name: 'chat', integrations: { wechat_configs: entries } }], { timeoutMs: 1000, clock: { nowMs: () => 0 }, userAgent: 'test', global }).problems.map((problem) => [problem.path.join('.'), problem.message]);
  const ok = { api_secret: 's', corp_id: 'c', agent_id: '1' };
  const at = 'receivers.0.wechat_configs.0';

  it.each<[string, Mapping, Array<[string, string]>]>([
    ['nothing set', {}, [
      [at, 'missing api_secret (set api_secret or api_secret_file here, or global.wechat_api_secret or global.wechat_api_secret_file)'],
      [at, 'missing corp_id (set corp_id here or global.wechat_api_corp_id)'],
      [at, 'missing agent_id (the id of the WeChat Work application that sends the messages)'],
    ]],
    ['both api_secret and api_secret_file', { ...ok, api_secret_file: '/x' }, [[`${at}.api_secret_file`, 'at most one of api_secret and api_secret_file may be set']]],
    ['a bad message_type', { ...ok, message_type: 'news' }, [[`${at}.message_type`, 'must be text or markdown, got "news"']]],
    ['a bad api_url', { ...ok, api_url: 'ftp://qyapi' }, [[`${at}.api_url`, 'must be an http:// or https:// URL, got ftp:']]],
    ['a send_resolved that is not a boolean', { ...ok, send_resolved: 'maybe' }, [[`${at}.send_resolved`, 'must be true or false, got the value "maybe"']]],
    ['an unknown key', { ...ok, touser: 'x' }, [[`${at}.touser`, 'unknown field (expected one of: api_url, api_secret, api_secret_file, corp_id, agent_id, to_user, to_party, to_tag, message, message_type, send_resolved, http_config)']]],
  ])('reports %s with its path', (_name, given, expected) => {
    expect(problemsOf([given])).toEqual(expected);
  });

  it('takes secret and corp id from global:, and reports a bad global.wechat_api_url at its own path', () => {
    expect(problemsOf([{ agent_id: '1' }], { wechat_api_secret: 's', wechat_api_corp_id: 'c' })).toEqual([]);
    expect(problemsOf([ok], { wechat_api_url: 'ftp://wechat' })).toEqual([['global.wechat_api_url', 'must be an http:// or https:// URL, got ftp:']]);
  });
});
