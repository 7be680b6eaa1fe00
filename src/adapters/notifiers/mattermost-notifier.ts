/**
 * `mattermost_configs`: one incoming-webhook post per notification, as Alertmanager sends it:
 * POST `webhook_url` (or the URL in `webhook_url_file`, or `global.mattermost_webhook_url[_file]`)
 * with a JSON body `{text, channel, username, icon_url, icon_emoji, attachments, type, props,
 * priority}`, empty fields left out. Without `attachments` in the entry, Alertmanager's
 * top-level attachment keys (`title`, `title_link`, `color`, `fallback`, `pretext`, `author_*`,
 * `fields`, `thumb_url`, `footer`, `footer_icon`, `image_url`) and `text` make the post's one
 * attachment; with `attachments`, `text` is the post's message and the attachments are sent as
 * listed. Every text field is a template. `priority` is sanitised as Alertmanager does
 * (lowercased; anything but urgent / important / standard becomes standard; `requested_ack`
 * dropped for standard; `persistent_notifications` only for urgent). The text is cut to
 * Mattermost's 16,383 characters (runes) with Alertmanager's TruncateInRunes. The URL is a
 * secret (the hook id is its path): failure messages name the host only.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import { ProblemList, readList, readMapping, type Mapping } from '../../core/alerting/config-reader.js';
import type { ChannelFactory } from './channel.js';
import { renderGoTemplate } from './go-template.js';
import { configFailure, postToReceiver, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, globalString, IntegrationConfigReader, type HttpAuth, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { notificationTitle, runeLength, shortText, truncateRunes } from './notification-text.js';
import { alertsMarkdown, type MarkdownDialect } from './markdown-text.js';
import { defaultNamedTemplates, fieldName, templateData } from './template-rendering.js';

/** "Mattermost supports 16383 chars max" (Alertmanager's maxTextLenRunes, from Mattermost's incoming-webhook tips). */
export const mattermostTextLimitRunes = 16_383;
export const mattermostPriorities = ['urgent', 'important', 'standard'] as const;
export type MattermostPriority = (typeof mattermostPriorities)[number];
/** What the post shows as its author when `username` is not set (Alertmanager's default is its own name). */
export const defaultMattermostUsername = 'sre-monitor';

export interface MattermostFieldSettings {
  /** Templates. */
  title: string;
  value: string;
  /** Sent only when set, as Alertmanager does. */
  short?: boolean;
}

/** One attachment's templates; `undefined` = Alertmanager's default for that key (top-level attachment only). */
export interface MattermostAttachmentSettings {
  fallback?: string;
  color?: string;
  pretext: string;
  text?: string;
  authorName: string;
  authorLink: string;
  authorIcon: string;
  title?: string;
  titleLink?: string;
  fields: MattermostFieldSettings[];
  thumbUrl: string;
  footer: string;
  footerIcon: string;
  imageUrl: string;
}

