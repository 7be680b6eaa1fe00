/**
 * The `http` monitor kind: one request (following up to 5 redirects), judged by status code,
 * body keyword, a JSONPath value, latency and the TLS certificate's expiry. Every failure is a
 * `down` result with a precise message; slow or soon-expiring but otherwise fine is `degraded`.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../core/clock.js';
import type { CheckStatus } from '../../core/monitors/monitor-status.js';
import type { Probe, ProbeResult, ProbeTimings } from '../../core/monitors/probe.js';
import { systemClock } from '../clock/system-clock.js';
import { DEFAULT_CERTIFICATE_EXPIRY_WARNING_DAYS } from './certificate-expiry.js';
import { checkJsonPath, checkKeyword, type JsonPathAssertion, type KeywordAssertion } from './http-body-assertions.js';
import { runHttpExchange, type HttpExchangeResponse } from './http-exchange.js';
import {
  DEFAULT_EXPECTED_STATUS,
  formatExpectedStatus,
  isExpectedStatus,
  type ExpectedStatus,
} from './http-status-expectation.js';
import { nextRedirect } from './http-redirect.js';
import { sumTimings } from './phase-timer.js';
import { describeNetworkError } from './probe-errors.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface HttpProbeSpec {
  /** http: or https: URL. */
  url: string;
  /** Default GET. */
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  /** Codes and inclusive ranges that count as up; default 200-299. */
  expectedStatus?: ExpectedStatus[];
  keyword?: KeywordAssertion;
  jsonPath?: JsonPathAssertion;
  /** Slower than this (total, all hops, in ms) but otherwise fine is `degraded`. */
  maxLatencyMs?: number;
  /** Default true; at most 5 redirects are followed. */
  followRedirects?: boolean;
  /** Accept certificates that do not verify (self-signed, wrong host). Expired stays down. */
  ignoreTlsErrors?: boolean;
  /** An https certificate expiring within this many days is `degraded`; default 14. */
  certificateExpiryWarningDays?: number;
}

export interface HttpProbeOptions {
  /** Most body bytes read per response (default 1 MiB); the rest is discarded unread. */
  maxBodyBytes?: number;
  /** Wall clock for certificate expiry; default the system clock. */
  clock?: Clock;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 5;

export function createHttpProbe(options: HttpProbeOptions = {}): Probe<HttpProbeSpec> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const clock = options.clock ?? systemClock;
  return {
    kind: 'http',
    async check(spec, signal) {
      try {
        return await checkHttp(spec, signal, maxBodyBytes, clock);
      } catch (error) {
        // Nothing above should throw; this keeps the "never throws" promise if something does.
        return { status: 'down', latencyMs: null, message: describeNetworkError(error) };
      }
    },
  };
}

async function checkHttp(spec: HttpProbeSpec, signal: AbortSignal, maxBodyBytes: number, clock: Clock): Promise<ProbeResult> {
  const checkStartedAt = performance.now();
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    return down(`invalid URL ${JSON.stringify(spec.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return down(`unsupported protocol ${url.protocol} in ${JSON.stringify(spec.url)} (use http: or https:)`);
  }
  let method: string = spec.method ?? 'GET';
  let headers: Record<string, string> = { ...spec.headers };
  let body = spec.body;
  const hops: ProbeTimings[] = [];
  const followRedirects = spec.followRedirects ?? true;

  for (let redirects = 0; ; redirects += 1) {
    const outcome = await runHttpExchange(
      {
        url,
        method,
        headers,
        body,
        followRedirects,
        maxBodyBytes,
        ignoreTlsErrors: spec.ignoreTlsErrors ?? false,
        certificateExpiryWarningDays: spec.certificateExpiryWarningDays ?? DEFAULT_CERTIFICATE_EXPIRY_WARNING_DAYS,
        nowMs: clock.nowMs(),
        checkStartedAt,
      },
      signal,
    );
    hops.push(outcome.timings);
    const timings = sumTimings(hops);
    const details: Record<string, unknown> = { url: url.href, redirects };
    if (outcome.certificate !== null) {
      details.certificate = { validTo: outcome.certificate.validTo, daysLeft: outcome.certificate.daysLeft };
    }
    if (outcome.kind === 'failure') return { status: 'down', latencyMs: null, message: outcome.message, timings, details };

    const redirect = followRedirects ? nextRedirect(outcome, { url, method, headers, body }) : null;
    if (redirect === null) return judgeResponse(spec, outcome, timings, details);
    if ('problem' in redirect) return { status: 'down', latencyMs: timings.totalMs, message: redirect.problem, timings, details };
    if (redirects >= MAX_REDIRECTS) {
      return { status: 'down', latencyMs: timings.totalMs, message: `too many redirects (${MAX_REDIRECTS})`, timings, details };
    }
    ({ url, method, headers, body } = redirect);
  }
}

function judgeResponse(
  spec: HttpProbeSpec,
  response: HttpExchangeResponse,
  timings: ProbeTimings,
  details: Record<string, unknown>,
): ProbeResult {
  const latencyMs = timings.totalMs;
  const allDetails = {
    ...details,
    statusCode: response.statusCode,
    bodyBytes: response.body.length,
    bodyTruncated: response.bodyTruncated,
  };
  const result = (status: CheckStatus, message: string): ProbeResult => ({ status, latencyMs, message, timings, details: allDetails });

  const expected = spec.expectedStatus ?? DEFAULT_EXPECTED_STATUS;
  if (!isExpectedStatus(response.statusCode, expected)) {
    return result('down', `HTTP ${response.statusCode} (expected ${formatExpectedStatus(expected)})`);
  }
  const text = response.body.toString('utf8');
  const bodyProblem =
    (spec.keyword === undefined ? null : checkKeyword(text, spec.keyword)) ??
    (spec.jsonPath === undefined ? null : checkJsonPath(text, spec.jsonPath, response.bodyTruncated));
  if (bodyProblem !== null) return result('down', bodyProblem);

  const warnings: string[] = [];
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    warnings.push(`slow response: ${Math.round(latencyMs)} ms (max ${spec.maxLatencyMs} ms)`);
  }
  if (response.certificate?.status === 'degraded') warnings.push(response.certificate.message);
  if (warnings.length > 0) return result('degraded', warnings.join('; '));
  return result('up', `HTTP ${response.statusCode}${response.statusMessage === '' ? '' : ` ${response.statusMessage}`}`);
}

function down(message: string): ProbeResult {
  return { status: 'down', latencyMs: null, message };
}
