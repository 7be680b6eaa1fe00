/**
 * The `tcp` monitor kind: connect to host:port, optionally send a line and expect a substring
 * in what comes back (at most 64 KiB is read). Connected, and the answer matched, is up.
 */
import net from 'node:net';
import type { Probe, ProbeResult } from '../../core/monitors/probe.js';
import { createPhaseTimer } from './phase-timer.js';
import { describeNetworkError } from './probe-errors.js';
import { describeTimeout } from './probe-timeout.js';
import { runAttempt } from './settle-once.js';

export interface TcpProbeSpec {
  host: string;
  port: number;
  /** Written once connected, as is (add `\r\n` yourself if the protocol wants it). */
  send?: string;
  /** Substring expected in the first bytes received. */
  expect?: string;
}

/** Most bytes read while looking for `expect`. */
export const TCP_MAX_READ_BYTES = 64 * 1024;

export function createTcpProbe(): Probe<TcpProbeSpec> {
  return { kind: 'tcp', check: checkTcp };
}

function checkTcp(spec: TcpProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
  const timer = createPhaseTimer({ tls: false });
  let received = Buffer.alloc(0);
  const down = (message: string): ProbeResult => ({ status: 'down', latencyMs: null, message, timings: timer.timings() });
  const stage = (): string => {
    const pending = timer.pendingStage();
    if (pending === 'DNS lookup' || pending === 'connecting') return pending;
    return `waiting for ${JSON.stringify(spec.expect ?? '')}, got ${describeReceived(received)}`;
  };
  const onAbort = (): ProbeResult => down(describeTimeout(signal, timer.elapsedMs(), stage()));

  return runAttempt<ProbeResult>(signal, { onAbort, onThrow: (error) => down(describeNetworkError(error)) }, (attempt) => {
    const up = (message: string): void => {
      const timings = timer.timings();
      attempt.settle({ status: 'up', latencyMs: timings.totalMs, message, timings });
    };
    const notReceived = (): void => {
      const timings = timer.timings();
      const message = `expected ${JSON.stringify(spec.expect)} not received (got ${describeReceived(received)})`;
      attempt.settle({ status: 'down', latencyMs: timings.totalMs, message, timings });
    };
    const socket = net.connect({ host: spec.host, port: spec.port });
    attempt.onCleanup(() => socket.destroy());
    timer.watch(socket);
    socket.on('error', (error) => attempt.settle(down(describeNetworkError(error))));
    socket.on('connect', () => {
      if (spec.send !== undefined) socket.write(spec.send);
      if (spec.expect === undefined) up(`connected to ${spec.host}:${spec.port}`);
    });
    if (spec.expect === undefined) return;
    const expected = spec.expect;
    socket.on('data', (chunk: Buffer) => {
      timer.markFirstByte();
      received = Buffer.concat([received, chunk]).subarray(0, TCP_MAX_READ_BYTES);
      if (received.toString('utf8').includes(expected)) up(`received ${JSON.stringify(expected)}`);
      else if (received.length >= TCP_MAX_READ_BYTES) notReceived();
    });
    socket.on('end', notReceived);
    socket.on('close', notReceived);
  });
}

/** `"ERR unknown command"`, shortened, or `nothing`. */
function describeReceived(received: Buffer): string {
  if (received.length === 0) return 'nothing';
  const text = received.subarray(0, 200).toString('utf8').trim();
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
