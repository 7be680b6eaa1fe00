/**
 * The transport under every HTTP channel: one POST, answered with the status, a header reader
 * and the first bytes of the body. The default goes through node:http / node:https with
 * keep-alive agents shared by every receiver. The global fetch did the same job at ~0.5 ms of
 * CPU per request (WHATWG streams, Request/Response objects, AbortSignal plumbing): in a fan-out
 * of 5,000 notifications it was the largest single cost after garbage collection, most of which
 * it also caused. A caller-supplied fetch (tests recording requests) still works through
 * `postWithFetch`.
 */
import http from 'node:http';
import https from 'node:https';
import { readResponseStart } from '../response-body.js';
import { parsedOnce } from './receiver-url.js';

/** What the delivery needs of an answer. */
export interface PostAnswer {
  status: number;
  /** A response header by name (case-insensitive); several values joined with ', '. */
  header: (name: string) => string | null;
  /** The first `maxBodyBytes` of the body as UTF-8: enough for an error message. */
  bodyStart: string;
}

export interface PostRequest {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** No complete answer within this many ms: reject with an error named `TimeoutError`. */
  timeoutMs: number;
}

/** Rejects on network errors and aborts (the signal's reason or an AbortError), like fetch. */
export type HttpPost = (url: string, request: PostRequest) => Promise<PostAnswer>;

/** Bounded against a receiver that streams forever. */
export const maxBodyBytes = 16_384;

function joined(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: signal.reason as unknown });
}

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

/**
 * node:http / node:https with keep-alive agents; redirects are not followed (as fetch with
 * `redirect: 'manual'`). The timeout is one timer and the caller's signal one listener: the
 * `signal` option of http.request and AbortSignal.any / AbortSignal.timeout cost more CPU per
 * request than building the request itself.
 */
export function createNodeHttpPost(): HttpPost {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const urlOf = parsedOnce((text) => new URL(text));
  return (url, request) =>
    new Promise<PostAnswer>((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const target = urlOf(url);
      const secure = target.protocol === 'https:';
      if (!secure && target.protocol !== 'http:') {
        reject(new TypeError(`unsupported protocol ${target.protocol}`));
        return;
      }
      const body = Buffer.from(request.body, 'utf8');
      let settled = false;
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
      const options: http.RequestOptions = {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(body.byteLength) },
        agent: secure ? agents.https : agents.http,
      };
      const onResponse = (response: http.IncomingMessage): void => {
        const chunks: Buffer[] = [];
        let total = 0;
        const answer = (): void => {
          if (!settle()) return;
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => joined(response.headers[name.toLowerCase()]),
            bodyStart: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8'),
          });
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          total += chunk.byteLength;
          if (total < maxBodyBytes) return;
          answer();
          response.destroy();
        });
        response.on('end', answer);
        response.on('error', fail);
        response.on('close', () => fail(Object.assign(new Error('the receiver closed the connection before the answer was complete'), { code: 'ECONNRESET' })));
      };
      const outgoing = secure ? https.request(target, options, onResponse) : http.request(target, options, onResponse);
      const stop = (error: Error): void => {
        fail(error);
        outgoing.destroy(error);
      };
      const onAbort = (): void => stop(abortError(signal));
      const timer = setTimeout(() => stop(timeoutError(request.timeoutMs)), request.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', fail);
      outgoing.end(body);
    });
}

/** The same transport over a fetch implementation (the global one, or a test's recorder). */
export function postWithFetch(fetchImplementation: typeof fetch): HttpPost {
  return async (url, request) => {
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]);
    const response = await fetchImplementation(url, { method: 'POST', headers: request.headers, body: request.body, signal, redirect: 'manual' });
    return { status: response.status, header: (name) => response.headers.get(name), bodyStart: await readResponseStart(response, maxBodyBytes) };
  };
}