export interface MattermostSettings {
  webhookUrl: SecretValue;
  /** Templates ('' = not sent; `username` and `text` undefined = the default). */
  channel: string;
  username?: string;
  text?: string;
  iconUrl: string;
  iconEmoji: string;
  type: string;
  /** The top-level attachment keys, used when `attachments` is empty. */
  attachment: MattermostAttachmentSettings;
  attachments: MattermostAttachmentSettings[];
  /** `props.card` template ('' = no props). */
  card: string;
  /** Sent when `priority.priority` is set. */
  priority?: { priority: string; requestedAck: boolean; persistentNotifications: boolean };
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

export interface MattermostField {
  title?: string;
  value?: string;
  short?: boolean;
}

export interface MattermostAttachment {
  fallback?: string;
  color?: string;
  pretext?: string;
  text?: string;
  author_name?: string;
  author_link?: string;
  author_icon?: string;
  title?: string;
  title_link?: string;
  fields?: MattermostField[];
  thumb_url?: string;
  footer?: string;
  footer_icon?: string;
  image_url?: string;
}

export interface MattermostPost {
  text?: string;
  channel?: string;
  username?: string;
  icon_url?: string;
  icon_emoji?: string;
  attachments?: MattermostAttachment[];
  type?: string;
  props?: { card: string };
  priority?: { priority: MattermostPriority; requested_ack?: boolean; persistent_notifications?: boolean };
}

/**
 * Text shown as written in Mattermost markdown: backslash escapes for the characters that
 * format inline (emphasis, code, links, strikethrough, tables, HTML-ish `<`) and, at the start
 * of a line, those that would make a heading, list, quote or rule.
 */
export function escapeMattermostMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>|]/g, '\\$&')
    .replace(/^([ \t]*)([#+\-=])/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)([.)])/gm, '$1\\$2');
}

const mattermostMarkdown: MarkdownDialect = {
  escape: escapeMattermostMarkdown,
  cut: truncateRunes,
  size: runeLength,
  limit: mattermostTextLimitRunes,
  summaryMax: 500,
  descriptionMax: 2000,
};

/**
 * The default text (markdown): each alert (status and name, summary, where, since, the
 * description, runbook / acknowledge / source links), as many whole alerts as fit in
 * Mattermost's 16,383 characters (at least one), a line counting those left out, and the
 * dashboard link. `withTitle` puts the notification's title first in bold: the post's message
 * has no attachment title above it when the entry lists its own `attachments`.
 */
export function defaultMattermostText(notification: Notification, withTitle = false): string {
  return alertsMarkdown(notification, withTitle ? [`**${escapeMattermostMarkdown(notificationTitle(notification))}**`] : [], mattermostMarkdown);
}

/** Alertmanager's default colour by status; an acknowledged firing group is shown as a warning. */
export function defaultMattermostColor(notification: Notification): string {
  if (notification.status !== 'firing') return 'good';
  return notification.acknowledged ? 'warning' : 'danger';
}

type Context = Pick<NotifierContext, 'onTemplateError'>;

/** The defaults Alertmanager's `mattermost.default.*` templates stand for, as sre-monitor words them. */
function mattermostDefaults(notification: Notification, withTitle: boolean): Record<string, string> {
  return {
    'mattermost.default.username': defaultMattermostUsername,
    'mattermost.default.color': defaultMattermostColor(notification),
    'mattermost.default.text': defaultMattermostText(notification, withTitle),
    'mattermost.default.title': notificationTitle(notification),
    'mattermost.default.titlelink': notification.dashboardUrl,
    'mattermost.default.fallback': shortText(notification),
  };
}

/** Renders the post's templates; a failed one is logged and replaced by its default. */
class PostRenderer {
  private readonly named: (name: string) => string | undefined;
  private readonly data: Record<string, unknown>;

  constructor(
    private readonly notification: Notification,
    readonly defaults: Record<string, string>,
    private readonly context: Context,
  ) {
    this.named = defaultNamedTemplates(notification, defaults);
    this.data = templateData(notification);
  }

  /** `source` rendered, `fallback` when it fails (the failure is logged naming `field`). */
  render(source: string, fallback: string, field: string): string {
    if (source === '') return '';
    try {
      return renderGoTemplate(source, this.data, this.named);
    } catch (error) {
      this.log(field, `${error instanceof Error ? error.message : String(error)}; sent the default text instead`);
      return fallback;
    }
  }

  /** An optional key: its default when absent from the entry, else the rendered template. */
  renderOr(source: string | undefined, defaultName: string, field: string): string {
    const fallback = this.defaults[defaultName] ?? '';
    return source === undefined ? fallback : this.render(source, fallback, field);
  }

  /** A failure or a replaced value, named like `receiver "team" mattermost_configs[0].priority.priority`. */
  log(field: string, message: string): void {
    this.context.onTemplateError(`${fieldName(this.notification, field)}: ${message}`);
  }
}

function attachmentOf(settings: MattermostAttachmentSettings, renderer: PostRenderer, at: string, text: string | undefined): MattermostAttachment {
  const r = (source: string, key: string) => renderer.render(source, '', `${at}${key}`);
  const fields = settings.fields.map((field, index) => ({
    title: r(field.title, `fields[${index}].title`),
    value: r(field.value, `fields[${index}].value`),
    ...(field.short === undefined ? {} : { short: field.short }),
  }));
  const attachment: MattermostAttachment = {
    fallback: renderer.renderOr(settings.fallback, 'mattermost.default.fallback', `${at}fallback`),
    color: renderer.renderOr(settings.color, 'mattermost.default.color', `${at}color`),
    pretext: r(settings.pretext, 'pretext'),
    text: text ?? r(settings.text ?? '', 'text'),
    author_name: r(settings.authorName, 'author_name'),
    author_link: r(settings.authorLink, 'author_link'),
    author_icon: r(settings.authorIcon, 'author_icon'),
    title: renderer.renderOr(settings.title, 'mattermost.default.title', `${at}title`),
    title_link: renderer.renderOr(settings.titleLink, 'mattermost.default.titlelink', `${at}title_link`),
    fields,
    thumb_url: r(settings.thumbUrl, 'thumb_url'),
    footer: r(settings.footer, 'footer'),
    footer_icon: r(settings.footerIcon, 'footer_icon'),
    image_url: r(settings.imageUrl, 'image_url'),
  };
  return withoutEmpty(attachment);
}

/** Drops '' strings and empty lists, as Go's `omitempty` does. */
function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== '' && item !== undefined && !(Array.isArray(item) && item.length === 0))) as T;
}

