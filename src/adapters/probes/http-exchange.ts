/**
 * One HTTP request and its response (one hop of a redirect chain) on a fresh connection
 * (`agent: false`: no keep-alive, nothing left open). The body is read up to `maxBodyBytes`;
 * past that the response is destroyed, which closes the socket. TLS is verified here rather
 * than by Node's `rejectUnauthorized`, so an untrusted or expired certificate can still be
 * inspected and reported precisely.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type { ProbeTimings } from '../../core/monitors/probe.js';
import { assessCertificateExpiry, type CertificateExpiry } from './certificate-expiry.js';
import { createPhaseTimer, type PhaseTimer } from './phase-timer.js';
import { authorizationErrorCode, describeNetworkError, describeTlsAuthorizationError } from './probe-errors.js';
import { describeTimeout } from './probe-timeout.js';
import { isRedirect } from './http-redirect.js';
import { runAttempt } from './settle-once.js';

export interface HttpExchangeRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** When true a redirect's body is not read: only its status and Location matter. */
  followRedirects: boolean;
  maxBodyBytes: number;
  ignoreTlsErrors: boolean;
  certificateExpiryWarningDays: number;
  /** Wall-clock ms since the epoch, for certificate expiry. */
  nowMs: number;
  /** performance.now() when the whole check started, for timeout messages. */
  checkStartedAt: number;
}

export interface HttpExchangeResponse {
  kind: 'response';
  statusCode: number;
  statusMessage: string;
  location: string | null;
  body: Buffer;
  /** True when the body was longer than `maxBodyBytes` and was cut there. */
  bodyTruncated: boolean;
  certificate: CertificateExpiry | null;
  timings: ProbeTimings;
}

export interface HttpExchangeFailure {
  kind: 'failure';
  message: string;
  certificate: CertificateExpiry | null;
  timings: ProbeTimings;
}

export type HttpExchangeOutcome = HttpExchangeResponse | HttpExchangeFailure;

export function runHttpExchange(request: HttpExchangeRequest, signal: AbortSignal): Promise<HttpExchangeOutcome> {
  const tls = request.url.protocol === 'https:';
  const timer = createPhaseTimer({ tls });
  let certificate: CertificateExpiry | null = null;
  let bodyBytes = 0;
  const fail = (message: string): HttpExchangeFailure => ({ kind: 'failure', message, certificate, timings: timer.timings() });
  const onAbort = (): HttpExchangeFailure =>
    fail(describeTimeout(signal, performance.now() - request.checkStartedAt, timeoutStage(timer, bodyBytes)));

  return runAttempt<HttpExchangeOutcome>(signal, { onAbort, onThrow: (error) => fail(describeNetworkError(error)) }, (attempt) => {
    const options: https.RequestOptions = { method: request.method, headers: request.headers, agent: false };
    if (tls) options.rejectUnauthorized = false;
    const client = tls ? https : http;
    const req = client.request(request.url, options);
    attempt.onCleanup(() => req.destroy());

    req.on('socket', (socket) => {
      timer.watch(socket);
      if (!tls) return;
      socket.once('secureConnect', () => {
        certificate = inspectPeerCertificate(socket as TLSSocket, request);
        const problem = trustProblem(socket as TLSSocket, certificate, request.ignoreTlsErrors);
        if (problem !== null) attempt.settle(fail(problem));
      });
    });
    req.on('error', (error) => attempt.settle(fail(describeNetworkError(error))));
    req.on('response', (res) => {
      timer.markFirstByte();
      attempt.onCleanup(() => res.destroy());
      const respond = (body: Buffer, bodyTruncated: boolean): void =>
        attempt.settle({
          kind: 'response',
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          location: typeof res.headers.location === 'string' ? res.headers.location : null,
          body,
          bodyTruncated,
          certificate,
          timings: timer.timings(),
        });
      if (request.followRedirects && isRedirect(res.statusCode ?? 0, res.headers.location)) {
        respond(Buffer.alloc(0), false);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        const room = request.maxBodyBytes - bodyBytes;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          bodyBytes += room;
          respond(Buffer.concat(chunks), true);
          return;
        }
        chunks.push(chunk);
        bodyBytes += chunk.length;
      });
      res.on('end', () => respond(Buffer.concat(chunks), false));
      res.on('error', () => attempt.settle(fail(`connection closed while reading the body (after ${bodyBytes} bytes)`)));
    });
    req.end(request.body);
  });
}

function timeoutStage(timer: PhaseTimer, bodyBytes: number): string {
  const stage = timer.pendingStage();
  if (stage === 'first byte') return 'no response headers';
  if (stage === 'done') return `reading the body, ${bodyBytes} bytes received`;
  return stage;
}

function inspectPeerCertificate(socket: TLSSocket, request: HttpExchangeRequest): CertificateExpiry | null {
  const peer = socket.getPeerCertificate();
  if (typeof peer.valid_to !== 'string') return null;
  return assessCertificateExpiry(peer.valid_to, request.nowMs, request.certificateExpiryWarningDays);
}

/** Expired is down even with `ignoreTlsErrors`: that option accepts who signed it, not its age. */
function trustProblem(socket: TLSSocket, certificate: CertificateExpiry | null, ignoreTlsErrors: boolean): string | null {
  if (certificate?.status === 'down') return certificate.message;
  if (socket.authorized || ignoreTlsErrors) return null;
  const code = authorizationErrorCode(socket.authorizationError) ?? 'UNKNOWN';
  return describeTlsAuthorizationError(code, 'set ignore_tls_errors to accept');
}
