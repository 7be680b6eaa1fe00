/**
 * `rocketchat_configs`: one Rocket.Chat REST `chat.postMessage` call per notification, as
 * Alertmanager sends it: POST `<api_url>/api/v1/chat.postMessage` (default api_url
 * `https://open.rocket.chat/`) with a personal access token in `X-Auth-Token` and its user id in
 * `X-User-Id`, and a JSON body `{channel, emoji, avatar, attachments: [one attachment]}`. The
 * attachment carries `title` (cut to 1,024 code points, as Alertmanager cuts it), `title_link`,
 * `text`, `image_url`, `thumb_url`, `color` (`red` while firing, `green` once resolved:
 * Alertmanager's default), `fields` (`short` from the field, else `short_fields`) and `actions`
 * (buttons). Every one of them is a template. `icon_url` is sent as `avatar`, as Alertmanager
 * does; `link_names` is read and never sent, as in Alertmanager.
 *
 * sre-monitor's defaults where Alertmanager's are empty: the attachment text lists each alert
 * (what, where, since, description, runbook, acknowledge and source links) and the dashboard
 * link; without configured `actions`, link buttons for the runbook, the acknowledge page and the
 * dashboard. Rocket.Chat refuses a message whose text or attachment text is longer than its
 * `Message_MaxAllowedSize` (5,000 characters by default, counted in UTF-16 units):
 * `error-message-size-exceeded`. Alertmanager sends the text uncut; sre-monitor keeps whole
 * alerts while they fit and cuts a longer template rendering there, so the message is delivered.
 */
