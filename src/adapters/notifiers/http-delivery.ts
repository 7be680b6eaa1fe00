/**
 * One HTTP request to a receiver (a POST, a PUT, or a GET without a body) and the mapping of its
 * outcome to a DeliveryResult, shared by
 * every HTTP channel so they all classify failures alike: 2xx ok; 429 rate limited (retryable,
 * honouring `Retry-After`); 401/403 auth and other 4xx client errors (not retryable: sending
 * the same request again cannot succeed); 5xx server errors, timeouts and network errors
 * (retryable). Messages name the receiver's host only: webhook URLs often carry the secret
 * in their path (Slack, Discord, Teams).
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/clock.js';
import type { DeliveryResult } from '../../core/alerting/notification.js';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { failureOfError } from './http-failure.js';
import { postWithFetch, type HttpPost } from './http-post.js';
import { receiverUrl, type ReceiverUrl } from './receiver-url.js';
import { HeaderFileError, resolveHttpHeaders } from './http-headers-config.js';
import { createOAuth2TokenSource, OAuth2TokenError, type OAuth2Settings, type OAuth2TokenSource } from './oauth2-client.js';
import { dispatcherFor, type HttpTransport } from './http-transport.js';
import type { HttpAuth, SecretValue } from './integration-config.js';

/** What every notifier needs from the outside world; built once by `buildReceiverNotifiers`. */
export interface NotifierContext {
  /** The HTTP transport (http-post.ts): node:http with keep-alive by default. */
  post: HttpPost;
  clock: Clock;
  /** Per request, on top of the caller's AbortSignal. */
  timeoutMs: number;
  userAgent: string;
  /** Reads a `*_file` secret. */
  readSecretFile(path: string): Promise<string>;
  /** A template that failed to render; the notification went out with the default text. */
  onTemplateError(message: string): void;
}

