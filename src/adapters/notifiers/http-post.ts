/**
 * The transport under every HTTP channel: one POST (or PUT, or a GET without a body), answered
 * with the status, a header reader and the first bytes of the body. The default goes through undici's dispatcher API with one
 * keep-alive Agent shared by every receiver. The global fetch did the same job at ~0.5 ms of
 * CPU per request (WHATWG streams, Request/Response objects, AbortSignal plumbing): in a fan-out
 * of 5,000 notifications it was the largest single cost after garbage collection, most of which
 * it also caused. A caller-supplied fetch (tests recording requests) still works through
 * `postWithFetch`.
 */
import { Agent, type Dispatcher } from 'undici';
import { readResponseStart } from '../response-body.js';
import { parsedOnce } from './receiver-url.js';

/** What the delivery needs of an answer. */
export interface PostAnswer {
  status: number;
  /** A response header by name (case-insensitive); several values joined with ', '. */
  header: (name: string) => string | null;
  /** The first `maxBodyBytes` (or the request's `maxAnswerBytes`) of the body as UTF-8: enough for an error message. */
  bodyStart: string;
}

export interface PostRequest {
  /** Default POST; Opsgenie's alert updates are PUTs; Jira reads an issue's transitions with a GET. */
  method?: 'POST' | 'PUT' | 'GET';
  headers: Record<string, string>;
  /** Absent for a GET, which sends no body. */
  body?: string;
  signal: AbortSignal;
  /** No complete answer within this many ms: reject with an error named `TimeoutError`. */
  timeoutMs: number;
  /** How much of the answer to keep; default `maxBodyBytes`. Larger for an answer the caller must parse (Jira's search). */
  maxAnswerBytes?: number;
}

/** Rejects on network errors and aborts (the signal's reason or an AbortError), like fetch. */
export type HttpPost = (url: string, request: PostRequest) => Promise<PostAnswer>;

/** Bounded against a receiver that streams forever. */
export const maxBodyBytes = 16_384;

/** The most a request may ask to keep with `maxAnswerBytes`: still a bound against a receiver that streams forever. */
export const maxAnswerBytesLimit = 1_048_576;

/** The request's answer bound, within `maxAnswerBytesLimit`. */
function answerBound(request: PostRequest): number {
  return Math.min(Math.max(1, request.maxAnswerBytes ?? maxBodyBytes), maxAnswerBytesLimit);
}

/** An answer over headers by lower-case name. */
function postAnswer(status: number, headers: Readonly<Record<string, string>>, bodyStart: string): PostAnswer {
  return { status, header: (name) => headers[name.toLowerCase()] ?? null, bodyStart };
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: signal.reason as unknown });
}

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

/** Response headers by lower-case name, several values joined with ', '. */
function joinedHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

const cutShort = (): Error => Object.assign(new Error('the receiver closed the connection before the answer was complete'), { code: 'ECONNRESET' });

/**
 * undici's dispatcher API over one keep-alive Agent shared by every receiver; redirects are not
 * followed (as fetch with `redirect: 'manual'`). The answer is read from the handler callbacks,
 * with no stream or Response objects: ~30 % less CPU per request than node:http's
 * ClientRequest / IncomingMessage streams (56 against 82 µs per POST with its garbage, measured
 * on loopback), which in a fan-out is the largest cost after SQLite and GC. The timeout is one
 * timer and the caller's signal one listener: AbortSignal.any / AbortSignal.timeout cost more
 * CPU per request than building the request itself.
 */
export function createHttpPost(): HttpPost {
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const urlOf = parsedOnce((text) => new URL(text));
  return (url, request) =>
    new Promise<PostAnswer>((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const target = urlOf(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') {
        reject(new TypeError(`unsupported protocol ${target.protocol}`));
        return;
      }
      let settled = false;
      let controller: Dispatcher.DispatchController | null = null;
      /** Why the request was given up before undici handed over its controller. */
      let cancelled: Error | null = null;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        return true;
      };
      const fail = (error: Error): void => {
        if (settle()) reject(error);
      };
      const stop = (error: Error): void => {
        fail(error);
        if (controller === null) cancelled = error;
        else if (!controller.aborted) controller.abort(error);
      };
      const onAbort = (): void => stop(abortError(signal));
      const timer = setTimeout(() => stop(timeoutError(request.timeoutMs)), request.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });

      let status = 0;
      let headers: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let total = 0;
      const bound = answerBound(request);
      const answer = (): void => {
        if (settle()) resolve(postAnswer(status, headers, Buffer.concat(chunks).subarray(0, bound).toString('utf8')));
      };
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(started) {
          controller = started;
          if (cancelled !== null) started.abort(cancelled);
        },
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          headers = joinedHeaders(responseHeaders);
        },
        onResponseData(started, chunk) {
          if (settled) return;
          chunks.push(chunk);
          total += chunk.byteLength;
          if (total < bound) return;
          // Enough for an error message: stop reading a receiver that streams on.
          answer();
          started.abort(cutShort());
        },
        onResponseEnd: answer,
        onResponseError(_controller, error) {
          const code = (error as { code?: unknown }).code;
          fail(status !== 0 && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') ? cutShort() : error);
        },
      };
      // undici reports a bad request (a header value with a line break) through onResponseError;
      // anything it throws instead must not leave the timer running.
      try {
        agent.dispatch({ origin: target.origin, path: `${target.pathname}${target.search}`, method: request.method ?? 'POST', headers: request.headers, body: request.body ?? null }, handler);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
}

/** The same transport over a fetch implementation (the global one, or a test's recorder). */
export function postWithFetch(fetchImplementation: typeof fetch): HttpPost {
  return async (url, request) => {
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]);
    const response = await fetchImplementation(url, { method: request.method ?? 'POST', headers: request.headers, body: request.body ?? null, signal, redirect: 'manual' });
    return { status: response.status, header: (name) => response.headers.get(name), bodyStart: await readResponseStart(response, answerBound(request)) };
  };
}
