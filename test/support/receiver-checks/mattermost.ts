/**
 * Mattermost incoming-webhook stand-in (`POST /hooks/<26-character id>`, JSON): only the
 * documented parameters (`text`, `channel`, `username`, `icon_url`, `icon_emoji`,
 * `attachments`, `type`, `props.card`, `priority`) with their types; `text` or `attachments`
 * present; `text` at most 16,383 characters (runes) and never a character cut in half;
 * attachments with the message-attachment fields only, `fields` as `{title, value, short}`;
 * `type` starting with `custom_`; `priority` one of urgent / important / standard, with
 * `requested_ack` only on important or urgent and `persistent_notifications` only on urgent.
 * A good request is answered `200 ok` (text/plain); a bad one `400` with Mattermost's error
 * JSON (`{id, message, detailed_error, request_id, status_code}`).
 */
import type { ChannelShape } from './channel-shape.js';
import { isObject, type Json } from './json-shape.js';

export const mattermostHookPattern = /^\/hooks\/[a-z0-9]{26}$/;
export const mattermostMaxTextRunes = 16_383;
const postFields = new Set(['text', 'channel', 'username', 'icon_url', 'icon_emoji', 'attachments', 'type', 'props', 'priority']);
const attachmentStrings = ['fallback', 'color', 'pretext', 'text', 'author_name', 'author_link', 'author_icon', 'title', 'title_link', 'thumb_url', 'footer', 'footer_icon', 'image_url'];
const attachmentFields = new Set([...attachmentStrings, 'fields']);
const priorities = ['urgent', 'important', 'standard'];
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const runes = (text: string): number => Array.from(text).length;

function checkText(at: string, value: unknown, problems: string[]): void {
  if (typeof value !== 'string') return void problems.push(`${at} must be a string`);
  if (loneSurrogate.test(value)) problems.push(`${at} is not valid UTF-8 (a character was cut in half)`);
  const length = runes(value);
  if (length > mattermostMaxTextRunes) problems.push(`${at}: ${length} characters, at most ${mattermostMaxTextRunes}`);
}

function checkAttachment(attachment: unknown, at: string, problems: string[]): void {
  if (!isObject(attachment)) return void problems.push(`${at} must be an object`);
  for (const key of Object.keys(attachment)) if (!attachmentFields.has(key)) problems.push(`${at}: unknown field ${key}`);
  for (const key of attachmentStrings) if (attachment[key] !== undefined && typeof attachment[key] !== 'string') problems.push(`${at}.${key} must be a string`);
  if (attachment.text !== undefined) checkText(`${at}.text`, attachment.text, problems);
  if (attachment.fields === undefined) return;
  if (!Array.isArray(attachment.fields)) return void problems.push(`${at}.fields must be a list`);
  (attachment.fields as unknown[]).forEach((field, index) => {
    const where = `${at}.fields[${index}]`;
    if (!isObject(field)) return void problems.push(`${where} must be an object`);
    for (const key of Object.keys(field)) if (!['title', 'value', 'short'].includes(key)) problems.push(`${where}: unknown field ${key}`);
    if (typeof field.title !== 'string') problems.push(`${where}.title must be a string`);
    if (typeof field.value !== 'string') problems.push(`${where}.value must be a string`);
    if (field.short !== undefined && typeof field.short !== 'boolean') problems.push(`${where}.short must be a boolean`);
  });
}

function checkPriority(priority: unknown, problems: string[]): void {
  if (!isObject(priority)) return void problems.push('priority must be an object');
  for (const key of Object.keys(priority)) if (!['priority', 'requested_ack', 'persistent_notifications'].includes(key)) problems.push(`priority: unknown field ${key}`);
  if (typeof priority.priority !== 'string' || !priorities.includes(priority.priority)) problems.push('priority.priority must be urgent, important or standard');
  for (const key of ['requested_ack', 'persistent_notifications']) if (priority[key] !== undefined && typeof priority[key] !== 'boolean') problems.push(`priority.${key} must be a boolean`);
  if (priority.requested_ack === true && priority.priority !== 'urgent' && priority.priority !== 'important') problems.push('priority.requested_ack needs priority important or urgent');
  if (priority.persistent_notifications === true && priority.priority !== 'urgent') problems.push('priority.persistent_notifications needs priority urgent');
}

function checkPost(body: Json, problems: string[]): void {
  for (const key of Object.keys(body)) if (!postFields.has(key)) problems.push(`unknown field ${key}`);
  for (const key of ['channel', 'username', 'icon_url', 'icon_emoji', 'type']) if (body[key] !== undefined && typeof body[key] !== 'string') problems.push(`${key} must be a string`);
  if (typeof body.type === 'string' && body.type !== '' && !body.type.startsWith('custom_')) problems.push('type must start with custom_');
  if (body.text !== undefined) checkText('text', body.text, problems);
  const attachments = body.attachments;
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) problems.push('attachments must be a list');
    else attachments.forEach((attachment: unknown, index) => checkAttachment(attachment, `attachments[${index}]`, problems));
  }
  const hasText = typeof body.text === 'string' && body.text !== '';
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!hasText && !hasAttachments) problems.push('No text specified (text or attachments is required)');
  if (body.props !== undefined) {
    if (!isObject(body.props)) problems.push('props must be an object');
    else {
      for (const key of Object.keys(body.props)) if (key !== 'card') problems.push(`props: unknown field ${key}`);
      if (typeof body.props.card !== 'string') problems.push('props.card must be a string');
    }
  }
  if (body.priority !== undefined) checkPriority(body.priority, problems);
}

/** Mattermost's error ids for what the stand-in refuses. */
function errorIdOf(problem: string): string {
  if (problem.startsWith('path ')) return 'web.incoming_webhook.invalid.app_error';
  if (problem.startsWith('body ') || problem.startsWith('content-type')) return 'web.incoming_webhook.parse.app_error';
  if (problem.startsWith('No text')) return 'web.incoming_webhook.text.app_error';
  return 'web.incoming_webhook.invalid_payload.app_error';
}

export const mattermostShape: ChannelShape = {
  check(request, problems) {
    if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
    if (!mattermostHookPattern.test(request.path)) problems.push(`path must be /hooks/<26-character webhook id>, got ${request.path}`);
    if (!/^application\/json(\s*;|$)/i.test(String(request.headers['content-type'] ?? ''))) problems.push('content-type must be application/json');
    const body = request.parsed;
    if (!isObject(body)) return void problems.push('body must be a JSON object');
    checkPost(body, problems);
  },
  success: () => ({ status: 200, body: 'ok', headers: { 'content-type': 'text/plain', 'x-request-id': 'hoan6o9ws7rp5xj7wu9rmysrte' } }),
  failure(problems) {
    const first = problems[0] ?? 'invalid request';
    const error = { id: errorIdOf(first), message: first, detailed_error: problems.join('; '), request_id: 'hoan6o9ws7rp5xj7wu9rmysrte', status_code: 400 };
    return { status: 400, body: JSON.stringify(error), headers: { 'content-type': 'application/json' } };
  },
};
