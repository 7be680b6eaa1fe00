/**
 * One instant query against a Prometheus-compatible HTTP API (`GET /api/v1/query`): Prometheus,
 * Thanos, Mimir, VictoriaMetrics. Returns the samples or a one-line reason; never throws. The
 * caller adds the query and the (redacted) URL to the reason, because it knows which query of a
 * pair failed.
 *
 * Basic-auth credentials in the configured URL move into an `Authorization` header: fetch refuses
 * URLs that carry them, and they must never appear in a reason.
 */
import { describeNetworkError } from '../probes/probe-errors.js';

/** One series of an instant vector (or the single value of a scalar, with no labels). */
export interface PrometheusSample {
  labels: Record<string, string>;
  /** May be NaN or ±Infinity: Prometheus sends those as `NaN`, `+Inf`, `-Inf`. */
  value: number;
}

export type InstantQueryResult = { ok: true; samples: PrometheusSample[] } | { ok: false; reason: string };

export interface InstantQueryRequest {
  /** The configured base URL, e.g. `http://user:pass@prometheus:9090` or `https://host/prometheus`. */
  baseUrl: string;
  promql: string;
  /** Evaluation time (Unix ms); sent as `time=<seconds>` with ms precision. */
  timeMs: number;
  /** Bounds the whole exchange, body included; also sent as Prometheus' own `timeout`. */
  timeoutMs: number;
  signal?: AbortSignal;
  fetch: typeof fetch;
}

/** Larger answers are refused unread: an SLI query answers a handful of series. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export async function runInstantQuery(request: InstantQueryRequest): Promise<InstantQueryResult> {
  const endpoint = queryEndpoint(request);
  if ('problem' in endpoint) return { ok: false, reason: endpoint.problem };
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.authorization !== null) headers.authorization = endpoint.authorization;
  let status: number;
  let body: string | null;
  try {
    const response = await request.fetch(endpoint.url, { method: 'GET', headers, signal });
    status = response.status;
    body = await readBodyText(response);
  } catch (error) {
    return { ok: false, reason: describeFetchFailure(error, request, timeout) };
  }
  if (body === null) return { ok: false, reason: `HTTP ${status}: the answer is larger than ${MAX_ANSWER_BYTES} bytes` };
  return parseAnswer(status, body);
}

function queryEndpoint(request: InstantQueryRequest): { url: string; authorization: string | null } | { problem: string } {
  let url: URL;
  try {
    url = new URL(request.baseUrl);
  } catch {
    return { problem: 'invalid URL (expected http://host:port or https://host/path)' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `unsupported URL scheme ${url.protocol} (use http: or https:)` };
  }
  let authorization: string | null = null;
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeUserInfo(url.username)}:${decodeUserInfo(url.password)}`;
    authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.searchParams.set('query', request.promql);
  url.searchParams.set('time', (request.timeMs / 1000).toFixed(3));
  url.searchParams.set('timeout', `${Math.max(1, Math.ceil(request.timeoutMs))}ms`);
  return { url: url.href, authorization };
}

function decodeUserInfo(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The body as text, or null past MAX_ANSWER_BYTES (the rest is not read). */
async function readBodyText(response: Response): Promise<string | null> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchFailure(error: unknown, request: InstantQueryRequest, timeout: AbortSignal): string {
  if (request.signal?.aborted === true) return 'aborted before Prometheus answered';
  if (timeout.aborted) return `no answer within ${request.timeoutMs} ms (timeout)`;
  // undici's fetch wraps socket errors: TypeError('fetch failed') with the real error as cause.
  const cause = error instanceof TypeError && error.cause !== undefined ? error.cause : error;
  return describeNetworkError(cause);
}

function parseAnswer(status: number, body: string): InstantQueryResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const apiError = apiErrorOf(json);
  if (status < 200 || status > 299) {
    if (apiError !== null) return { ok: false, reason: `HTTP ${status} ${apiError}` };
    return { ok: false, reason: `HTTP ${status}${bodySnippet(body)}` };
  }
  if (json === undefined) return { ok: false, reason: `HTTP ${status} but the answer is not JSON${bodySnippet(body)}` };
  if (apiError !== null) return { ok: false, reason: apiError };
  if (!isRecord(json) || json.status !== 'success') {
    return { ok: false, reason: `the answer is not a Prometheus API response (no "status": "success")${bodySnippet(body)}` };
  }
  return parseData(json.data);
}

/** `errorType: error` of a Prometheus `status: error` body, else null. */
function apiErrorOf(json: unknown): string | null {
  if (!isRecord(json) || json.status !== 'error') return null;
  const errorType = typeof json.errorType === 'string' && json.errorType !== '' ? json.errorType : 'error';
  const error = typeof json.error === 'string' && json.error !== '' ? json.error : '(no message)';
  return `${errorType}: ${error}`;
}

function parseData(data: unknown): InstantQueryResult {
  if (!isRecord(data)) return malformed('no "data" object');
  switch (data.resultType) {
    case 'vector':
      return parseVector(data.result);
    case 'scalar': {
      const value = parseSampleValue(data.result);
      if (value === undefined) return malformed('a scalar without a [time, "value"] pair');
      return { ok: true, samples: [{ labels: {}, value }] };
    }
    case 'matrix':
      return {
        ok: false,
        reason: 'the query returns a range vector (matrix), not one value per series: wrap the range in a function such as increase() or rate()',
      };
    case 'string':
      return { ok: false, reason: 'the query returns a string, not a number' };
    default:
      return malformed(`unknown resultType ${JSON.stringify(data.resultType) ?? 'undefined'}`);
  }
}

function parseVector(result: unknown): InstantQueryResult {
  if (!Array.isArray(result)) return malformed('a vector result that is not a list');
  const samples: PrometheusSample[] = [];
  for (const item of result as unknown[]) {
    if (!isRecord(item)) return malformed('a vector element that is not an object');
    const labels = parseLabels(item.metric);
    if (labels === null) return malformed('a series whose "metric" is not a map of strings');
    if (item.value === undefined && item.histogram !== undefined) {
      return { ok: false, reason: `series ${formatLabels(labels)} is a native histogram, not a number` };
    }
    const value = parseSampleValue(item.value);
    if (value === undefined) return malformed(`series ${formatLabels(labels)} without a [time, "value"] pair`);
    samples.push({ labels, value });
  }
  return { ok: true, samples };
}

function parseLabels(metric: unknown): Record<string, string> | null {
  if (metric === undefined) return {};
  if (!isRecord(metric)) return null;
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') return null;
    labels[name] = value;
  }
  return labels;
}

/** The value of a `[<unix seconds>, "<value>"]` pair; Prometheus spells infinities `+Inf`/`-Inf`. */
function parseSampleValue(pair: unknown): number | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  const text: unknown = pair[1];
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return undefined;
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

function malformed(what: string): InstantQueryResult {
  return { ok: false, reason: `malformed Prometheus answer: ${what}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{code="500", job="api"}`, or `{}` for a series without labels. */
export function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${pairs.join(', ')}}`;
}

function bodySnippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return ' (empty body)';
  return `: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`;
}