/** Alertmanager's sanitising of `priority`; dropped flags and replaced values are logged. */
function priorityOf(settings: NonNullable<MattermostSettings['priority']>, renderer: PostRenderer): NonNullable<MattermostPost['priority']> {
  const rendered = renderer.render(settings.priority, 'standard', 'priority.priority');
  const lowered = rendered.trim().toLowerCase();
  let priority: MattermostPriority = 'standard';
  if ((mattermostPriorities as readonly string[]).includes(lowered)) priority = lowered as MattermostPriority;
  else renderer.log('priority.priority', `rendered ${JSON.stringify(truncateRunes(rendered, 40))}, not urgent, important or standard; sent standard instead`);
  let requestedAck = settings.requestedAck;
  if (requestedAck && priority === 'standard') {
    renderer.log('priority.requested_ack', 'dropped: Mattermost asks for an acknowledgement only on important or urgent posts');
    requestedAck = false;
  }
  let persistent = settings.persistentNotifications;
  if (persistent && priority !== 'urgent') {
    renderer.log('priority.persistent_notifications', 'dropped: Mattermost repeats notifications only for urgent posts');
    persistent = false;
  }
  return { priority, ...(requestedAck ? { requested_ack: true } : {}), ...(persistent ? { persistent_notifications: true } : {}) };
}

/** The webhook body for a notification. */
export function mattermostPost(notification: Notification, settings: Omit<MattermostSettings, 'webhookUrl' | 'sendResolved'>, context: Context): MattermostPost {
  const ownAttachments = settings.attachments.length > 0;
  const renderer = new PostRenderer(notification, mattermostDefaults(notification, ownAttachments), context);
  // As Alertmanager (TruncateInRunes): whatever the text renders to, at most 16,383 runes.
  const text = truncateRunes(renderer.renderOr(settings.text, 'mattermost.default.text', 'text'), mattermostTextLimitRunes);
  const attachments = ownAttachments
    ? settings.attachments.map((attachment, index) => {
        const built = attachmentOf(attachment, renderer, `attachments[${index}].`, undefined);
        // sre-monitor also keeps a listed attachment's text within Mattermost's limit.
        return built.text === undefined ? built : { ...built, text: truncateRunes(built.text, mattermostTextLimitRunes) };
      })
    : [attachmentOf(settings.attachment, renderer, '', text)];
  const card = settings.card === '' ? '' : renderer.render(settings.card, '', 'props.card');
  const post: MattermostPost = {
    ...(ownAttachments ? { text } : {}),
    channel: renderer.render(settings.channel, '', 'channel'),
    username: renderer.renderOr(settings.username, 'mattermost.default.username', 'username'),
    icon_url: renderer.render(settings.iconUrl, '', 'icon_url'),
    icon_emoji: renderer.render(settings.iconEmoji, '', 'icon_emoji'),
    attachments,
    type: renderer.render(settings.type, '', 'type'),
    ...(card === '' ? {} : { props: { card } }),
    ...(settings.priority === undefined ? {} : { priority: priorityOf(settings.priority, renderer) }),
  };
  return withoutEmpty(post);
}

export function createMattermostNotifier(settings: MattermostSettings, context: NotifierContext): Notifier {
  return {
    key: 'mattermost_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      const post = mattermostPost(notification, settings, context);
      if (post.type !== undefined && !post.type.startsWith('custom_')) return configFailure(`type rendered to ${JSON.stringify(truncateRunes(post.type, 40))}: Mattermost takes only post types starting with custom_`);
      const headers = { 'idempotency-key': notification.idempotencyKey };
      const result = await postToReceiver(
        { url: settings.webhookUrl, body: JSON.stringify(post), contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport },
        context,
        signal,
      );
      // As Alertmanager: a failure names the channel it was for (never the URL, which is the secret).
      if (result.ok || post.channel === undefined) return result;
      return { ...result, message: `channel ${JSON.stringify(post.channel)}: ${result.message}` };
    },
  };
}

