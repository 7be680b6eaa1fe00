/**
 * `opsgenie_configs`: Opsgenie's Alert API v2, as Alertmanager calls it. A firing notification
 * creates an alert: POST `<api_url>v2/alerts` with `Authorization: GenieKey <api_key>` and
 * `alias` = hex SHA-256 of the group key (Alertmanager's alias, so a group keeps deduplicating
 * into one Opsgenie alert across a migration), `message`, `description`, `details` (common
 * labels plus the configured details), `source`, `responders`, `tags`, `note`, `priority`,
 * `entity` and `actions`. A resolved notification closes it: POST
 * `<api_url>v2/alerts/<alias>/close?identifierType=alias` with `{source}`. A firing notification
 * whose alerts are all acknowledged in sre-monitor acknowledges it (sre-monitor's addition,
 * like PagerDuty's `acknowledge`). Every field is kept within Opsgenie's documented limits.
 */
import { createHash } from 'node:crypto';
import { readList, readMapping } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { renderGoTemplate } from './go-template.js';
import { configFailure, postToReceiver, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { checkHttpUrl, globalSecret, globalString, IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { notificationText, notificationTitle, runeLength, truncateRunes } from './notification-text.js';
import { defaultNamedTemplates, fieldName, fieldRenderer, templateData } from './template-rendering.js';

export const defaultOpsgenieApiUrl = 'https://api.opsgenie.com/';

/** Opsgenie's Alert API limits (docs.opsgenie.com/docs/alert-api, "Create Alert"). */
export const opsgenieLimits = {
  message: 130,
  alias: 512,
  description: 15_000,
  source: 100,
  entity: 512,
  note: 25_000,
  tags: 20,
  tag: 50,
  actions: 10,
  action: 50,
  /** Keys and values of `details` together. */
  details: 8_000,
  responders: 50,
} as const;

export const opsgeniePriorities = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
/** What a responder's `type` may be in the config; `teams` is a comma-separated list of team names, sent as one `team` each. */
export const opsgenieResponderTypes = ['team', 'teams', 'user', 'escalation', 'schedule'] as const;

export interface OpsgenieResponderConfig {
  /** Templates. */
  id: string;
  name: string;
  username: string;
  type: string;
}

export interface OpsgenieSettings {
  /** Ends with `/`: the API paths are appended to it. */
  apiUrl: string;
  apiKey: SecretValue;
  sendResolved: boolean;
  /** Templates ('' = default). */
  message: string;
  description: string;
  source: string;
  details: Record<string, string>;
  responders: OpsgenieResponderConfig[];
  tags: string;
  note: string;
  priority: string;
  entity: string;
  actions: string;
  /** `update_alerts`: after the create, PUT the message and description, so an alert Opsgenie deduplicated shows the new text. */
  updateAlerts: boolean;
  transport?: HttpTransport;
}

/** One Alert API call: the path under `api_url` (with its query) and the JSON body. */
export interface OpsgenieRequest {
  /** Default POST; the `update_alerts` calls are PUTs. */
  method?: 'PUT';
  path: string;
  body: Record<string, unknown>;
}

type TemplateContext = Pick<NotifierContext, 'onTemplateError'>;
type Render = (source: string, field: string, fallback?: string) => string;

/** Alertmanager's alias: hex SHA-256 of the group key (64 characters, within Opsgenie's 512). */
export function opsgenieAlias(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** The default texts, also what `{{ template "opsgenie.default.*" . }}` renders to. */
function defaults(notification: Notification): { message: string; description: string; source: string } {
  const source = [notification.dashboardUrl, notification.externalUrl].find((url) => url !== '' && runeLength(url) <= opsgenieLimits.source) ?? 'sre-monitor';
  return { message: notificationTitle(notification), description: notificationText(notification), source };
}

/** Renders user templates; one that fails is logged and replaced by `fallback`, never dropping the notification. */
function renderer(notification: Notification, context: TemplateContext): Render {
  const known = defaults(notification);
  const named = defaultNamedTemplates(notification, {
    'opsgenie.default.message': known.message,
    'opsgenie.default.description': known.description,
    'opsgenie.default.source': known.source,
  });
  return fieldRenderer(notification, named, context);
}

/** Alertmanager's `safeSplit` (comma-separated, empty items dropped), each item trimmed and cut to `itemMax`, at most `count` items. */
function commaList(text: string, count: number, itemMax: number): string[] {
  const items = text.split(',').map((item) => truncateRunes(item.trim(), itemMax)).filter((item) => item !== '');
  return [...new Set(items)].slice(0, count);
}

/**
 * The common labels, then the configured details (which win on the same key), within Opsgenie's
 * 8,000 characters for keys and values together: configured details get the room first, a value
 * that does not fit is cut, a key that does not fit is left out.
 */
function alertDetails(notification: Notification, configured: Record<string, string>): Record<string, string> {
  const wanted = { ...notification.commonLabels, ...configured };
  const order = [...Object.keys(configured), ...Object.keys(notification.commonLabels).filter((key) => !(key in configured))];
  let room: number = opsgenieLimits.details;
  const kept: Record<string, string> = {};
  for (const key of order) {
    const keyLength = runeLength(key);
    if (keyLength >= room) continue;
    const value = truncateRunes(wanted[key] ?? '', room - keyLength);
    kept[key] = value;
    room -= keyLength + runeLength(value);
  }
  return Object.fromEntries(Object.keys(wanted).filter((key) => key in kept).map((key) => [key, kept[key] ?? '']));
}

/** What Opsgenie identifies each responder type by. */
const responderIdentifiers: Record<string, Array<'id' | 'name' | 'username'>> = {
  team: ['id', 'name'],
  user: ['id', 'username'],
  escalation: ['id', 'name'],
  schedule: ['id', 'name'],
};

/**
 * The rendered responders: ones without an id, name or username left out (so a template on a
 * label that is not set adds no one, as in Alertmanager), `teams` expanded to one `team` per comma-separated name. One that
 * Opsgenie would refuse (an unknown type, no id / name / username for its type) is left out
 * and logged, rather than have Opsgenie refuse the whole alert; at most 50.
 */
function alertResponders(notification: Notification, settings: OpsgenieSettings, render: Render, context: TemplateContext): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  settings.responders.forEach((configured, index) => {
    const field = (key: keyof OpsgenieResponderConfig): string => render(configured[key], `responders[${index}].${key}`).trim();
    const responder = { id: field('id'), name: field('name'), username: field('username'), type: field('type').toLowerCase() };
    // Nothing to address (a template on a label this group does not have): no responder, as Alertmanager leaves out empty ones.
    if (responder.id === '' && responder.name === '' && responder.username === '') return;
    if (responder.type === 'teams') {
      for (const team of commaList(responder.name, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) out.push({ name: team, type: 'team' });
      return;
    }
    const identifiers = responderIdentifiers[responder.type];
    const usable = identifiers?.filter((key) => responder[key] !== '') ?? [];
    if (identifiers === undefined || usable.length === 0) {
      const why = identifiers === undefined ? `type "${responder.type}" is not one of team, teams, user, escalation, schedule` : `a ${responder.type} responder needs ${identifiers.join(' or ')}`;
      context.onTemplateError(`${fieldName(notification, `responders[${index}]`)}: ${why}; sent without this responder`);
      return;
    }
    out.push({ ...Object.fromEntries(usable.map((key) => [key, responder[key]])), type: responder.type });
  });
  if (out.length > opsgenieLimits.responders) context.onTemplateError(`${fieldName(notification, 'responders')}: ${out.length} responders, Opsgenie takes ${opsgenieLimits.responders}; sent the first ${opsgenieLimits.responders}`);
  return out.slice(0, opsgenieLimits.responders);
}

/** `P1`..`P5` (case and spaces forgiven); anything else is left out (Opsgenie then uses P3) and logged. */
function alertPriority(notification: Notification, settings: OpsgenieSettings, render: Render, context: TemplateContext): string {
  const rendered = render(settings.priority, 'priority').trim().toUpperCase();
  if (rendered === '' || (opsgeniePriorities as readonly string[]).includes(rendered)) return rendered;
  context.onTemplateError(`${fieldName(notification, 'priority')}: rendered "${truncateRunes(rendered, 40)}", not one of P1..P5; sent without a priority (Opsgenie uses P3)`);
  return '';
}

const optional = (key: string, value: string): Record<string, string> => (value === '' ? {} : { [key]: value });
const optionalList = <T>(key: string, value: T[]): Record<string, T[]> => (value.length === 0 ? {} : { [key]: value });

/** The source of every call: the template, else the dashboard link, within Opsgenie's 100 characters. */
function sourceOf(notification: Notification, settings: OpsgenieSettings, render: Render): string {
  const fallback = defaults(notification).source;
  return truncateRunes(render(settings.source, 'source', fallback).trim() || fallback, opsgenieLimits.source);
}

/** The create-alert body. */
function createBody(notification: Notification, settings: OpsgenieSettings, context: TemplateContext): Record<string, unknown> {
  const render = renderer(notification, context);
  const known = defaults(notification);
  // Opsgenie requires a message of at most 130 characters: Alertmanager cuts it (in runes, with an ellipsis); an empty one gets the default.
  const message = truncateRunes(render(settings.message, 'message', known.message).trim() || known.message, opsgenieLimits.message);
  const details = Object.fromEntries(Object.entries(settings.details).map(([key, value]) => [key, render(value, `details.${key}`)]));
  return {
    alias: opsgenieAlias(notification.groupKey),
    message,
    ...optional('description', truncateRunes(render(settings.description, 'description', known.description), opsgenieLimits.description)),
    details: alertDetails(notification, details),
    source: sourceOf(notification, settings, render),
    ...optionalList('responders', alertResponders(notification, settings, render, context)),
    ...optionalList('tags', commaList(render(settings.tags, 'tags'), opsgenieLimits.tags, opsgenieLimits.tag)),
    ...optional('note', truncateRunes(render(settings.note, 'note'), opsgenieLimits.note)),
    ...optional('priority', alertPriority(notification, settings, render, context)),
    ...optional('entity', truncateRunes(render(settings.entity, 'entity').trim(), opsgenieLimits.entity)),
    ...optionalList('actions', commaList(render(settings.actions, 'actions'), opsgenieLimits.actions, opsgenieLimits.action)),
  };
}

/**
 * The Alert API calls for a notification, in order: create for firing (then, with
 * `update_alerts`, PUT its message and description, as Alertmanager does), close (by alias) for
 * resolved, acknowledge (by alias) when every firing alert is acknowledged in sre-monitor.
 */
export function opsgenieRequests(notification: Notification, settings: OpsgenieSettings, context: TemplateContext): OpsgenieRequest[] {
  const alias = encodeURIComponent(opsgenieAlias(notification.groupKey));
  if (notification.status === 'resolved') {
    return [{ path: `v2/alerts/${alias}/close?identifierType=alias`, body: { source: sourceOf(notification, settings, renderer(notification, context)) } }];
  }
  if (notification.acknowledged) {
    const body = { source: sourceOf(notification, settings, renderer(notification, context)), note: 'Acknowledged in sre-monitor' };
    return [{ path: `v2/alerts/${alias}/acknowledge?identifierType=alias`, body }];
  }
  const create = createBody(notification, settings, context);
  if (!settings.updateAlerts) return [{ path: 'v2/alerts', body: create }];
  return [
    { path: 'v2/alerts', body: create },
    { method: 'PUT', path: `v2/alerts/${alias}/message?identifierType=alias`, body: { message: create.message } },
    // Left out when the description is empty, as the create leaves it out (Alertmanager PUTs it anyway).
    ...(typeof create.description === 'string' && create.description !== '' ? [{ method: 'PUT' as const, path: `v2/alerts/${alias}/description?identifierType=alias`, body: { description: create.description } }] : []),
  ];
}

/** The API key at send time: a file is read now; a key with `{{` is a template, as Alertmanager renders it. */
async function apiKeyFor(notification: Notification, settings: OpsgenieSettings, context: NotifierContext): Promise<string> {
  const key = await resolveSecret(settings.apiKey, context);
  if (!key.includes('{{')) return key;
  return renderGoTemplate(key, templateData(notification), () => undefined).trim();
}

export function createOpsgenieNotifier(settings: OpsgenieSettings, context: NotifierContext): Notifier {
  return {
    key: 'opsgenie_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let apiKey: string;
      try {
        apiKey = await apiKeyFor(notification, settings, context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : `the api_key template does not render: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (apiKey === '') return configFailure('the Opsgenie API key is empty');
      // The GenieKey is the Authorization header, as in Alertmanager (where it takes precedence over http_config's authentication).
      const headers = { authorization: `GenieKey ${apiKey}`, 'idempotency-key': notification.idempotencyKey };
      let result: DeliveryResult = configFailure('no Opsgenie request');
      // One after the other, stopping at the first failure; a retry starts again with the create, which Opsgenie deduplicates by alias.
      for (const request of opsgenieRequests(notification, settings, context)) {
        const url = new URL(request.path, settings.apiUrl).href;
        result = await postToReceiver({ url: { kind: 'inline', value: url }, ...(request.method === undefined ? {} : { method: request.method }), body: JSON.stringify(request.body), contentType: 'application/json', headers, transport: settings.transport }, context, signal);
        if (!result.ok) return result;
      }
      return result;
    },
  };
}

const isTemplate = (text: string): boolean => text.includes('{{');

/** `responders`: each with at least one of id, name, username and a known type (unless the type is a template), as Alertmanager checks them. */
function readResponders(reader: IntegrationConfigReader): OpsgenieResponderConfig[] {
  const path = reader.at('responders');
  return (readList(reader.mapping.responders, path, reader.problems) ?? []).flatMap((item, index) => {
    const at = [...path, index];
    const mapping = readMapping(item, at, reader.problems);
    if (mapping === undefined) {
      if (item === null || item === undefined) reader.problems.add(at, 'must be a mapping with a type and an id, name or username');
      return [];
    }
    const entry = new IntegrationConfigReader(mapping, at, reader.problems);
    entry.checkKeys(['id', 'name', 'username', 'type']);
    const responder = { id: entry.string('id'), name: entry.string('name'), username: entry.string('username'), type: entry.string('type') };
    let ok = true;
    if (responder.id === '' && responder.name === '' && responder.username === '') {
      reader.problems.add(at, 'a responder needs at least one of id, name or username');
      ok = false;
    }
    if (!isTemplate(responder.type)) {
      responder.type = responder.type.trim().toLowerCase();
      if (!(opsgenieResponderTypes as readonly string[]).includes(responder.type)) {
        reader.problems.add(entry.at('type'), responder.type === '' ? 'missing type (team, teams, user, escalation or schedule)' : `must be team, teams, user, escalation or schedule, got "${responder.type}"`);
        ok = false;
      }
    }
    return ok ? [responder] : [];
  });
}

/** A fixed `priority` must be P1..P5 (a template is checked when rendered). */
function readPriority(reader: IntegrationConfigReader): string {
  const priority = reader.string('priority');
  if (priority.trim() === '' || isTemplate(priority) || (opsgeniePriorities as readonly string[]).includes(priority.trim().toUpperCase())) return priority;
  reader.problems.add(reader.at('priority'), `must be P1, P2, P3, P4 or P5 (or a template), got "${priority}"`);
  return '';
}

export const buildOpsgenieIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(['api_key', 'api_key_file', 'api_url', 'message', 'description', 'source', 'details', 'entity', 'responders', 'actions', 'tags', 'note', 'priority', 'send_resolved', 'update_alerts', 'http_config']);
  const apiUrl = reader.string('api_url') || globalString(global, 'opsgenie_api_url') || defaultOpsgenieApiUrl;
  const urlOk = checkHttpUrl(apiUrl, reader.at('api_url'), reader.problems);
  const apiKey = reader.secret('api_key', { required: false, fallback: globalSecret(global, 'opsgenie_api_key') });
  if (apiKey === undefined && !reader.has('api_key_file')) {
    reader.problems.add(reader.path, 'missing api_key (set api_key or api_key_file here, or global.opsgenie_api_key or global.opsgenie_api_key_file)');
  }
  // Reported by httpAuth when malformed; not sent: the Authorization header carries the GenieKey.
  reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: OpsgenieSettings = {
    // Alertmanager appends `v2/alerts` to the URL's path: a base without a trailing slash gets one.
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    apiKey: apiKey ?? { kind: 'inline', value: '' },
    sendResolved: reader.boolean('send_resolved', true),
    updateAlerts: reader.boolean('update_alerts', false),
    message: reader.string('message'),
    description: reader.string('description'),
    source: reader.string('source'),
    details: reader.stringMap('details'),
    responders: readResponders(reader),
    tags: reader.string('tags'),
    note: reader.string('note'),
    priority: readPriority(reader),
    entity: reader.string('entity'),
    actions: reader.string('actions'),
    ...(transport ? { transport } : {}),
  };
  if (!urlOk || apiKey === undefined) return undefined;
  return { notifier: createOpsgenieNotifier(settings, context), maxAlerts: 0 };
};
