/**
 * Local stand-ins for the services notifications go to, on 127.0.0.1 and a free port. Each
 * records every request and checks its body against the channel's documented shape (Slack
 * Block Kit limits, PagerDuty Events API v2 and v1 required fields, Teams MessageCard / Adaptive Card,
 * Discord webhook limits, Twilio's form fields, Telegram's sendMessage and its formatting, the
 * webhook signature; the channels under receiver-checks/, among them a stateful fake Jira and an
 * SNS that verifies the SigV4 signature); a body that breaks the
 * shape is answered with 400, as the real service would, and its problems are kept for the
 * test to show. Tests can queue other answers (500, 429 + Retry-After, a request that never
 * gets an answer) with `reply`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { verifyWebhookSignature } from '../../src/adapters/notifiers/webhook-signature.js';
import type { LocalServers } from './local-servers.js';
import type { ChannelShape } from './receiver-checks/channel-shape.js';
import { opsgenieShape } from './receiver-checks/opsgenie.js';
import { pushoverShape } from './receiver-checks/pushover.js';
import { victoropsShape } from './receiver-checks/victorops.js';
import { webexShape } from './receiver-checks/webex.js';
import { incidentioShape } from './receiver-checks/incidentio.js';
import { jiraShape } from './receiver-checks/jira.js';
import { mattermostShape } from './receiver-checks/mattermost.js';
import { rocketchatShape } from './receiver-checks/rocketchat.js';
import { snsShape } from './receiver-checks/sns.js';
import { wechatShape } from './receiver-checks/wechat.js';
import { checkAlertmanagerWebhook, isObject, rfc3339 } from './receiver-checks/json-shape.js';

/** Channels whose stand-in lives in its own file under receiver-checks/. */
const channelShapes = { incidentio: incidentioShape, jira: jiraShape, mattermost: mattermostShape, rocketchat: rocketchatShape, sns: snsShape, wechat: wechatShape, opsgenie: opsgenieShape, pushover: pushoverShape, victorops: victoropsShape, webex: webexShape } satisfies Record<string, ChannelShape>;
type ShapedChannel = keyof typeof channelShapes;

export type ReceiverChannel = 'webhook' | 'slack' | 'pagerduty' | 'pagerduty-v1' | 'msteams' | 'msteamsv2' | 'discord' | 'sms' | 'telegram' | ShapedChannel;

function shapeOf(channel: ReceiverChannel): ChannelShape | undefined {
  return Object.hasOwn(channelShapes, channel) ? channelShapes[channel as ShapedChannel] : undefined;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body (form fields for sms), undefined when it did not parse. */
  parsed: unknown;
  /** What breaks the channel's documented shape; empty for a good request. */
  problems: string[];
}

/** One queued answer: a status with headers and body, or `hang: true` for no answer at all. */
export interface ReplyPlan {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
}

export interface NotificationReceiver {
  url: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; afterwards the channel's success answer. */
  reply(...plans: ReplyPlan[]): void;
  /** Resolves when request number `count` (1-based) has arrived. */
  waitForRequests(count: number): Promise<void>;
}

export interface ReceiverOptions {
  /** Webhook: the signing secret to verify `X-SRE-Monitor-Signature` with (unsigned requests fail). */
  signingSecret?: string;
  /** Webhook signature check time; defaults to the timestamp being accepted as it is. */
  nowMs?: () => number;
  /** SMS: the basic-auth user and password the provider expects. */
  basicAuth?: { username: string; password: string };
}

function checkWebhook(request: RecordedRequest, options: ReceiverOptions, problems: string[]): void {
  if (request.headers['idempotency-key'] === undefined) problems.push('missing Idempotency-Key header');
  if (options.signingSecret !== undefined) {
    const timestamp = String(request.headers['x-sre-monitor-timestamp'] ?? '');
    const signature = String(request.headers['x-sre-monitor-signature'] ?? '');
    const nowMs = options.nowMs?.() ?? Number(timestamp) * 1000;
    if (!verifyWebhookSignature(options.signingSecret, timestamp, request.body, signature, nowMs)) problems.push('bad X-SRE-Monitor-Signature');
  }
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  if (body.version === 'sre-monitor/1') {
    for (const key of ['idempotencyKey', 'groupKey', 'title', 'text', 'dashboardUrl']) if (typeof body[key] !== 'string') problems.push(`${key} must be a string`);
    if (!Array.isArray(body.alerts)) problems.push('alerts must be a list');
  } else checkAlertmanagerWebhook(body, problems);
}

