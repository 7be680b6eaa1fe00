/**
 * Pushover's Message API (https://pushover.net/api) as Alertmanager calls it: POST
 * /1/messages.json with the parameters in the query string and an empty text/plain body. The
 * check holds a request to Pushover's documented rules: `token` and `user` are 30 letters and
 * digits; `message` is required, at most 1,024 characters; `title` 250, `url` 512, `url_title`
 * 100; `priority` -2..2, and priority 2 needs `retry` >= 30 and `expire` <= 10,800 seconds;
 * `html` and `monospace` are 0 or 1, not both 1, and HTML messages use only Pushover's tags.
 * A good request is answered `{"status":1,"request":"<uuid>"}`.
 */
import { randomUUID } from 'node:crypto';
import type { RecordedRequest } from '../notification-receivers.js';
import type { ChannelShape } from './channel-shape.js';

export interface PushoverRequest {
  /** The query parameters by name (the last value of a repeated one; repeats are a problem). */
  params: Record<string, string>;
  /** Names in the order sent, repeats included. */
  names: string[];
}

const knownParameters = new Set([
  'token', 'user', 'message', 'title', 'url', 'url_title', 'priority', 'retry', 'expire', 'callback', 'tags',
  'html', 'monospace', 'sound', 'device', 'timestamp', 'ttl', 'attachment_base64', 'attachment_type',
]);
const limits: Record<string, number> = { message: 1024, title: 250, url: 512, url_title: 100 };
/** The tags Pushover's HTML mode understands. */
const htmlTags = new Set(['b', 'i', 'u', 'font', 'a']);
const keyPattern = /^[A-Za-z0-9]{30}$/;
const wholeNumber = /^\d+$/;

const characters = (text: string): number => Array.from(text).length;

function parseQuery(path: string): PushoverRequest {
  const query = new URL(path, 'http://127.0.0.1').searchParams;
  const params: Record<string, string> = {};
  const names: string[] = [];
  for (const [name, value] of query) {
    params[name] = value;
    names.push(name);
  }
  return { params, names };
}

/** What Pushover's HTML parser would not take: unknown tags, a `<` that starts no tag, a bare `&`. */
function checkHtml(message: string, problems: string[]): void {
  for (const tag of message.matchAll(/<\/?([A-Za-z][\w-]*)[^<>]*>/g)) {
    const name = (tag[1] ?? '').toLowerCase();
    if (!htmlTags.has(name)) problems.push(`message: unsupported HTML tag <${name}>`);
  }
  if (/<(?![/A-Za-z])/.test(message)) problems.push('message: a bare < (escape it as &lt;)');
  if (/&(?!(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);)/.test(message)) problems.push('message: a bare & (escape it as &amp;)');
}

function checkNumbers(params: Record<string, string>, problems: string[]): void {
  const priorityText = params.priority ?? '';
  const priority = /^-?\d+$/.test(priorityText) ? Number(priorityText) : priorityText === '' ? 0 : Number.NaN;
  if (!(priority >= -2 && priority <= 2)) problems.push(`priority must be -2, -1, 0, 1 or 2, got ${JSON.stringify(priorityText)}`);
  for (const name of ['retry', 'expire', 'ttl', 'timestamp']) {
    const value = params[name];
    if (value !== undefined && value !== '' && !wholeNumber.test(value)) problems.push(`${name} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  }
  if (params.ttl !== undefined && Number(params.ttl) <= 0) problems.push('ttl must be a positive number of seconds');
  if (priority === 2) {
    const retry = params.retry ?? '';
    const expire = params.expire ?? '';
    if (!wholeNumber.test(retry) || Number(retry) < 30) problems.push(`retry must be at least 30 with priority 2, got ${JSON.stringify(retry)}`);
    if (!wholeNumber.test(expire) || Number(expire) < 1 || Number(expire) > 10_800) problems.push(`expire must be 1-10800 with priority 2, got ${JSON.stringify(expire)}`);
  }
}

function checkFlags(params: Record<string, string>, problems: string[]): void {
  for (const name of ['html', 'monospace']) {
    const value = params[name];
    if (value !== undefined && value !== '0' && value !== '1') problems.push(`${name} must be 0 or 1, got ${JSON.stringify(value)}`);
  }
  if (params.html === '1' && params.monospace === '1') problems.push('html and monospace cannot both be 1');
}

export const pushoverShape: ChannelShape = {
  parse: (_body, request) => parseQuery(request.path),

  check(request: RecordedRequest, problems: string[]): void {
    if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
    if (new URL(request.path, 'http://127.0.0.1').pathname !== '/1/messages.json') problems.push('path must be /1/messages.json');
    // Alertmanager posts an empty text/plain body; a form body would also reach Pushover, but is not what it sends.
    if (request.body !== '') problems.push('the parameters must be in the query string, with an empty body');
    if (!String(request.headers['content-type'] ?? '').startsWith('text/plain')) problems.push(`content-type must be text/plain, got ${String(request.headers['content-type'])}`);
    const { params, names } = request.parsed as PushoverRequest;
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    if (repeated.length > 0) problems.push(`parameters sent more than once: ${[...new Set(repeated)].join(', ')}`);
    for (const name of names) if (!knownParameters.has(name)) problems.push(`unknown parameter ${name}`);
    if (!keyPattern.test(params.token ?? '')) problems.push('token must be 30 letters and digits (an application API token)');
    if (!keyPattern.test(params.user ?? '')) problems.push('user must be 30 letters and digits (a user or group key)');
    if ((params.message ?? '').trim() === '') problems.push('message cannot be blank');
    for (const [name, max] of Object.entries(limits)) {
      const length = characters(params[name] ?? '');
      if (length > max) problems.push(`${name}: ${length} characters, at most ${max}`);
    }
    if ((params.url ?? '') !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(params.url ?? '')) problems.push('url must be an absolute URL');
    const device = params.device ?? '';
    if (device !== '' && !device.split(',').every((name) => /^[A-Za-z0-9_-]{1,25}$/.test(name))) problems.push('device: names of up to 25 letters, digits, _ or -, separated by commas');
    if ((params.sound ?? '') !== '' && !/^[A-Za-z0-9_-]{1,20}$/.test(params.sound ?? '')) problems.push('sound must be a sound name');
    checkNumbers(params, problems);
    checkFlags(params, problems);
    if (params.html === '1') checkHtml(params.message ?? '', problems);
  },

  success: () => ({ status: 200, body: JSON.stringify({ status: 1, request: randomUUID() }), headers: { 'content-type': 'application/json' } }),
  failure: (problems) => ({ status: 400, body: JSON.stringify({ status: 0, errors: problems, request: randomUUID() }), headers: { 'content-type': 'application/json' } }),
};
