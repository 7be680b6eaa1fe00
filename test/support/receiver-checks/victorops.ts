/**
 * Splunk On-Call (VictorOps) REST endpoint integration stand-in: POST
 * `/integrations/generic/20131114/alert/<api_key>/<routing_key>` with a flat JSON object. The
 * check is strict about what the service documents and Alertmanager sends: the path (a REST
 * API key in UUID form, a non-empty routing key), `application/json`, `message_type` from the
 * five known values, a non-empty `entity_id`, the text fields as strings, `state_message` within
 * 20,480 characters, no field the integration reserves (`routing_key`, `entity_state`) and only
 * scalar values. No Authorization header is documented (the key is in the path), so none is
 * checked. A good request is answered like the service: 200 `{"result":"success","entity_id":...}`.
 */
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape } from './channel-shape.js';

export const victoropsAlertPath = '/integrations/generic/20131114/alert/';
const apiKeyPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const messageTypes = ['CRITICAL', 'WARNING', 'INFO', 'ACKNOWLEDGEMENT', 'RECOVERY'];
const textFields = ['entity_display_name', 'state_message', 'monitoring_tool'];
const stateMessageLimit = 20_480;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function checkPath(path: string, problems: string[]): void {
  if (!path.startsWith(victoropsAlertPath)) return void problems.push(`path must start with ${victoropsAlertPath}`);
  const [apiKey, routingKey, ...rest] = path.slice(victoropsAlertPath.length).split('?')[0]?.split('/') ?? [];
  if (rest.length > 0 || routingKey === undefined) return void problems.push('path must be <api_key>/<routing_key> after the alert endpoint');
  if (!apiKeyPattern.test(apiKey ?? '')) problems.push('the api_key path segment must be a REST endpoint key (a UUID)');
  const route = decoded(routingKey);
  if (route === undefined || route.trim() === '') problems.push('the routing_key path segment must be a non-empty routing key');
}

function checkVictorOps(request: RecordedRequest, problems: string[]): void {
  if (request.method !== 'POST') problems.push('method must be POST');
  if (!String(request.headers['content-type']).startsWith('application/json')) problems.push('content-type must be application/json');
  checkPath(request.path, problems);
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  if (typeof body.message_type !== 'string' || !messageTypes.includes(body.message_type)) problems.push(`message_type must be one of ${messageTypes.join(', ')}`);
  if (typeof body.entity_id !== 'string' || body.entity_id.trim() === '') problems.push('entity_id must be a non-empty string (it ties the events of an incident together)');
  for (const field of textFields) if (body[field] !== undefined && typeof body[field] !== 'string') problems.push(`${field} must be a string`);
  if (typeof body.state_message === 'string' && Array.from(body.state_message).length > stateMessageLimit) problems.push(`state_message: ${Array.from(body.state_message).length} characters, at most ${stateMessageLimit}`);
  for (const field of ['routing_key', 'entity_state']) if (field in body) problems.push(`${field} must not be in the body (the routing key is in the path; entity_state is set by the service)`);
  for (const [field, value] of Object.entries(body)) {
    if (value === null || typeof value === 'object') problems.push(`${field} must be a string, number or boolean (fields are flat)`);
  }
}

export const victoropsShape: ChannelShape = {
  check: checkVictorOps,
  success: (parsed) => ({
    status: 200,
    body: JSON.stringify({ result: 'success', entity_id: isObject(parsed) && typeof parsed.entity_id === 'string' ? parsed.entity_id : '' }),
    headers: { 'content-type': 'application/json' },
  }),
  failure: (problems) => ({ status: 400, body: JSON.stringify({ result: 'failure', message: problems.join('; ') }), headers: { 'content-type': 'application/json' } }),
};