function checkSlackText(value: unknown, max: number, at: string, problems: string[], types = ['plain_text', 'mrkdwn']): void {
  if (!isObject(value) || !types.includes(String(value.type)) || typeof value.text !== 'string') return void problems.push(`${at} must be a text object (${types.join('|')})`);
  if (value.text.length === 0 || value.text.length > max) problems.push(`${at}.text must have 1-${max} characters`);
}

function checkSlackBlock(block: unknown, at: string, problems: string[]): void {
  if (!isObject(block)) return void problems.push(`${at} must be an object`);
  if (block.type === 'header') checkSlackText(block.text, 150, `${at}.text`, problems, ['plain_text']);
  else if (block.type === 'section') {
    if (block.text === undefined && block.fields === undefined) problems.push(`${at} needs text or fields`);
    if (block.text !== undefined) checkSlackText(block.text, 3000, `${at}.text`, problems);
    if (block.fields !== undefined) {
      if (!Array.isArray(block.fields) || block.fields.length > 10) problems.push(`${at}.fields: at most 10`);
      else block.fields.forEach((field, index) => checkSlackText(field, 2000, `${at}.fields[${index}]`, problems));
    }
  } else if (block.type === 'actions') {
    if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) return void problems.push(`${at}.elements: 1-25`);
    const ids = new Set<string>();
    block.elements.forEach((element: unknown, index) => {
      if (!isObject(element) || element.type !== 'button') return void problems.push(`${at}.elements[${index}] must be a button`);
      checkSlackText(element.text, 75, `${at}.elements[${index}].text`, problems, ['plain_text']);
      if (typeof element.url !== 'string' || element.url.length > 3000) problems.push(`${at}.elements[${index}].url`);
      if (typeof element.action_id === 'string' && ids.has(element.action_id)) problems.push(`${at}: duplicate action_id`);
      if (typeof element.action_id === 'string') ids.add(element.action_id);
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') problems.push(`${at}.elements[${index}].style`);
    });
  } else if (block.type === 'context') {
    if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) return void problems.push(`${at}.elements: 1-10`);
    block.elements.forEach((element, index) => checkSlackText(element, 3000, `${at}.elements[${index}]`, problems));
  } else if (block.type !== 'divider') problems.push(`${at}: unknown block type ${String(block.type)}`);
}

function checkSlack(request: RecordedRequest, problems: string[]): void {
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  if (typeof body.text !== 'string' && body.blocks === undefined) problems.push('needs text or blocks');
  if (typeof body.text === 'string' && body.text.length > 40_000) problems.push('text over 40,000 characters');
  if (body.blocks === undefined) return;
  if (!Array.isArray(body.blocks) || body.blocks.length === 0 || body.blocks.length > 50) return void problems.push('blocks: 1-50');
  body.blocks.forEach((block, index) => checkSlackBlock(block, `blocks[${index}]`, problems));
}

/** The fields both PagerDuty Events APIs share under their own names: key, action, incident key. */
function checkPagerDutyEnvelope(body: Record<string, unknown>, names: { key: string; action: string; incident: string }, problems: string[]): void {
  const key = body[names.key];
  const incident = body[names.incident];
  if (typeof key !== 'string' || key.length !== 32) problems.push(`${names.key} must be a 32-character integration key`);
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(body[names.action]))) problems.push(`${names.action} must be trigger, acknowledge or resolve`);
  if (incident !== undefined && (typeof incident !== 'string' || incident.length > 255)) problems.push(`${names.incident} must be a string of at most 255 characters`);
  if (body[names.action] !== 'trigger' && typeof incident !== 'string') problems.push(`${names.incident} is required to acknowledge or resolve`);
}