/** Reads a secret file as Alertmanager does: whole file, surrounding whitespace trimmed. */
export async function readSecretFileTrimmed(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/** Thrown while preparing a request when a secret file cannot be read: a config failure. */
export class SecretFileError extends Error {
  readonly code = 'SECRET_FILE';
  constructor(path: string, cause: unknown) {
    super(`cannot read secret file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SecretFileError';
  }
}

export async function resolveSecret(secret: SecretValue, context: NotifierContext): Promise<string> {
  if (secret.kind === 'inline') return secret.value;
  try {
    return await context.readSecretFile(secret.path);
  } catch (error) {
    throw new SecretFileError(secret.path, error);
  }
}

export interface OutgoingRequest {
  url: SecretValue;
  /** Default POST. A GET sends no body. */
  method?: 'POST' | 'PUT' | 'GET';
  /** Required for POST and PUT; ignored for a GET. */
  body?: string;
  contentType: string;
  headers?: Record<string, string>;
  auth?: HttpAuth | undefined;
  /** `http_config`'s TLS and proxy settings; without them Node's defaults. */
  transport?: HttpTransport | undefined;
}

/** One token source per `oauth2` settings object: a reload builds new settings, so new tokens. */
const oauth2Sources = new WeakMap<OAuth2Settings, OAuth2TokenSource>();
function oauth2SourceFor(settings: OAuth2Settings, context: NotifierContext): OAuth2TokenSource {
  let source = oauth2Sources.get(settings);
  if (source === undefined) {
    source = createOAuth2TokenSource(settings, {
      post: context.post,
      nowMs: () => context.clock.nowMs(),
      timeoutMs: context.timeoutMs,
      userAgent: context.userAgent,
      resolveSecret: (secret) => resolveSecret(secret, context),
    });
    oauth2Sources.set(settings, source);
  }
  return source;
}

async function authorizationHeader(auth: HttpAuth, context: NotifierContext, signal: AbortSignal): Promise<string> {
  if (auth.kind === 'oauth2') return oauth2SourceFor(auth, context).authorization(signal);
  if (auth.kind === 'authorization') return `${auth.type} ${await resolveSecret(auth.credentials, context)}`;
  const password = await resolveSecret(auth.password, context);
  return `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}`;
}

/** The fetch transport over one send's own undici dispatcher (TLS settings, a proxy). */
export function postThrough(dispatcher: Dispatcher): HttpPost {
  const fetchThrough = (input: string, init: Parameters<typeof undiciFetch>[1]) => undiciFetch(input, { ...init, dispatcher });
  // undici's own fetch with its own Agent (the global fetch bundles another undici version).
  return postWithFetch(fetchThrough as unknown as typeof fetch);
}

/** POSTs the request and maps the outcome; never throws. */
export async function postToReceiver(request: OutgoingRequest, context: NotifierContext, signal: AbortSignal): Promise<DeliveryResult> {
  return (await exchange(request, context, signal)).result;
}

/** What `requestJson` answers: the delivery result and, for a 2xx, the parsed JSON body. */
export interface JsonExchange {
  result: DeliveryResult;
  /** The 2xx answer's body parsed as JSON; undefined when it was empty, not JSON, or larger than the answer bound (cut). */
  json: unknown;
}

/** How much of a JSON answer `requestJson` keeps to parse: far more than an error message needs, still a bound. */
export const jsonAnswerMaxBytes = 262_144;

/**
 * Sends the request like `postToReceiver` (same failure classes, same host-only messages) and
 * also parses a 2xx answer's JSON body, for APIs whose answer the caller needs (Jira's search
 * and transitions). Never throws.
 */
export async function requestJson(request: OutgoingRequest, context: NotifierContext, signal: AbortSignal): Promise<JsonExchange> {
  const { result, body } = await exchange(request, context, signal, jsonAnswerMaxBytes);
  if (!result.ok || body.trim() === '') return { result, json: undefined };
  try {
    return { result, json: JSON.parse(body) as unknown };
  } catch {
    return { result, json: undefined };
  }
}

/** The request and its outcome: the DeliveryResult and the start of the answer's body ('' without an answer). */
async function exchange(request: OutgoingRequest, context: NotifierContext, signal: AbortSignal, maxAnswerBytes?: number): Promise<{ result: DeliveryResult; body: string }> {
  let url: ReceiverUrl;
  let dispatcher: Dispatcher | undefined;
  let headers: Record<string, string> = { 'content-type': request.contentType, 'user-agent': context.userAgent, ...request.headers };
  try {
    // `http_headers` first, so nothing the channel sets itself can be replaced (the config refuses those names too).
    if (request.transport?.headers !== undefined) headers = { ...(await resolveHttpHeaders(request.transport.headers, (path) => context.readSecretFile(path))), ...headers };
    url = receiverUrl(await resolveSecret(request.url, context));
    if (request.auth !== undefined) headers.authorization = await authorizationHeader(request.auth, context, signal);
    else if (url.userInfoAuthorization !== undefined) headers.authorization ??= url.userInfoAuthorization;
    // Certificate files are read at each send (renewals need no reload), so the connection is this send's own.
    dispatcher = await dispatcherFor(url.href, request.transport, (secret) => resolveSecret(secret, context));
  } catch (error) {
    if (error instanceof OAuth2TokenError) return { result: error.result, body: '' };
    return { result: configFailure(error instanceof SecretFileError || error instanceof HeaderFileError ? error.message : 'the receiver URL is not a valid URL'), body: '' };
  }
  const target = url.host;
  try {
    // With tls_config or a proxy the send has its own dispatcher (undici, through fetch); otherwise the shared keep-alive transport.
    const post = dispatcher === undefined ? context.post : postThrough(dispatcher);
    const answer = await post(url.href, {
      ...(request.method === undefined ? {} : { method: request.method }),
      headers,
      ...(request.method === 'GET' ? {} : { body: request.body ?? '' }),
      signal,
      timeoutMs: context.timeoutMs,
      ...(maxAnswerBytes === undefined ? {} : { maxAnswerBytes }),
    });
    // A token the receiver no longer accepts: the next attempt asks for a new one.
    if (answer.status === 401 && request.auth?.kind === 'oauth2') oauth2SourceFor(request.auth, context).invalidate();
    return { result: deliveryResultOf(answer.status, { get: (name) => answer.header(name) }, answer.bodyStart, context.clock.nowMs(), target), body: answer.bodyStart };
  } catch (error) {
    return { result: failureOfError(error, { target, timeoutMs: context.timeoutMs }), body: '' };
  } finally {
    void dispatcher?.close();
  }
}

export function configFailure(message: string): DeliveryResult {
  return { ok: false, retryable: false, reason: 'config', message };
}

/**
 * `Retry-After` in milliseconds from `nowMs`: delta seconds or an HTTP date (RFC 9110);
 * undefined when absent or unreadable. A date in the past gives 0.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/**
 * Discord (and others) put `retry_after` seconds in a JSON body when the header is missing;
 * Telegram puts it under `parameters`.
 */
function retryAfterFromBody(body: string): number | undefined {
  const secondsIn = (value: unknown): unknown => (typeof value === 'object' && value !== null && 'retry_after' in value ? value.retry_after : undefined);
  try {
    const parsed: unknown = JSON.parse(body);
    const seconds = secondsIn(parsed) ?? (typeof parsed === 'object' && parsed !== null && 'parameters' in parsed ? secondsIn(parsed.parameters) : undefined);
    if (typeof seconds === 'number' && seconds >= 0) return Math.round(seconds * 1000);
  } catch {
    // Not JSON: no hint.
  }
  return undefined;
}

function snippet(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '';
  return `: ${oneLine.length > 200 ? `${oneLine.slice(0, 197)}...` : oneLine}`;
}

/** Maps an HTTP answer to a DeliveryResult (see the file comment for the classes). */
export function deliveryResultOf(status: number, headers: { get(name: string): string | null }, body: string, nowMs: number, target: string): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, status };
  const message = `HTTP ${status} from ${target}${snippet(body)}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'), nowMs) ?? retryAfterFromBody(body);
    return { ok: false, retryable: true, reason: 'rate_limited', message, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'), nowMs);
    return { ok: false, retryable: true, reason: 'server', message, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status === 401 || status === 403) return { ok: false, retryable: false, reason: 'auth', message, status };
  // 3xx (redirects are not followed: a receiver URL should be the final one) and other 4xx.
  return { ok: false, retryable: false, reason: 'client', message, status };
}
