/**
 * `wechat_configs`: WeChat Work (企业微信) application messages, as Alertmanager sends them. A
 * send first needs an access token: GET `<api_url>gettoken?corpid=<corp_id>&corpsecret=<api_secret>`
 * (default api_url `https://qyapi.weixin.qq.com/cgi-bin/`). The token is kept by the notifier and
 * fetched again after two hours (Alertmanager's refresh; WeChat's `expires_in` is 7,200 s). Then
 * POST `<api_url>message/send?access_token=<token>` with Alertmanager's JSON body: `text`,
 * `touser`, `toparty`, `totag`, `agentid`, `safe: "0"`, `msgtype` (`text` or `markdown`) and
 * `markdown`. WeChat answers HTTP 200 even when it refuses: the answer's `errcode` decides.
 * 42001 (token expired) and 40014 (token invalid) drop the kept token and fail retryable, so the
 * next attempt fetches a new one (Alertmanager does the same for 42001). Other errcodes are not
 * retried. The secret and the token travel in query strings: no failure message contains them.
 */
import { isMapping, type Mapping } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { renderGoTemplate } from './go-template.js';
import { configFailure, requestJson, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { checkHttpUrl, globalSecret, globalString, type HttpAuth, type IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { alertTextLines, notificationTitle } from './notification-text.js';
import { defaultNamedTemplates, fieldName, templateData } from './template-rendering.js';
import { truncateUtf8 } from './notification-text.js';

/** Alertmanager's `global.wechat_api_url` default. */
export const defaultWechatApiUrl = 'https://qyapi.weixin.qq.com/cgi-bin/';
/** WeChat's limit on `text.content` and `markdown.content`: 2,048 bytes of UTF-8. */
export const wechatContentLimitBytes = 2048;
/** Alertmanager fetches a new token when the kept one is older than two hours. */
export const wechatTokenMaxAgeMs = 2 * 60 * 60 * 1000;
export const wechatMessageTypes = ['text', 'markdown'] as const;
export type WechatMessageType = (typeof wechatMessageTypes)[number];
/** errcodes meaning the access token is no longer good: 42001 expired, 40014 invalid. */
export const wechatTokenErrcodes = [42001, 40014];

export interface WechatSettings {
  /** Ends with `/`, as Alertmanager makes it. */
  apiUrl: string;
  apiSecret: SecretValue;
  /** Templates. */
  corpId: string;
  agentId: string;
  toUser: string;
  toParty: string;
  toTag: string;
  /** '' = the default text. */
  message: string;
  messageType: WechatMessageType;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

type TemplateContext = Pick<NotifierContext, 'onTemplateError'>;
type Json = Record<string, unknown>;

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The default content: the title, as many whole alerts as fit in WeChat's 2,048 bytes (at least
 * one), a line counting the alerts left out, and the dashboard link.
 */
export function defaultWechatMessage(notification: Notification): string {
  const head = notificationTitle(notification);
  const tail = notification.dashboardUrl === '' ? [] : [`Dashboard: ${notification.dashboardUrl}`];
  const blocks = notification.alerts.map((alert) => alertTextLines(alert).join('\n'));
  const separator = '\n\n';
  const omittedLine = (count: number) => `...and ${count} more alert(s) not shown.`;
  const shown: string[] = [];
  for (const block of blocks) {
    const left = blocks.length - shown.length - 1 + notification.truncatedAlerts;
    const candidate = [head, ...shown, block, ...(left > 0 ? [omittedLine(left)] : []), ...tail].join(separator);
    if (shown.length > 0 && byteLength(candidate) > wechatContentLimitBytes) break;
    shown.push(block);
  }
  const omitted = blocks.length - shown.length + notification.truncatedAlerts;
  return truncateUtf8([head, ...shown, ...(omitted > 0 ? [omittedLine(omitted)] : []), ...tail].join(separator), wechatContentLimitBytes);
}

/** Renders a template field; one that fails is logged and gives `fallback`. */
function renderField(source: string, fallback: string, notification: Notification, field: string, context: TemplateContext): string {
  if (source === '') return fallback;
  if (!source.includes('{{')) return source;
  // Alertmanager's wechat.default.to_user / to_party / to_tag / agent_id are empty.
  const named = defaultNamedTemplates(notification, {
    'wechat.default.message': defaultWechatMessage(notification),
    'wechat.default.to_user': '',
    'wechat.default.to_party': '',
    'wechat.default.to_tag': '',
    'wechat.default.agent_id': '',
    'wechat.default.api_secret': '',
  });
  try {
    return renderGoTemplate(source, templateData(notification), named);
  } catch (error) {
    context.onTemplateError(`${fieldName(notification, field)}: ${error instanceof Error ? error.message : String(error)}; sent the default instead`);
    return fallback;
  }
}

/**
 * The `message/send` body in Alertmanager's field order. Go encodes `text` and `markdown` even
 * when empty (`omitempty` does not apply to structs), so both are there; the strings are left out
 * when empty. When `to_user`, `to_party` and `to_tag` all render empty, `touser` is `@all`
 * (Alertmanager sends none of them and WeChat refuses the message).
 */
export function wechatMessage(notification: Notification, settings: WechatSettings, context: TemplateContext): Json {
  const toUser = renderField(settings.toUser, '', notification, 'to_user', context).trim();
  const toParty = renderField(settings.toParty, '', notification, 'to_party', context).trim();
  const toTag = renderField(settings.toTag, '', notification, 'to_tag', context).trim();
  const agentId = renderField(settings.agentId, '', notification, 'agent_id', context).trim();
  const fallback = defaultWechatMessage(notification);
  const rendered = renderField(settings.message, fallback, notification, 'message', context);
  // WeChat takes at most 2,048 bytes; Alertmanager sends the text uncut. Cut on a UTF-8 boundary with `…`.
  const content = truncateUtf8(rendered.trim() === '' ? fallback : rendered, wechatContentLimitBytes);
  const optional = (key: string, value: string): Json => (value === '' ? {} : { [key]: value });
  const everyoneIfNone = toUser === '' && toParty === '' && toTag === '' ? '@all' : toUser;
  return {
    text: { content: settings.messageType === 'text' ? content : '' },
    ...optional('touser', everyoneIfNone),
    ...optional('toparty', toParty),
    ...optional('totag', toTag),
    ...optional('agentid', agentId),
    safe: '0',
    msgtype: settings.messageType,
    markdown: { content: settings.messageType === 'markdown' ? content : '' },
  };
}

/** `errcode` and `errmsg` of a WeChat answer; undefined when the answer is not WeChat's JSON. */
function wechatAnswer(json: unknown): { errcode: number; errmsg: string; json: Json } | undefined {
  if (!isMapping(json) || typeof json.errcode !== 'number') return undefined;
  return { errcode: json.errcode, errmsg: typeof json.errmsg === 'string' ? json.errmsg : '', json };
}

/** `text` with every secret replaced by `<redacted>`, longest first (a token may contain the secret). */
function redact(text: string, secrets: string[]): string {
  return secrets
    .filter((secret) => secret.length >= 4)
    .sort((a, b) => b.length - a.length)
    .reduce((out, secret) => out.split(secret).join('<redacted>'), text);
}

interface KeptToken {
  token: string;
  atMs: number;
  /** The corp id and secret it was issued for: a changed secret file gets a new token. */
  owner: string;
}

export function createWechatNotifier(settings: WechatSettings, context: NotifierContext): Notifier {
  let kept: KeptToken | undefined;
  const host = new URL(settings.apiUrl).host;

  /** A WeChat errcode as a delivery result (`what`: the call). */
  function refused(what: string, errcode: number, errmsg: string, secrets: string[]): DeliveryResult {
    const message = redact(`WeChat ${what} from ${host}: errcode ${errcode} (${errmsg})`, secrets);
    // -1: "system busy, please retry"; 45009: API call frequency limit.
    if (errcode === -1) return { ok: false, retryable: true, reason: 'server', message, status: 200 };
    if (errcode === 45009) return { ok: false, retryable: true, reason: 'rate_limited', message, status: 200 };
    return { ok: false, retryable: false, reason: 'client', message, status: 200 };
  }

  async function accessToken(corpId: string, secret: string, headers: Record<string, string>, signal: AbortSignal): Promise<string | DeliveryResult> {
    const owner = `${corpId}\0${secret}`;
    const now = context.clock.nowMs();
    if (kept !== undefined && kept.owner === owner && now - kept.atMs <= wechatTokenMaxAgeMs) return kept.token;
    kept = undefined;
    const query = new URLSearchParams({ corpsecret: secret, corpid: corpId });
    const { result, json } = await requestJson(
      { url: { kind: 'inline', value: `${settings.apiUrl}gettoken?${query.toString()}` }, method: 'GET', contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport },
      context,
      signal,
    );
    if (!result.ok) return result.reason === 'auth' || result.reason === 'client' ? { ...result, message: redact(result.message, [secret]) } : result;
    const answer = wechatAnswer(json);
    if (answer === undefined) return { ok: false, retryable: true, reason: 'server', message: `WeChat gettoken from ${host}: the answer is not WeChat's JSON`, status: result.status };
    const token = answer.json.access_token;
    if (answer.errcode !== 0 || typeof token !== 'string' || token === '') {
      const failure = refused('gettoken refused', answer.errcode, answer.errmsg || 'no access_token', [secret]);
      // As Alertmanager: a corp id / secret WeChat does not accept is not retried.
      return failure.ok || failure.retryable ? failure : { ...failure, reason: 'auth' };
    }
    kept = { token, atMs: now, owner };
    return token;
  }

  return {
    key: 'wechat_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let secret: string;
      try {
        secret = await resolveSecret(settings.apiSecret, context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : String(error));
      }
      if (secret === '') return configFailure('the WeChat api_secret is empty');
      const corpId = renderField(settings.corpId, '', notification, 'corp_id', context).trim();
      if (corpId === '') return configFailure('corp_id rendered to an empty corp id');
      const message = wechatMessage(notification, settings, context);
      if (message.agentid === undefined) return configFailure('agent_id rendered to an empty agent id');
      const headers = { 'idempotency-key': notification.idempotencyKey };
      const token = await accessToken(corpId, secret, headers, signal);
      if (typeof token !== 'string') return token;
      const query = new URLSearchParams({ access_token: token });
      const { result, json } = await requestJson(
        { url: { kind: 'inline', value: `${settings.apiUrl}message/send?${query.toString()}` }, body: JSON.stringify(message), contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport },
        context,
        signal,
      );
      if (!result.ok) return { ...result, message: redact(result.message, [secret, token]) };
      const answer = wechatAnswer(json);
      // As Alertmanager: an answer that does not parse is retried.
      if (answer === undefined) return { ok: false, retryable: true, reason: 'server', message: `WeChat message/send from ${host}: the answer is not WeChat's JSON`, status: result.status };
      if (answer.errcode === 0) return result;
      if (wechatTokenErrcodes.includes(answer.errcode)) {
        // The kept token is no longer good: the next attempt fetches a new one.
        kept = undefined;
        return { ok: false, retryable: true, reason: 'auth', message: redact(`WeChat message/send from ${host}: errcode ${answer.errcode} (${answer.errmsg}); a new access token is fetched on the next attempt`, [secret, token]), status: result.status };
      }
      return refused('message/send refused', answer.errcode, answer.errmsg, [secret, token]);
    },
  };
}

/** The entry's `api_url`, else `global.wechat_api_url`, else WeChat's; with a trailing `/` added as Alertmanager adds it. */
function readApiUrl(reader: IntegrationConfigReader, global: Mapping): string | undefined {
  const own = reader.string('api_url');
  const fromGlobal = globalString(global, 'wechat_api_url');
  let url = defaultWechatApiUrl;
  if (own !== '') {
    if (!checkHttpUrl(own, reader.at('api_url'), reader.problems)) return undefined;
    url = own;
  } else if (fromGlobal !== '') {
    if (!checkHttpUrl(fromGlobal, reader.globalPath('wechat_api_url'), reader.problems)) return undefined;
    url = fromGlobal;
  }
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  parsed.search = '';
  return parsed.href;
}

function readMessageType(reader: IntegrationConfigReader): WechatMessageType | undefined {
  const value = reader.string('message_type');
  if (value === '') return 'text';
  if ((wechatMessageTypes as readonly string[]).includes(value)) return value as WechatMessageType;
  reader.problems.add(reader.at('message_type'), `must be text or markdown, got "${value}"`);
  return undefined;
}

export const buildWechatIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(['api_url', 'api_secret', 'api_secret_file', 'corp_id', 'agent_id', 'to_user', 'to_party', 'to_tag', 'message', 'message_type', 'send_resolved', 'http_config']);
  const apiUrl = readApiUrl(reader, global);
  const hasOwnSecret = reader.has('api_secret') || reader.has('api_secret_file');
  const fallback = hasOwnSecret ? undefined : globalSecret(global, 'wechat_api_secret');
  const apiSecret = reader.secret('api_secret', { required: false, ...(fallback ? { fallback } : {}) });
  if (apiSecret === undefined && !hasOwnSecret) reader.problems.add(reader.path, 'missing api_secret (set api_secret or api_secret_file here, or global.wechat_api_secret or global.wechat_api_secret_file)');
  const corpId = reader.string('corp_id').trim() || globalString(global, 'wechat_api_corp_id').trim();
  if (corpId === '') reader.problems.add(reader.path, 'missing corp_id (set corp_id here or global.wechat_api_corp_id)');
  const agentId = reader.string('agent_id').trim();
  // Alertmanager accepts an entry without it, but WeChat refuses every message without an agentid.
  if (agentId === '') reader.problems.add(reader.path, 'missing agent_id (the id of the WeChat Work application that sends the messages)');
  const messageType = readMessageType(reader);
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings = {
    toUser: reader.string('to_user'),
    toParty: reader.string('to_party'),
    toTag: reader.string('to_tag'),
    message: reader.string('message'),
    // Alertmanager's DefaultWechatConfig: false.
    sendResolved: reader.boolean('send_resolved', false),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (apiUrl === undefined || apiSecret === undefined || corpId === '' || agentId === '' || messageType === undefined) return undefined;
  return { notifier: createWechatNotifier({ ...settings, apiUrl, apiSecret, corpId, agentId, messageType }, context), maxAlerts: 0 };
};
