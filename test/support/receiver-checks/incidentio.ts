/**
 * incident.io's HTTP alert source (`POST /v2/alert_events/http/<alert source config id>`) as it
 * takes Alertmanager's messages: a Bearer alert source token, Alertmanager's webhook message with
 * `version: "1"`, at most 512 KiB. It answers 202 with `{status, message, deduplication_key}`.
 */
import type { ChannelShape } from './channel-shape.js';
import { checkAlertmanagerWebhook, isObject } from './json-shape.js';

/** The token the stand-in accepts; tests configure it as `alert_source_token`. */
export const incidentioToken = 'inc_test_0123456789abcdef0123456789abcdef';

export const incidentioShape: ChannelShape = {
  check(request, problems) {
    if (request.method !== 'POST') problems.push('method must be POST');
    if (!/^\/v2\/alert_events\/http\/[0-9A-Z]{26}$/.test(request.path)) problems.push('path must be /v2/alert_events/http/<alert source config id>');
    if (!String(request.headers['content-type']).startsWith('application/json')) problems.push('content-type must be application/json');
    if (request.headers.authorization !== `Bearer ${incidentioToken}`) problems.push('authorization must be Bearer <alert source token>');
    if (Buffer.byteLength(request.body) > 512 * 1024) problems.push('payload over 512 KiB');
    if (!isObject(request.parsed)) return void problems.push('body must be a JSON object');
    checkAlertmanagerWebhook(request.parsed, problems, '1');
  },
  success: (parsed) => ({
    status: 202,
    body: JSON.stringify({ status: 'success', message: 'Event accepted for processing', deduplication_key: isObject(parsed) ? String(parsed.groupKey) : '' }),
    headers: { 'content-type': 'application/json' },
  }),
};