/** `global.mattermost_webhook_url` / `_file`: at most one, the URL absolute http(s); problems reported once, at their own path. */
function globalWebhookUrl(reader: IntegrationConfigReader, global: Mapping): SecretValue | undefined {
  const inline = globalString(global, 'mattermost_webhook_url');
  const file = globalString(global, 'mattermost_webhook_url_file');
  const found = new ProblemList();
  let value: SecretValue | undefined;
  if (inline !== '' && file !== '') found.add(reader.globalPath('mattermost_webhook_url_file'), 'at most one of mattermost_webhook_url and mattermost_webhook_url_file may be set');
  else if (file !== '') value = { kind: 'file', path: file };
  else if (inline !== '' && checkHttpUrl(inline, reader.globalPath('mattermost_webhook_url'), found)) value = { kind: 'inline', value: inline };
  reader.addProblemsOnce(found);
  return value;
}

/** The entry's `webhook_url` / `webhook_url_file`, else the global one (Alertmanager: "missing webhook_url or webhook_url_file on mattermost_config"). */
function readWebhookUrl(reader: IntegrationConfigReader, global: Mapping): SecretValue | undefined {
  if (reader.has('webhook_url') || reader.has('webhook_url_file')) return reader.secret('webhook_url', { required: true, isUrl: true });
  const fromGlobal = globalWebhookUrl(reader, global);
  if (fromGlobal !== undefined) return fromGlobal;
  const globalSet = globalString(global, 'mattermost_webhook_url') !== '' || globalString(global, 'mattermost_webhook_url_file') !== '';
  if (!globalSet) reader.problems.add(reader.path, 'missing webhook_url or webhook_url_file (set one here, or global.mattermost_webhook_url or global.mattermost_webhook_url_file)');
  return undefined;
}

/** A key Alertmanager fills with a default template when absent: undefined then, else its text. */
function optional(reader: IntegrationConfigReader, key: string): string | undefined {
  const value = reader.mapping[key];
  return value === undefined || value === null ? undefined : reader.string(key);
}

/** `fields`: `{title, value, short}` each, title and value required (Alertmanager: "missing title in Mattermost field configuration"). */
function readFields(reader: IntegrationConfigReader): MattermostFieldSettings[] {
  const list = readList(reader.mapping.fields, reader.at('fields'), reader.problems) ?? [];
  const out: MattermostFieldSettings[] = [];
  list.forEach((item, index) => {
    const path = [...reader.at('fields'), index];
    const mapping = readMapping(item, path, reader.problems);
    if (mapping === undefined) {
      if (item === null || item === undefined) reader.problems.add(path, 'must be a mapping with title and value');
      return;
    }
    const field = new IntegrationConfigReader(mapping, path, reader.problems);
    field.checkKeys(['title', 'value', 'short']);
    const title = field.string('title');
    const value = field.string('value');
    if (title === '') field.problems.add(path, 'missing title');
    if (value === '') field.problems.add(path, 'missing value');
    const short = mapping.short === undefined || mapping.short === null ? undefined : field.boolean('short', false);
    out.push({ title, value, ...(short === undefined ? {} : { short }) });
  });
  return out;
}

const attachmentKeys = ['fallback', 'color', 'pretext', 'text', 'author_name', 'author_link', 'author_icon', 'title', 'title_link', 'fields', 'thumb_url', 'footer', 'footer_icon', 'image_url'];

/** The attachment keys of `reader`'s mapping; `withDefaults`: absent fallback / color / text / title / title_link mean Alertmanager's defaults. */
function readAttachment(reader: IntegrationConfigReader, withDefaults: boolean): MattermostAttachmentSettings {
  const maybe = (key: string): string | undefined => (withDefaults ? optional(reader, key) : reader.string(key));
  const fallback = maybe('fallback');
  const color = maybe('color');
  // The top-level `text` is read once by the factory (it is the post's text or this attachment's).
  const text = withDefaults ? undefined : reader.string('text');
  const title = maybe('title');
  const titleLink = maybe('title_link');
  return {
    ...(fallback === undefined ? {} : { fallback }),
    ...(color === undefined ? {} : { color }),
    pretext: reader.string('pretext'),
    ...(text === undefined ? {} : { text }),
    authorName: reader.string('author_name'),
    authorLink: reader.string('author_link'),
    authorIcon: reader.string('author_icon'),
    ...(title === undefined ? {} : { title }),
    ...(titleLink === undefined ? {} : { titleLink }),
    fields: readFields(reader),
    thumbUrl: reader.string('thumb_url'),
    footer: reader.string('footer'),
    footerIcon: reader.string('footer_icon'),
    imageUrl: reader.string('image_url'),
  };
}