function checkPagerDuty(request: RecordedRequest, problems: string[]): void {
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  checkPagerDutyEnvelope(body, { key: 'routing_key', action: 'event_action', incident: 'dedup_key' }, problems);
  if (body.event_action !== 'trigger') return;
  const payload = body.payload;
  if (!isObject(payload)) return void problems.push('payload is required for trigger');
  if (typeof payload.summary !== 'string' || payload.summary === '' || payload.summary.length > 1024) problems.push('payload.summary: 1-1024 characters');
  if (typeof payload.source !== 'string' || payload.source === '') problems.push('payload.source is required');
  if (!['critical', 'error', 'warning', 'info'].includes(String(payload.severity))) problems.push('payload.severity must be critical, error, warning or info');
  if (payload.timestamp !== undefined && (typeof payload.timestamp !== 'string' || !rfc3339.test(payload.timestamp))) problems.push('payload.timestamp must be ISO 8601');
  if (body.links !== undefined && (!Array.isArray(body.links) || !body.links.every((link) => isObject(link) && typeof link.href === 'string'))) problems.push('links[].href');
}

/** Events API v1 (generic/2010-04-15/create_event.json). */
function checkPagerDutyV1(request: RecordedRequest, problems: string[]): void {
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  checkPagerDutyEnvelope(body, { key: 'service_key', action: 'event_type', incident: 'incident_key' }, problems);
  if (body.event_type === 'trigger' && (typeof body.description !== 'string' || body.description === '')) problems.push('description is required for trigger');
  if (typeof body.description === 'string' && body.description.length > 1024) problems.push('description: at most 1024 characters');
  if (body.details !== undefined && !isObject(body.details)) problems.push('details must be an object');
  for (const key of ['routing_key', 'event_action', 'dedup_key', 'payload']) if (key in body) problems.push(`${key} is an Events API v2 field`);
}

function checkTeams(request: RecordedRequest, problems: string[]): void {
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  if (body['@type'] !== 'MessageCard' || typeof body['@context'] !== 'string') problems.push('@type MessageCard with @context');
  if (typeof body.summary !== 'string' && typeof body.text !== 'string') problems.push('summary or text is required');
  if (body.sections !== undefined && !Array.isArray(body.sections)) problems.push('sections must be a list');
  const actions = body.potentialAction;
  if (actions !== undefined && (!Array.isArray(actions) || actions.length > 4)) problems.push('potentialAction: at most 4');
  else (actions as unknown[] | undefined)?.forEach((action, index) => {
    if (!isObject(action) || action['@type'] !== 'OpenUri' || !Array.isArray(action.targets)) problems.push(`potentialAction[${index}] must be OpenUri with targets`);
  });
  if (request.body.length > 28_000) problems.push('card over 28 KB');
}

function checkTeamsV2(request: RecordedRequest, problems: string[]): void {
  const body = request.parsed;
  if (!isObject(body) || body.type !== 'message' || !Array.isArray(body.attachments) || body.attachments.length !== 1) return void problems.push('a message with one attachment');
  const attachment: unknown = body.attachments[0];
  if (!isObject(attachment) || attachment.contentType !== 'application/vnd.microsoft.card.adaptive') return void problems.push('attachment contentType');
  const card = attachment.content;
  if (!isObject(card) || card.type !== 'AdaptiveCard' || typeof card.version !== 'string' || !Array.isArray(card.body)) problems.push('content must be an AdaptiveCard with version and body');
}

function checkDiscord(request: RecordedRequest, problems: string[]): void {
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  if (body.content !== undefined && (typeof body.content !== 'string' || body.content.length > 2000)) problems.push('content: at most 2000 characters');
  const embeds = body.embeds;
  if (body.content === undefined && (!Array.isArray(embeds) || embeds.length === 0)) problems.push('content or embeds is required');
  if (!Array.isArray(embeds)) return;
  if (embeds.length > 10) problems.push('embeds: at most 10');
  let total = 0;
  embeds.forEach((embed: unknown, index) => {
    if (!isObject(embed)) return void problems.push(`embeds[${index}] must be an object`);
    const title = typeof embed.title === 'string' ? embed.title : '';
    const description = typeof embed.description === 'string' ? embed.description : '';
    if (title.length > 256) problems.push(`embeds[${index}].title over 256`);
    if (description.length > 4096) problems.push(`embeds[${index}].description over 4096`);
    if (embed.color !== undefined && !Number.isInteger(embed.color)) problems.push(`embeds[${index}].color must be an integer`);
    const fields = Array.isArray(embed.fields) ? (embed.fields as unknown[]) : [];
    if (fields.length > 25) problems.push(`embeds[${index}].fields: at most 25`);
    total += title.length + description.length;
    fields.forEach((field) => {
      if (!isObject(field) || typeof field.name !== 'string' || typeof field.value !== 'string' || field.name.length > 256 || field.value.length > 1024) problems.push(`embeds[${index}].fields: name <= 256, value <= 1024`);
      else total += field.name.length + field.value.length;
    });
  });
  if (total > 6000) problems.push('embeds over 6000 characters in total');
}

