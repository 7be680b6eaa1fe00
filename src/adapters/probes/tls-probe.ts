/**
 * The `tls` monitor kind: a TLS handshake with host:port that reports the server certificate's
 * expiry and whether its chain is trusted. Expired is down; an untrusted chain (self-signed,
 * unknown issuer, wrong host name) is down unless `ignoreChainErrors`; expiring within the
 * warning window is degraded.
 */
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { Clock } from '../../core/clock.js';
import type { Probe, ProbeResult } from '../../core/monitors/probe.js';
import { systemClock } from '../clock/system-clock.js';
import { assessCertificateExpiry, DEFAULT_CERTIFICATE_EXPIRY_WARNING_DAYS } from './certificate-expiry.js';
import { createPhaseTimer } from './phase-timer.js';
import { authorizationErrorCode, describeNetworkError, describeTlsAuthorizationError } from './probe-errors.js';
import { describeTimeout } from './probe-timeout.js';
import { runAttempt } from './settle-once.js';

export interface TlsProbeSpec {
  host: string;
  port: number;
  /** SNI name and the name the certificate must match; default `host` unless it is an IP. */
  servername?: string;
  /** Expiring within this many days is degraded; default 14. */
  certificateExpiryWarningDays?: number;
  /** Accept an untrusted chain or a name mismatch; expiry is still judged. */
  ignoreChainErrors?: boolean;
}

export interface TlsProbeOptions {
  /** Wall clock for certificate expiry; default the system clock. */
  clock?: Clock;
}

export function createTlsProbe(options: TlsProbeOptions = {}): Probe<TlsProbeSpec> {
  const clock = options.clock ?? systemClock;
  return { kind: 'tls', check: (spec, signal) => checkTls(spec, signal, clock) };
}

function checkTls(spec: TlsProbeSpec, signal: AbortSignal, clock: Clock): Promise<ProbeResult> {
  const timer = createPhaseTimer({ tls: true });
  const down = (message: string): ProbeResult => ({ status: 'down', latencyMs: null, message, timings: timer.timings() });
  const onAbort = (): ProbeResult => down(describeTimeout(signal, timer.elapsedMs(), timer.pendingStage()));

  return runAttempt<ProbeResult>(signal, { onAbort, onThrow: (error) => down(describeNetworkError(error)) }, (attempt) => {
    const servername = spec.servername ?? (isIP(spec.host) === 0 ? spec.host : undefined);
    const socket = tls.connect({ host: spec.host, port: spec.port, servername, rejectUnauthorized: false });
    attempt.onCleanup(() => socket.destroy());
    timer.watch(socket);
    socket.on('error', (error) => attempt.settle(down(describeNetworkError(error))));
    socket.once('secureConnect', () => attempt.settle(judgeHandshake(socket, spec, clock.nowMs(), timer.timings())));
  });
}

function judgeHandshake(
  socket: tls.TLSSocket,
  spec: TlsProbeSpec,
  nowMs: number,
  timings: ProbeResult['timings'] & object,
): ProbeResult {
  const latencyMs = timings.totalMs;
  const peer = socket.getPeerCertificate();
  const authorizationError = socket.authorized ? null : authorizationErrorCode(socket.authorizationError);
  const expiry = typeof peer.valid_to === 'string'
    ? assessCertificateExpiry(peer.valid_to, nowMs, spec.certificateExpiryWarningDays ?? DEFAULT_CERTIFICATE_EXPIRY_WARNING_DAYS)
    : null;
  if (expiry === null) return { status: 'down', latencyMs, message: 'server sent no readable certificate', timings };
  const details = {
    validTo: expiry.validTo,
    daysLeft: expiry.daysLeft,
    issuer: formatDistinguishedName(peer.issuer),
    subject: formatDistinguishedName(peer.subject),
    authorized: socket.authorized,
    authorizationError,
  };
  const result = (status: ProbeResult['status'], message: string): ProbeResult => ({ status, latencyMs, message, timings, details });
  if (expiry.status === 'down') return result('down', expiry.message);
  if (authorizationError !== null && spec.ignoreChainErrors !== true) {
    return result('down', describeTlsAuthorizationError(authorizationError, 'set ignore_chain_errors to accept'));
  }
  if (expiry.status === 'degraded') return result('degraded', expiry.message);
  return result('up', expiry.message.replace(/^certificate expires/, 'certificate valid, expires'));
}

/** `CN=localhost, O=Example`; Node gives repeated attributes as arrays. */
function formatDistinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}
