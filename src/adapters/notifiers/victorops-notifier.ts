/**
 * `victorops_configs`: Splunk On-Call (VictorOps) REST endpoint integration, as Alertmanager
 * sends it: POST `<api_url><api_key>/<routing_key>` with a flat JSON object of
 * `message_type`, `entity_id`, `entity_display_name`, `state_message`, `monitoring_tool` and the
 * configured `custom_fields`. `entity_id` is the hex SHA-256 of the group key (Alertmanager's
 * `Key.Hash()`), so every event of a group addresses one incident. `message_type` is
 * `RECOVERY` for a resolved notification, `ACKNOWLEDGEMENT` once every firing alert is
 * acknowledged in sre-monitor (Alertmanager has no acknowledgements), else the rendered
 * `message_type` when it is CRITICAL, WARNING or INFO, and CRITICAL otherwise (as Alertmanager
 * does). The API key is part of the URL path: failure messages name the host only.
 */
import { createHash } from 'node:crypto';
import type { Mapping } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { renderGoTemplate, type NamedTemplates } from './go-template.js';
import { configFailure, postToReceiver, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, globalSecret, globalString, type HttpAuth, type IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { notificationText, notificationTitle, truncateRunes } from './notification-text.js';
import { defaultNamedTemplates, fieldName, fieldRenderer, templateData } from './template-rendering.js';

export const defaultVictorOpsApiUrl = 'https://alert.victorops.com/integrations/generic/20131114/alert/';
/**
 * Splunk On-Call's limit for `state_message` (incident fields glossary): 20,480 characters.
 * Alertmanager cuts it to 20,480 runes (Unicode code points, not bytes): the first 20,479 and `…`.
 */
export const victorOpsStateMessageLimit = 20_480;
/** Every `message_type` Splunk On-Call knows. */
export const victorOpsMessageTypes = ['CRITICAL', 'WARNING', 'INFO', 'ACKNOWLEDGEMENT', 'RECOVERY'] as const;
export type VictorOpsMessageType = (typeof victorOpsMessageTypes)[number];
/** What `message_type` may choose for a firing notification (Alertmanager's allowed set; anything else is CRITICAL). */
export const victorOpsFiringTypes: readonly VictorOpsMessageType[] = ['CRITICAL', 'WARNING', 'INFO'];
/** Body fields the integration sets itself; Alertmanager refuses them in `custom_fields`. */
export const victorOpsReservedFields = ['routing_key', 'message_type', 'state_message', 'entity_display_name', 'monitoring_tool', 'entity_id', 'entity_state'];
/** `monitoring_tool` by default (Alertmanager sends `Alertmanager`). */
export const victorOpsMonitoringTool = 'sre-monitor';

export interface VictorOpsSettings {
  /** Its path ends with `/` (added when missing, as Alertmanager does). */
  apiUrl: string;
  apiKey: SecretValue;
  /** Templates ('' = default, except `routingKey`, which is required). */
  routingKey: string;
  messageType: string;
  entityDisplayName: string;
  stateMessage: string;
  monitoringTool: string;
  customFields: Record<string, string>;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

/** Alertmanager's `entity_id`: hex SHA-256 of the group key, the same for every event of a group. */
export function victorOpsEntityId(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** The default state message: the notification's plain text (what, where, since, description, links). */
function defaultStateMessage(notification: Notification): string {
  return truncateRunes(notificationText(notification), victorOpsStateMessageLimit);
}

/** `{{ template "victorops.default.*" . }}` and `__alertmanager` resolve to sre-monitor's defaults. */
function namedTemplates(notification: Notification, stateMessage: string): NamedTemplates {
  return defaultNamedTemplates(notification, {
    'victorops.default.state_message': stateMessage,
    'victorops.default.entity_display_name': notificationTitle(notification),
    'victorops.default.monitoring_tool': victorOpsMonitoringTool,
    __alertmanager: victorOpsMonitoringTool,
  });
}

type Render = (source: string, field: string, fallback: string) => string;

/** Renders a field's template; one that fails is reported and replaced by `fallback`, never dropping the notification. */
function renderer(notification: Notification, named: NamedTemplates, context: Pick<NotifierContext, 'onTemplateError'>): Render {
  return fieldRenderer(notification, named, context);
}

/**
 * The event's `message_type`: RECOVERY when resolved, ACKNOWLEDGEMENT when acknowledged, else the
 * rendered `message_type` (surrounding whitespace ignored) when it is one a firing event may
 * take, else CRITICAL (as Alertmanager), reported through `onTemplateError`.
 */
export function victorOpsMessageType(notification: Notification, rendered: string, report: (message: string) => void): VictorOpsMessageType {
  if (notification.status === 'resolved') return 'RECOVERY';
  if (notification.acknowledged) return 'ACKNOWLEDGEMENT';
  const type = rendered.trim();
  const allowed = victorOpsFiringTypes.find((candidate) => candidate === type);
  if (allowed !== undefined) return allowed;
  report(`${fieldName(notification, 'message_type')}: rendered ${JSON.stringify(type)}, not one of ${victorOpsFiringTypes.join(', ')}; sent CRITICAL instead`);
  return 'CRITICAL';
}

/** The JSON body for a notification (the routing key goes in the URL). */
export function victorOpsEvent(notification: Notification, settings: VictorOpsSettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, string> {
  const fallbackState = defaultStateMessage(notification);
  const render = renderer(notification, namedTemplates(notification, fallbackState), context);
  const custom: Record<string, string> = {};
  for (const [name, source] of Object.entries(settings.customFields)) {
    // The config refuses reserved names; skipping them here keeps the fixed fields authoritative regardless.
    if (!victorOpsReservedFields.includes(name)) custom[name] = render(source, `custom_fields.${name}`, '');
  }
  return {
    message_type: victorOpsMessageType(notification, render(settings.messageType, 'message_type', 'CRITICAL'), (message) => context.onTemplateError(message)),
    entity_id: victorOpsEntityId(notification.groupKey),
    entity_display_name: render(settings.entityDisplayName, 'entity_display_name', notificationTitle(notification)),
    // Cut like Alertmanager: 20,480 code points, the last one `…`.
    state_message: truncateRunes(render(settings.stateMessage, 'state_message', fallbackState), victorOpsStateMessageLimit),
    monitoring_tool: render(settings.monitoringTool, 'monitoring_tool', victorOpsMonitoringTool),
    ...custom,
  };
}

/** Go's path escaping (url.URL.String): unreserved characters and `$&+,/:;=@` stay, the rest is %-encoded. */
function escapePath(segment: string): string {
  return Array.from(segment)
    .map((character) => (/^[A-Za-z0-9\-._~$&+,/:;=@]$/.test(character) ? character : encodeURIComponent(character)))
    .join('');
}

/** `<api_url><api_key>/<routing_key>`, keeping the API URL's query. */
export function victorOpsAlertUrl(apiUrl: string, apiKey: string, routingKey: string): string {
  const url = new URL(apiUrl);
  url.pathname = `${url.pathname}${escapePath(apiKey)}/${escapePath(routingKey)}`;
  return url.href;
}

/** The routing key rendered, or why it could not be: there is no default route to fall back to. */
function renderRoutingKey(notification: Notification, settings: VictorOpsSettings, context: Pick<NotifierContext, 'onTemplateError'>): { key: string } | { problem: string } {
  let key: string;
  try {
    key = renderGoTemplate(settings.routingKey, templateData(notification), defaultNamedTemplates(notification)).trim();
  } catch (error) {
    const problem = `${fieldName(notification, 'routing_key')}: ${error instanceof Error ? error.message : String(error)}; not sent (a routing key has no default)`;
    context.onTemplateError(problem);
    return { problem: `the routing_key template failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return key === '' ? { problem: 'the routing_key rendered empty' } : { key };
}

/** A failure message with the API key replaced, should a receiver echo the URL in its answer. */
function redacted(result: DeliveryResult, apiKey: string): DeliveryResult {
  if (result.ok || apiKey === '' || !result.message.includes(apiKey)) return result;
  return { ...result, message: result.message.split(apiKey).join('<api_key>') };
}

export function createVictorOpsNotifier(settings: VictorOpsSettings, context: NotifierContext): Notifier {
  return {
    key: 'victorops_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let apiKey: string;
      try {
        apiKey = await resolveSecret(settings.apiKey, context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : String(error));
      }
      if (apiKey === '') return configFailure('the api_key is empty');
      const routing = renderRoutingKey(notification, settings, context);
      if ('problem' in routing) return configFailure(routing.problem);
      const url = victorOpsAlertUrl(settings.apiUrl, apiKey, routing.key);
      const body = JSON.stringify(victorOpsEvent(notification, settings, context));
      const headers = { 'idempotency-key': notification.idempotencyKey };
      const result = await postToReceiver({ url: { kind: 'inline', value: url }, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
      return redacted(result, apiKey);
    },
  };
}

/** The entry's `api_url`, else `global.victorops_api_url`, else Splunk On-Call's; its path ending with `/`. */
function readApiUrl(reader: IntegrationConfigReader, global: Mapping): string | undefined {
  const own = reader.string('api_url');
  const text = own || globalString(global, 'victorops_api_url') || defaultVictorOpsApiUrl;
  if (!checkHttpUrl(text, own === '' ? reader.globalPath('victorops_api_url') : reader.at('api_url'), reader.problems)) return undefined;
  const url = new URL(text);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url.href;
}

/** `api_key` / `api_key_file`, else `global.victorops_api_key` / `victorops_api_key_file`. */
function readApiKey(reader: IntegrationConfigReader, global: Mapping): SecretValue | undefined {
  const fallback = globalSecret(global, 'victorops_api_key');
  if (fallback === undefined && !reader.has('api_key') && !reader.has('api_key_file')) {
    reader.problems.add(reader.path, 'missing api_key (set api_key or api_key_file, or global.victorops_api_key or global.victorops_api_key_file)');
    return undefined;
  }
  return reader.secret('api_key', { required: true, ...(fallback === undefined ? {} : { fallback }) });
}

/** Required; a template rendered at each send. */
function readRoutingKey(reader: IntegrationConfigReader): string | undefined {
  if (!reader.has('routing_key')) return reader.problems.add(reader.path, 'missing routing_key');
  const text = reader.string('routing_key');
  if (text.trim() === '') return reader.problems.add(reader.at('routing_key'), 'must not be blank');
  return text;
}

/** A fixed `message_type` must be one a firing event may take; a template is checked when rendered. */
function readMessageType(reader: IntegrationConfigReader): string {
  const text = reader.string('message_type');
  if (text === '' || text.includes('{{') || victorOpsFiringTypes.some((type) => type === text.trim())) return text;
  const hint = text.trim() === 'RECOVERY' || text.trim() === 'ACKNOWLEDGEMENT' ? `; sre-monitor sends ${text.trim()} itself` : '';
  reader.problems.add(reader.at('message_type'), `must be CRITICAL, WARNING or INFO (or a template), got ${JSON.stringify(text)}${hint}; Alertmanager would send CRITICAL instead`);
  return '';
}

/** Templates merged into the body; the fields the integration sets itself are refused, as in Alertmanager. */
function readCustomFields(reader: IntegrationConfigReader): Record<string, string> {
  const fields = reader.stringMap('custom_fields');
  for (const name of Object.keys(fields)) {
    if (victorOpsReservedFields.includes(name)) reader.problems.add([...reader.at('custom_fields'), name], `is reserved: the integration sets it (reserved: ${victorOpsReservedFields.join(', ')})`);
  }
  return fields;
}

export const buildVictorOpsIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(
    ['api_key', 'api_key_file', 'api_url', 'routing_key', 'message_type', 'state_message', 'entity_display_name', 'monitoring_tool', 'custom_fields', 'send_resolved', 'http_config'],
    ['timeout'],
  );
  const apiUrl = readApiUrl(reader, global);
  const apiKey = readApiKey(reader, global);
  const routingKey = readRoutingKey(reader);
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: VictorOpsSettings = {
    apiUrl: apiUrl ?? defaultVictorOpsApiUrl,
    apiKey: apiKey ?? { kind: 'inline', value: '' },
    routingKey: routingKey ?? '',
    messageType: readMessageType(reader),
    entityDisplayName: reader.string('entity_display_name'),
    stateMessage: reader.string('state_message'),
    monitoringTool: reader.string('monitoring_tool'),
    customFields: readCustomFields(reader),
    sendResolved: reader.boolean('send_resolved', true),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  // Other problems (message_type, custom_fields ...) are in the list: the entry is not built either.
  if (apiUrl === undefined || apiKey === undefined || routingKey === undefined) return undefined;
  return { notifier: createVictorOpsNotifier(settings, context), maxAlerts: 0 };
};