const telegramHtmlTags = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote', 'tg-emoji']);

/** The visible text of a Telegram HTML message; what Telegram would refuse ("can't parse entities") goes to `problems`. */
function telegramHtmlText(text: string, problems: string[]): string {
  const open: string[] = [];
  let visible = '';
  let index = 0;
  while (index < text.length) {
    const rest = text.slice(index);
    if (rest.startsWith('<')) {
      const tag = /^<(\/?)([a-z-]+)(?:\s[^<>]*)?>/.exec(rest);
      const name = tag?.[2] ?? '';
      if (tag === null || !telegramHtmlTags.has(name)) {
        problems.push(`text: unsupported start tag at ${index}`);
        return visible;
      }
      if (tag[1] === '/' && open.pop() !== name) {
        problems.push(`text: unexpected end tag </${name}>`);
        return visible;
      }
      if (tag[1] !== '/') open.push(name);
      index += tag[0].length;
      continue;
    }
    const entity = rest.startsWith('&') ? /^&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(rest) : null;
    if (rest.startsWith('&') && entity === null) {
      problems.push(`text: a bare & at ${index}`);
      return visible;
    }
    visible += entity === null ? text[index] : 'x';
    index += entity === null ? 1 : entity[0].length;
  }
  if (open.length > 0) problems.push(`text: unclosed <${open.join('>, <')}>`);
  return visible;
}

