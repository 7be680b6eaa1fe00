/**
 * Webex Messages API stand-in (`POST /v1/messages`, "Create a Message"): a bot token as
 * `Authorization: Bearer <token>`, a JSON body with `roomId` (and no other target), exactly one
 * of `text` and `markdown` (what Alertmanager sends), at most 7,439 bytes of UTF-8, and only the
 * documented fields. A good request is answered 200 with the created message object.
 */
import type { ChannelShape } from './channel-shape.js';

export const webexPath = '/v1/messages';
export const webexMaxMessageBytes = 7439;
const documentedFields = new Set(['roomId', 'parentId', 'toPersonId', 'toPersonEmail', 'text', 'markdown', 'files', 'attachments']);
/** Room ids are base64 of `ciscospark://<region>/ROOM/<uuid>` (URL-safe or not, padded or not). */
const roomIdPattern = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** Bot tokens: letters, digits, `_` and `-` (e.g. `ZjM3...ODky_P0A1_4a252141-f787-...`). */
const bearerPattern = /^Bearer [A-Za-z0-9._~+/-]+=*$/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkMessageText(name: string, value: unknown, problems: string[]): void {
  if (typeof value !== 'string') return void problems.push(`${name} must be a string`);
  if (value.trim() === '') problems.push(`${name} must not be empty`);
  if (loneSurrogate.test(value)) problems.push(`${name} is not valid UTF-8 (a character was cut in half)`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > webexMaxMessageBytes) problems.push(`${name}: ${bytes} bytes, at most ${webexMaxMessageBytes}`);
}

export const webexShape: ChannelShape = {
  check(request, problems) {
    if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
    if (request.path !== webexPath) problems.push(`path must be ${webexPath}, got ${request.path}`);
    if (!/^application\/json(\s*;|$)/i.test(String(request.headers['content-type'] ?? ''))) problems.push('content-type must be application/json');
    const authorization = String(request.headers.authorization ?? '');
    if (!bearerPattern.test(authorization)) problems.push('Authorization must be "Bearer <access token>"');
    const body = request.parsed;
    if (!isObject(body)) return void problems.push('body must be a JSON object');
    for (const key of Object.keys(body)) if (!documentedFields.has(key)) problems.push(`unknown field ${key}`);
    if (typeof body.roomId !== 'string' || !roomIdPattern.test(body.roomId)) problems.push('roomId must be a room id (base64 text)');
    if (body.toPersonId !== undefined || body.toPersonEmail !== undefined) problems.push('roomId, toPersonId and toPersonEmail: only one target');
    const texts = (['text', 'markdown'] as const).filter((key) => body[key] !== undefined);
    if (texts.length !== 1) problems.push(`exactly one of text and markdown, got ${texts.length === 0 ? 'neither' : 'both'}`);
    for (const key of texts) checkMessageText(key, body[key], problems);
  },
  success(parsed) {
    const body = isObject(parsed) ? parsed : {};
    const message = {
      id: 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2LThhZTktZGQ1YjNkZmM1NjVk',
      roomId: body.roomId,
      roomType: 'group',
      ...(typeof body.text === 'string' ? { text: body.text } : {}),
      ...(typeof body.markdown === 'string' ? { markdown: body.markdown, text: body.markdown } : {}),
      personId: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY',
      personEmail: 'sre-monitor@webex.bot',
      created: '2026-01-01T10:01:00.000Z',
    };
    return { status: 200, body: JSON.stringify(message), headers: { 'content-type': 'application/json;charset=UTF-8', trackingid: 'ROUTER_00000000-0000-0000-0000-000000000000' } };
  },
};