import { ProblemList, readList, readMapping, type Mapping } from '../../core/alerting/config-reader.js';
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { configFailure, requestJson, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { checkHttpUrl, globalString, IntegrationConfigReader, type HttpAuth, type SecretValue } from './integration-config.js';
import { alertTextLines, firstAckUrl, firstRunbookUrl, notificationTitle, truncateRunes } from './notification-text.js';
import { defaultNamedTemplates, fieldName, fieldRenderer } from './template-rendering.js';
import { isHttpUrl } from '../../core/http-url.js';

/** Alertmanager's `global.rocketchat_api_url` default. */
export const defaultRocketChatApiUrl = 'https://open.rocket.chat/';
/** Rocket.Chat's `Message_MaxAllowedSize` default, in UTF-16 code units (JavaScript's `length`). */
export const rocketChatMaxTextLength = 5000;
/** Alertmanager cuts the attachment title to this many code points (its `maxTitleLenRunes`). */
export const rocketChatMaxTitleRunes = 1024;

export interface RocketChatFieldConfig {
  /** Templates. */
  title: string;
  value: string;
  /** Undefined: the entry's `short_fields`. */
  short: boolean | undefined;
}

export interface RocketChatActionConfig {
  /** Templates. */
  text: string;
  url: string;
  msg: string;
}

export interface RocketChatSettings {
  /** The full `chat.postMessage` URL. */
  postMessageUrl: string;
  token: SecretValue;
  tokenId: SecretValue;
  /** Templates ('' = the default). */
  channel: string;
  color: string;
  emoji: string;
  iconUrl: string;
  title: string;
  titleLink: string;
  text: string;
  imageUrl: string;
  thumbUrl: string;
  fields: RocketChatFieldConfig[];
  shortFields: boolean;
  /** Undefined: sre-monitor's link buttons. */
  actions: RocketChatActionConfig[] | undefined;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

type TemplateContext = Pick<NotifierContext, 'onTemplateError'>;

const ellipsis = '…';

/**
 * `text` cut to at most `max` UTF-16 code units (how Rocket.Chat measures a message), never
 * inside a surrogate pair, ending with `…` when cut.
 */
export function truncateUtf16(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${ellipsis}`;
}

/**
 * The default attachment text: as many whole alerts as fit in Rocket.Chat's 5,000 characters
 * (at least one), a line counting the alerts left out, and the dashboard link.
 */
export function defaultRocketChatText(notification: Notification): string {
  const blocks = notification.alerts.map((alert) => alertTextLines(alert).join('\n'));
  const tail = notification.dashboardUrl === '' ? [] : [`Dashboard: ${notification.dashboardUrl}`];
  const separator = '\n\n';
  const omittedLine = (count: number) => `...and ${count} more alert(s) not shown.`;
  const shown: string[] = [];
  for (const block of blocks) {
    const left = blocks.length - shown.length - 1 + notification.truncatedAlerts;
    const candidate = [...shown, block, ...(left > 0 ? [omittedLine(left)] : []), ...tail].join(separator);
    if (shown.length > 0 && candidate.length > rocketChatMaxTextLength) break;
    shown.push(block);
  }
  const omitted = blocks.length - shown.length + notification.truncatedAlerts;
  // Cut only when the first alert alone is over the limit (a huge description).
  return truncateUtf16([...shown, ...(omitted > 0 ? [omittedLine(omitted)] : []), ...tail].join(separator), rocketChatMaxTextLength);
}

/** Alertmanager's default color template: `{{ if eq .Status "firing" }}red{{ else }}green{{ end }}`. */
export function defaultRocketChatColor(notification: Notification): string {
  return notification.status === 'firing' ? 'red' : 'green';
}

type Render = (source: string, field: string, fallback: string) => string;

/** Renders user templates; one that fails is logged and replaced by `fallback`, never dropping the notification. */
function renderer(notification: Notification, defaultText: string, context: TemplateContext): Render {
  // Alertmanager's rocketchat.default.* templates: emoji, icon and text are empty there; sre-monitor's text is its default.
  const named = defaultNamedTemplates(notification, {
    'rocketchat.default.title': notificationTitle(notification),
    'rocketchat.default.titlelink': notification.dashboardUrl,
    'rocketchat.default.text': defaultText,
    'rocketchat.default.emoji': '',
    'rocketchat.default.iconurl': '',
  });
  return fieldRenderer(notification, named, context);
}

/**
 * A rendered link, or '' when it is not an absolute http(s) URL: Rocket.Chat refuses the whole
 * message for one bad link ("Invalid href value provided"), so it is left out and logged.
 */
function linkOrNothing(rendered: string, notification: Notification, field: string, context: TemplateContext): string {
  const url = rendered.trim();
  if (url === '' || isHttpUrl(url)) return url;
  context.onTemplateError(`${fieldName(notification, field)}: rendered ${JSON.stringify(truncateRunes(url, 80))}, not an http(s) URL; sent without it`);
  return '';
}

type Json = Record<string, unknown>;

const optional = (key: string, value: string): Json => (value === '' ? {} : { [key]: value });

/** A button as Alertmanager encodes it: `is_webview` and `msg_in_chat_window` are always there (false). */
function button(text: string, url: string, msg: string): Json {
  return { type: 'button', ...optional('text', text), ...optional('url', url), is_webview: false, ...optional('msg', msg), msg_in_chat_window: false };
}

/** The configured buttons, or sre-monitor's link buttons (runbook, acknowledge, dashboard) when none are configured. */
function attachmentActions(notification: Notification, settings: RocketChatSettings, render: Render, context: TemplateContext): Json[] {
  if (settings.actions === undefined) {
    const links: Array<[string, string]> = [
      ['Runbook', firstRunbookUrl(notification)],
      ['Acknowledge', firstAckUrl(notification)],
      ['Dashboard', notification.dashboardUrl],
    ];
    return links.filter(([, url]) => isHttpUrl(url)).map(([text, url]) => button(text, url, ''));
  }
  return settings.actions.map((action, index) =>
    button(
      render(action.text, `actions[${index}].text`, ''),
      linkOrNothing(render(action.url, `actions[${index}].url`, ''), notification, `actions[${index}].url`, context),
      render(action.msg, `actions[${index}].msg`, ''),
    ),
  );
}

/** The configured fields, rendered; `title` and `value` always sent (older Rocket.Chat requires both), a field rendering both empty left out. */
function attachmentFields(settings: RocketChatSettings, render: Render): Json[] {
  return settings.fields.flatMap((field, index) => {
    const title = render(field.title, `fields[${index}].title`, '');
    const value = render(field.value, `fields[${index}].value`, '');
    if (title === '' && value === '') return [];
    return [{ short: field.short ?? settings.shortFields, title, value }];
  });
}

/** The `chat.postMessage` body; undefined when `channel` renders empty (nowhere to send). */
export function rocketChatMessage(notification: Notification, settings: RocketChatSettings, context: TemplateContext): Json | undefined {
  const fallbackText = defaultRocketChatText(notification);
  const render = renderer(notification, fallbackText, context);
  const channel = render(settings.channel, 'channel', '').trim();
  if (channel === '') return undefined;
  const link = (source: string, field: string, fallback: string) => linkOrNothing(render(source, field, fallback), notification, field, context);
  // Rendered in Alertmanager's field order, so template errors are logged in that order too.
  // As Alertmanager: the title cut to 1,024 code points, the last one an ellipsis.
  const title = truncateRunes(render(settings.title, 'title', notificationTitle(notification)), rocketChatMaxTitleRunes);
  const titleLink = link(settings.titleLink, 'title_link', notification.dashboardUrl);
  const text = render(settings.text, 'text', fallbackText);
  const attachment: Json = {
    ...optional('title', title),
    ...optional('title_link', titleLink),
    // Over Message_MaxAllowedSize Rocket.Chat refuses the whole message: cut (Alertmanager does not).
    ...optional('text', truncateUtf16(text.trim() === '' && settings.text !== '' ? fallbackText : text, rocketChatMaxTextLength)),
    ...optional('image_url', link(settings.imageUrl, 'image_url', '')),
    ...optional('thumb_url', link(settings.thumbUrl, 'thumb_url', '')),
    ...optional('color', render(settings.color, 'color', defaultRocketChatColor(notification)).trim()),
  };
  const fields = attachmentFields(settings, render);
  if (fields.length > 0) attachment.fields = fields;
  const actions = attachmentActions(notification, settings, render, context);
  if (actions.length > 0) attachment.actions = actions;
  return {
    channel,
    ...optional('emoji', render(settings.emoji, 'emoji', '').trim()),
    ...optional('avatar', link(settings.iconUrl, 'icon_url', '')),
    attachments: [attachment],
  };
}

/** `<api_url>` joined with `api/v1/chat.postMessage`, as Alertmanager's `JoinPath` (a path prefix is kept). */
export function rocketChatPostMessageUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/chat.postMessage`;
  return url.href;
}

export function createRocketChatNotifier(settings: RocketChatSettings, context: NotifierContext): Notifier {
  return {
    key: 'rocketchat_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let token: string;
      let tokenId: string;
      try {
        token = await resolveSecret(settings.token, context);
        tokenId = await resolveSecret(settings.tokenId, context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : String(error));
      }
      if (token === '') return configFailure('the Rocket.Chat token is empty');
      if (tokenId === '') return configFailure('the Rocket.Chat token_id is empty');
      const message = rocketChatMessage(notification, settings, context);
      if (message === undefined) return configFailure('channel rendered to an empty channel');
      const headers = { 'x-auth-token': token, 'x-user-id': tokenId, 'idempotency-key': notification.idempotencyKey };
      const { result, json } = await requestJson(
        { url: { kind: 'inline', value: settings.postMessageUrl }, body: JSON.stringify(message), contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport },
        context,
        signal,
      );
      // A 200 whose body says `success: false` is a refusal, as Alertmanager reads it (not retried).
      if (result.ok && typeof json === 'object' && json !== null && 'success' in json && json.success === false) {
        const error = 'error' in json && typeof json.error === 'string' ? json.error : 'success: false';
        return { ok: false, retryable: false, reason: 'client', message: `HTTP ${result.status} from ${new URL(settings.postMessageUrl).host}: ${error}`, status: result.status };
      }
      return result;
    },
  };
}

/** The entry's `api_url`, else `global.rocketchat_api_url`, else `https://open.rocket.chat/`. */
function readApiUrl(reader: IntegrationConfigReader, global: Mapping): string | undefined {
  const own = reader.string('api_url');
  if (own !== '') return checkHttpUrl(own, reader.at('api_url'), reader.problems) ? own : undefined;
  const fromGlobal = globalString(global, 'rocketchat_api_url');
  if (fromGlobal === '') return defaultRocketChatApiUrl;
  const found = new ProblemList();
  const ok = checkHttpUrl(fromGlobal, reader.globalPath('rocketchat_api_url'), found);
  reader.addProblemsOnce(found);
  return ok ? fromGlobal : undefined;
}

/**
 * `token` / `token_file` or `token_id` / `token_id_file`: the entry's own pair, else the global
 * one (`global.rocketchat_token` ...); one of them is required, and at most one of each pair.
 * (Alertmanager merges the two forms one by one, so a global `_file` beats an entry's inline
 * value; sre-monitor takes the entry's own value.)
 */
function readCredential(reader: IntegrationConfigReader, global: Mapping, key: 'token' | 'token_id'): SecretValue | undefined {
  const fileKey = `${key}_file`;
  if (reader.has(key) || reader.has(fileKey)) return reader.secret(key, { required: true });
  const globalKey = `rocketchat_${key}`;
  const inline = globalString(global, globalKey);
  const file = globalString(global, `${globalKey}_file`);
  if (inline !== '' && file !== '') {
    const found = new ProblemList();
    found.add(reader.globalPath(`${globalKey}_file`), `at most one of ${globalKey} and ${globalKey}_file may be set`);
    reader.addProblemsOnce(found);
    return undefined;
  }
  if (file !== '') return { kind: 'file', path: file };
  if (inline !== '') return { kind: 'inline', value: inline };
  reader.problems.add(reader.path, `missing ${key} (set ${key} or ${fileKey} here, or global.${globalKey} or global.${globalKey}_file)`);
  return undefined;
}

/**
 * `channel`: `#channel`, `@user` or a room id; a template. Required here: Alertmanager accepts
 * an entry without it, but Rocket.Chat's `chat.postMessage` then refuses every message.
 */
function readChannel(reader: IntegrationConfigReader): string | undefined {
  if (!reader.has('channel')) return reader.problems.add(reader.path, 'missing channel (#channel, @user or a room id): Rocket.Chat refuses a message without one');
  const before = reader.problems.problems.length;
  const channel = reader.string('channel').trim();
  if (reader.problems.problems.length > before) return undefined;
  if (channel === '') return reader.problems.add(reader.at('channel'), 'must not be blank');
  return channel;
}

/** A list of mappings (`fields`, `actions`), each read by `read` with its own reader. */
function readEntries<T>(reader: IntegrationConfigReader, key: string, read: (entry: IntegrationConfigReader) => T): T[] | undefined {
  const path = reader.at(key);
  const list = readList(reader.mapping[key], path, reader.problems);
  if (list === undefined) return undefined;
  return list.flatMap((item, index) => {
    const at = [...path, index];
    const mapping = readMapping(item, at, reader.problems);
    if (mapping === undefined) {
      if (item === null || item === undefined) reader.problems.add(at, 'must be a mapping');
      return [];
    }
    return [read(new IntegrationConfigReader(mapping, at, reader.problems))];
  });
}

function readField(entry: IntegrationConfigReader): RocketChatFieldConfig {
  entry.checkKeys(['title', 'value', 'short']);
  const short = entry.mapping.short === undefined || entry.mapping.short === null ? undefined : entry.boolean('short', false);
  return { title: entry.string('title'), value: entry.string('value'), short };
}

/**
 * Alertmanager's action keys are its Go field names lowercased (the struct has no YAML names):
 * `type` (ignored: always a button), `text`, `url` and `msg` are sent; `imageurl`, `iswebview`,
 * `webviewheightratio`, `msginchatwindow` and `msgprocessingtype` are accepted and never sent,
 * as in Alertmanager.
 */
function readAction(entry: IntegrationConfigReader): RocketChatActionConfig {
  entry.checkKeys(['type', 'text', 'url', 'msg'], ['imageurl', 'iswebview', 'webviewheightratio', 'msginchatwindow', 'msgprocessingtype']);
  entry.string('type');
  return { text: entry.string('text'), url: entry.string('url'), msg: entry.string('msg') };
}

const usedKeys = ['api_url', 'token', 'token_file', 'token_id', 'token_id_file', 'channel', 'color', 'emoji', 'icon_url', 'text', 'title', 'title_link', 'fields', 'short_fields', 'image_url', 'thumb_url', 'actions', 'send_resolved', 'http_config'];
/** Read by Alertmanager and never sent (Rocket.Chat's chat.postMessage has no such parameter). */
const acceptedKeys = ['link_names'];

export const buildRocketChatIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(usedKeys, acceptedKeys);
  const apiUrl = readApiUrl(reader, global);
  const token = readCredential(reader, global, 'token');
  const tokenId = readCredential(reader, global, 'token_id');
  const channel = readChannel(reader);
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  reader.boolean('link_names', false);
  const fields = readEntries(reader, 'fields', readField) ?? [];
  const actions = readEntries(reader, 'actions', readAction);
  const settings: Omit<RocketChatSettings, 'postMessageUrl' | 'token' | 'tokenId' | 'channel'> = {
    color: reader.string('color'),
    emoji: reader.string('emoji'),
    iconUrl: reader.string('icon_url'),
    title: reader.string('title'),
    titleLink: reader.string('title_link'),
    text: reader.string('text'),
    imageUrl: reader.string('image_url'),
    thumbUrl: reader.string('thumb_url'),
    fields,
    shortFields: reader.boolean('short_fields', false),
    // An empty `actions: []` is Alertmanager's "no buttons".
    actions,
    // Alertmanager's DefaultRocketchatConfig: false (its configuration page says true; the code wins).
    sendResolved: reader.boolean('send_resolved', false),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (apiUrl === undefined || token === undefined || tokenId === undefined || channel === undefined) return undefined;
  const notifier = createRocketChatNotifier({ ...settings, postMessageUrl: rocketChatPostMessageUrl(apiUrl), token, tokenId, channel }, context);
  return { notifier, maxAlerts: 0 };
};