/** MarkdownV2: these characters must be escaped everywhere outside code (Telegram's "Character '.' is reserved"). */
function checkTelegramMarkdownV2(text: string, problems: string[]): void {
  const unescaped = text.replace(/\\[\s\S]/g, '').match(/[.!\-=+#>{}]/);
  if (unescaped !== null) problems.push(`text: character '${unescaped[0]}' is reserved and must be escaped`);
}

function checkTelegram(request: RecordedRequest, problems: string[]): void {
  if (!/^\/bot\d+:[\w-]{35}\/sendMessage$/.test(request.path)) problems.push('path must be /bot<token>/sendMessage');
  const body = request.parsed;
  if (!isObject(body)) return void problems.push('body must be a JSON object');
  if (typeof body.chat_id !== 'number' || !Number.isInteger(body.chat_id)) problems.push('chat_id must be an integer');
  if (body.message_thread_id !== undefined && (typeof body.message_thread_id !== 'number' || !Number.isInteger(body.message_thread_id))) problems.push('message_thread_id must be an integer');
  if (body.disable_notification !== undefined && typeof body.disable_notification !== 'boolean') problems.push('disable_notification must be a boolean');
  if (body.parse_mode !== undefined && (typeof body.parse_mode !== 'string' || !['HTML', 'Markdown', 'MarkdownV2'].includes(body.parse_mode))) problems.push('parse_mode must be HTML, Markdown or MarkdownV2');
  if (typeof body.text !== 'string' || body.text.trim() === '') return void problems.push('text is required');
  const visible = body.parse_mode === 'HTML' ? telegramHtmlText(body.text, problems) : body.text;
  if (body.parse_mode === 'MarkdownV2') checkTelegramMarkdownV2(body.text, problems);
  if (visible.length > 4096) problems.push(`text: ${visible.length} characters, at most 4096`);
}

function checkSms(request: RecordedRequest, options: ReceiverOptions, problems: string[]): void {
  if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) problems.push('content-type must be application/x-www-form-urlencoded');
  const form = request.parsed as Record<string, string>;
  for (const key of ['To', 'From', 'Body']) if ((form[key] ?? '') === '') problems.push(`missing ${key}`);
  if ((form.Body ?? '').length > 1600) problems.push('Body over 1600 characters');
  if (options.basicAuth !== undefined) {
    const expected = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
    if (request.headers.authorization !== expected) problems.push('bad basic auth');
  }
}

const checks: Record<ReceiverChannel, (request: RecordedRequest, options: ReceiverOptions, problems: string[]) => void> = {
  webhook: checkWebhook,
  slack: (request, _options, problems) => checkSlack(request, problems),
  pagerduty: (request, _options, problems) => checkPagerDuty(request, problems),
  'pagerduty-v1': (request, _options, problems) => checkPagerDutyV1(request, problems),
  msteams: (request, _options, problems) => checkTeams(request, problems),
  msteamsv2: (request, _options, problems) => checkTeamsV2(request, problems),
  discord: (request, _options, problems) => checkDiscord(request, problems),
  sms: checkSms,
  telegram: (request, _options, problems) => checkTelegram(request, problems),
  ...(Object.fromEntries(Object.entries(channelShapes).map(([name, shape]) => [name, (request: RecordedRequest, _options: ReceiverOptions, problems: string[]) => shape.check(request, problems)])) as Record<ShapedChannel, (request: RecordedRequest, options: ReceiverOptions, problems: string[]) => void>),
};

/** What the real service answers to a good request. */
function successReply(channel: ReceiverChannel, parsed: unknown): Required<Pick<ReplyPlan, 'status' | 'body'>> & { headers: Record<string, string> } {
  const json = { 'content-type': 'application/json' };
  const shape = shapeOf(channel);
  if (shape !== undefined) return shape.success(parsed);
  switch (channel) {
    case 'slack':
      return { status: 200, body: 'ok', headers: { 'content-type': 'text/plain' } };
    case 'pagerduty':
      return { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: isObject(parsed) ? parsed.dedup_key : '' }), headers: json };
    case 'pagerduty-v1':
      return { status: 200, body: JSON.stringify({ status: 'success', message: 'Event processed', incident_key: isObject(parsed) ? parsed.incident_key : '' }), headers: json };
    case 'msteams':
      return { status: 200, body: '1', headers: { 'content-type': 'text/plain' } };
    case 'discord':
      return { status: 204, body: '', headers: {} };
    case 'telegram':
      return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 1, chat: { id: isObject(parsed) ? parsed.chat_id : 0 } } }), headers: json };
    case 'sms':
      return { status: 201, body: JSON.stringify({ sid: 'SM00000000000000000000000000000000', status: 'queued' }), headers: json };
    default:
      return { status: channel === 'msteamsv2' ? 202 : 200, body: '', headers: {} };
  }
}

function parseBody(channel: ReceiverChannel, body: string, request: Omit<RecordedRequest, 'parsed' | 'problems'>): unknown {
  const shape = shapeOf(channel);
  if (shape?.parse !== undefined) return shape.parse(body, request);
  if (channel === 'sms') return Object.fromEntries(new URLSearchParams(body));
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Starts a receiver for `channel`; its URL is `http://127.0.0.1:<port>/hook`. */
export async function startNotificationReceiver(servers: LocalServers, channel: ReceiverChannel, options: ReceiverOptions = {}): Promise<NotificationReceiver> {
  const requests: RecordedRequest[] = [];
  const plans: ReplyPlan[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body };
      const request: RecordedRequest = { ...received, parsed: parseBody(channel, body, received), problems: [] };
      checks[channel](request, options, request.problems);
      requests.push(request);
      for (const waiter of waiters.filter((entry) => requests.length >= entry.count)) waiter.resolve();
      const plan = plans.shift();
      if (plan?.hang === true) return;
      const success = successReply(channel, request.parsed);
      const answer = plan ?? (request.problems.length > 0 ? (shapeOf(channel)?.failure?.(request.problems) ?? { status: 400, body: JSON.stringify({ status: 'invalid', errors: request.problems }), headers: { 'content-type': 'application/json' } }) : success);
      response.writeHead(answer.status ?? 200, answer.headers ?? {});
      response.end(answer.body ?? '');
    });
  });
  const address = await servers.listen(server);
  return {
    url: `http://${address}/hook`,
    requests,
    reply: (...next) => void plans.push(...next),
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}
