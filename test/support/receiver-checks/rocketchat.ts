/**
 * Rocket.Chat REST API stand-in for `POST /api/v1/chat.postMessage` (developer.rocket.chat,
 * "Post Message"; the server's own checks: the `isChatPostMessageProps` schema, the route's
 * `Message_MaxAllowedSize` check and `validateAttachment`). Checks the personal access token
 * headers (`X-Auth-Token` and `X-User-Id`; without them Rocket.Chat answers 401 "You must be
 * logged in to do this."), a JSON body with only the documented parameters and `channel` as
 * `#channel`, `@user` or a room id, attachments with their documented fields and types (links
 * absolute http(s) URLs, `color` a CSS color, `fields` with a boolean `short` and string `title`
 * and `value`, `actions` as buttons), and the 5,000-character default `Message_MaxAllowedSize`
 * on `text` and each attachment's `text` (counted in UTF-16 units, as the server does). A good
 * request is answered 200 `{ts, channel, message, success: true}`; a bad one 400
 * `{success: false, error}`, as the server answers.
 */
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape } from './channel-shape.js';
import { isObject, type Json } from './json-shape.js';

export const rocketchatPath = '/api/v1/chat.postMessage';
export const rocketchatMaxAllowedSize = 5000;
/** Personal access tokens: 43 characters of base64url; user ids: Meteor ids (17 characters). */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const userIdPattern = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/;
/** `#channel` or `@user` (names without spaces), or a room id (one Meteor id, or two for a direct room). */
const channelPattern = /^(?:[#@][^\s#@]+|[A-Za-z0-9]{17}|[A-Za-z0-9]{34})$/;
const emojiPattern = /^:[a-z0-9_+-]+:$/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const sizeProblem = 'error-message-size-exceeded';
const authProblemPrefix = 'auth:';

const bodyParameters = new Set(['channel', 'text', 'alias', 'emoji', 'avatar', 'attachments', 'customFields']);
const attachmentFields: Record<string, 'string' | 'boolean' | 'url' | 'number' | 'list' | 'object' | 'timestamp'> = {
  color: 'string',
  text: 'string',
  ts: 'timestamp',
  thumb_url: 'url',
  button_alignment: 'string',
  actions: 'list',
  message_link: 'url',
  collapsed: 'boolean',
  author_name: 'string',
  author_link: 'url',
  author_icon: 'url',
  title: 'string',
  title_link: 'url',
  title_link_download: 'boolean',
  image_dimensions: 'object',
  image_url: 'url',
  image_preview: 'string',
  image_type: 'string',
  image_size: 'number',
  audio_url: 'url',
  audio_type: 'string',
  audio_size: 'number',
  video_url: 'url',
  video_type: 'string',
  video_size: 'number',
  fields: 'list',
};
const actionFields: Record<string, 'string' | 'boolean' | 'url'> = {
  type: 'string',
  text: 'string',
  url: 'url',
  image_url: 'url',
  is_webview: 'boolean',
  webview_height_ratio: 'string',
  msg: 'string',
  msg_in_chat_window: 'boolean',
  msg_processing_type: 'string',
};

/** CSS named colors (CSS Color Module Level 4), what an attachment's `color` (a CSS background color) may name. */
const cssColorNames = new Set(
  (
    'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood cadetblue chartreuse ' +
    'chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta ' +
    'darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet ' +
    'deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green ' +
    'greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral ' +
    'lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray ' +
    'lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple ' +
    'mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite ' +
    'navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink ' +
    'plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue ' +
    'slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen transparent'
  ).split(' '),
);
const cssColorFunction = /^(?:rgba?|hsla?)\(\s*[\d.%\s,/+-]+\)$/i;
const hexColor = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export function isCssColor(value: string): boolean {
  return hexColor.test(value) || cssColorNames.has(value.toLowerCase()) || cssColorFunction.test(value);
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function checkText(value: unknown, at: string, problems: string[]): void {
  if (typeof value !== 'string') return void problems.push(`${at} must be a string`);
  if (loneSurrogate.test(value)) problems.push(`${at} is not valid UTF-16 (a character was cut in half)`);
  if (value.length > rocketchatMaxAllowedSize) problems.push(`${sizeProblem}: ${at} has ${value.length} characters, Message_MaxAllowedSize is ${rocketchatMaxAllowedSize}`);
}

function checkTyped(value: unknown, type: string, at: string, problems: string[]): void {
  if (type === 'string' && typeof value !== 'string') problems.push(`${at} must be a string`);
  if (type === 'boolean' && typeof value !== 'boolean') problems.push(`${at} must be a boolean`);
  if (type === 'number' && typeof value !== 'number') problems.push(`${at} must be a number`);
  if (type === 'url' && !isHttpUrl(value)) problems.push(`${at}: Invalid href value provided (an absolute http(s) URL)`);
  if (type === 'list' && !Array.isArray(value)) problems.push(`${at} must be a list`);
  if (type === 'object' && !isObject(value)) problems.push(`${at} must be an object`);
  if (type === 'timestamp' && typeof value !== 'string' && typeof value !== 'number') problems.push(`${at} must be a string or a number`);
}

function checkKnown(object: Json, known: Record<string, string>, at: string, problems: string[]): void {
  for (const [key, value] of Object.entries(object)) {
    const type = known[key];
    if (type === undefined) problems.push(`${at}: unknown field ${key}`);
    else checkTyped(value, type, `${at}.${key}`, problems);
  }
}

function checkField(field: unknown, at: string, problems: string[]): void {
  if (!isObject(field)) return void problems.push(`${at} must be an object`);
  checkKnown(field, { short: 'boolean', title: 'string', value: 'string' }, at, problems);
  // Rocket.Chat before 3.x required both (Match.ObjectIncluding); the apps-engine type still does.
  for (const key of ['title', 'value']) if (!(key in field)) problems.push(`${at}.${key} is required`);
}

function checkAction(action: unknown, at: string, problems: string[]): void {
  if (!isObject(action)) return void problems.push(`${at} must be an object`);
  checkKnown(action, actionFields, at, problems);
  if (action.type !== 'button') problems.push(`${at}.type must be "button"`);
  if (action.text === undefined && action.image_url === undefined) problems.push(`${at}: a button needs text or image_url`);
  if (action.url === undefined && action.msg === undefined) problems.push(`${at}: a button needs url or msg`);
  if (action.msg_processing_type !== undefined && action.msg_processing_type !== 'sendMessage' && action.msg_processing_type !== 'respondWithMessage') problems.push(`${at}.msg_processing_type must be sendMessage or respondWithMessage`);
}

function checkAttachment(attachment: unknown, at: string, problems: string[]): void {
  if (!isObject(attachment)) return void problems.push(`${at} must be an object`);
  checkKnown(attachment, attachmentFields, at, problems);
  if (attachment.text !== undefined) checkText(attachment.text, `${at}.text`, problems);
  if (typeof attachment.color === 'string' && !isCssColor(attachment.color)) problems.push(`${at}.color must be a CSS color, got ${JSON.stringify(attachment.color)}`);
  if (Array.isArray(attachment.fields)) attachment.fields.forEach((field: unknown, index) => checkField(field, `${at}.fields[${index}]`, problems));
  if (Array.isArray(attachment.actions)) attachment.actions.forEach((action: unknown, index) => checkAction(action, `${at}.actions[${index}]`, problems));
}

function checkHeaders(request: RecordedRequest, problems: string[]): void {
  if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
  if (request.path !== rocketchatPath) problems.push(`path must be ${rocketchatPath}, got ${request.path}`);
  if (!/^application\/json(\s*;|$)/i.test(String(request.headers['content-type'] ?? ''))) problems.push('content-type must be application/json');
  if (!tokenPattern.test(String(request.headers['x-auth-token'] ?? ''))) problems.push(`${authProblemPrefix} X-Auth-Token must be a personal access token`);
  if (!userIdPattern.test(String(request.headers['x-user-id'] ?? ''))) problems.push(`${authProblemPrefix} X-User-Id must be the token's user id`);
}

export const rocketchatShape: ChannelShape = {
  check(request, problems) {
    checkHeaders(request, problems);
    const body = request.parsed;
    if (!isObject(body)) return void problems.push('body must be a JSON object');
    for (const key of Object.keys(body)) if (!bodyParameters.has(key)) problems.push(`must NOT have additional properties: ${key}`);
    if (body.channel === undefined) problems.push("must have required property 'channel'");
    else if (typeof body.channel !== 'string' || !channelPattern.test(body.channel)) problems.push(`channel must be #channel, @user or a room id, got ${JSON.stringify(body.channel)}`);
    if (body.text !== undefined) checkText(body.text, 'text', problems);
    for (const key of ['alias', 'emoji', 'avatar']) if (body[key] !== undefined && typeof body[key] !== 'string') problems.push(`${key} must be a string`);
    if (typeof body.emoji === 'string' && !emojiPattern.test(body.emoji)) problems.push(`emoji must be an emoji short name like :smirk:, got ${JSON.stringify(body.emoji)}`);
    if (body.avatar !== undefined && !isHttpUrl(body.avatar)) problems.push('avatar: Invalid href value provided (an absolute http(s) URL)');
    if (body.customFields !== undefined && !isObject(body.customFields)) problems.push('customFields must be an object');
    if (body.attachments === undefined) {
      if (typeof body.text !== 'string' || body.text.trim() === '') problems.push('text or attachments is required');
      return;
    }
    if (!Array.isArray(body.attachments)) return void problems.push('attachments must be a list');
    body.attachments.forEach((attachment: unknown, index) => checkAttachment(attachment, `attachments[${index}]`, problems));
  },
  success(parsed) {
    const body = isObject(parsed) ? parsed : {};
    const message = {
      _id: 'fHWzhuqzEvhcP4T5E',
      rid: 'GENERAL',
      msg: typeof body.text === 'string' ? body.text : '',
      alias: '',
      ...(typeof body.emoji === 'string' ? { emoji: body.emoji } : {}),
      ...(typeof body.avatar === 'string' ? { avatar: body.avatar } : {}),
      attachments: Array.isArray(body.attachments) ? body.attachments : [],
      parseUrls: false,
      groupable: false,
      ts: '2026-01-01T10:01:00.000Z',
      u: { _id: 'aobEdbYhXfu5hkeqG', username: 'sre-monitor', name: 'sre-monitor' },
      _updatedAt: '2026-01-01T10:01:00.000Z',
    };
    const answer = { ts: Date.UTC(2026, 0, 1, 10, 1), channel: body.channel, message, success: true };
    return { status: 200, body: JSON.stringify(answer), headers: { 'content-type': 'application/json' } };
  },
  failure(problems) {
    const json = { 'content-type': 'application/json' };
    if (problems.some((problem) => problem.startsWith(authProblemPrefix))) {
      return { status: 401, body: JSON.stringify({ status: 'error', message: 'You must be logged in to do this.' }), headers: json };
    }
    if (problems.some((problem) => problem.startsWith(sizeProblem))) return { status: 400, body: JSON.stringify({ success: false, error: sizeProblem }), headers: json };
    return { status: 400, body: JSON.stringify({ success: false, error: `${problems.join('; ')} [invalid-params]`, errorType: 'invalid-params' }), headers: json };
  },
};