function readAttachments(reader: IntegrationConfigReader): MattermostAttachmentSettings[] {
  const list = readList(reader.mapping.attachments, reader.at('attachments'), reader.problems) ?? [];
  const out: MattermostAttachmentSettings[] = [];
  list.forEach((item, index) => {
    const path = [...reader.at('attachments'), index];
    const mapping = readMapping(item, path, reader.problems);
    if (mapping === undefined) {
      if (item === null || item === undefined) reader.problems.add(path, 'must be a mapping (an attachment)');
      return;
    }
    const attachment = new IntegrationConfigReader(mapping, path, reader.problems);
    attachment.checkKeys(attachmentKeys);
    out.push(readAttachment(attachment, false));
  });
  return out;
}

const isTemplate = (text: string): boolean => text.includes('{{');

/** `props`: only `card` (Alertmanager: "Only 'card' property takes effect now"). */
function readCard(reader: IntegrationConfigReader): string {
  const mapping = readMapping(reader.mapping.props, reader.at('props'), reader.problems);
  if (mapping === undefined) return '';
  const props = new IntegrationConfigReader(mapping, reader.at('props'), reader.problems);
  props.checkKeys(['card']);
  return props.string('card');
}

/** `priority`: sent when `priority.priority` is set; a fixed value must be one Mattermost knows. */
function readPriority(reader: IntegrationConfigReader): MattermostSettings['priority'] {
  const mapping = readMapping(reader.mapping.priority, reader.at('priority'), reader.problems);
  if (mapping === undefined) return undefined;
  const priority = new IntegrationConfigReader(mapping, reader.at('priority'), reader.problems);
  priority.checkKeys(['priority', 'requested_ack', 'persistent_notifications']);
  const level = priority.string('priority');
  const requestedAck = priority.boolean('requested_ack', false);
  const persistentNotifications = priority.boolean('persistent_notifications', false);
  if (level === '') return undefined;
  if (!isTemplate(level) && !(mattermostPriorities as readonly string[]).includes(level.trim().toLowerCase())) {
    priority.problems.add(priority.at('priority'), `must be urgent, important or standard (or a template rendering one), got "${level}" (Alertmanager would send standard)`);
  }
  return { priority: level, requestedAck, persistentNotifications };
}

/** `type`: Mattermost refuses post types that do not start with `custom_`. */
function readType(reader: IntegrationConfigReader): string {
  const type = reader.string('type');
  if (type !== '' && !isTemplate(type) && !type.startsWith('custom_')) reader.problems.add(reader.at('type'), `must start with custom_ (Mattermost refuses other post types), got "${type}"`);
  return type;
}

const usedKeys = ['webhook_url', 'webhook_url_file', 'send_resolved', 'http_config', 'channel', 'username', 'text', 'icon_url', 'icon_emoji', 'attachments', 'type', 'props', 'priority', ...attachmentKeys.filter((key) => key !== 'text')];

export const buildMattermostIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(usedKeys);
  const webhookUrl = readWebhookUrl(reader, global);
  const username = optional(reader, 'username');
  const text = optional(reader, 'text');
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const priority = readPriority(reader);
  const settings: Omit<MattermostSettings, 'webhookUrl'> = {
    channel: reader.string('channel'),
    ...(username === undefined ? {} : { username }),
    ...(text === undefined ? {} : { text }),
    iconUrl: reader.string('icon_url'),
    iconEmoji: reader.string('icon_emoji'),
    type: readType(reader),
    attachment: readAttachment(reader, true),
    attachments: readAttachments(reader),
    card: readCard(reader),
    ...(priority === undefined ? {} : { priority }),
    sendResolved: reader.boolean('send_resolved', true),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (webhookUrl === undefined) return undefined;
  return { notifier: createMattermostNotifier({ webhookUrl, ...settings }, context), maxAlerts: 0 };
};
