/**
 * The `redis` monitor kind: a fresh connection, `PING` (must answer `PONG`), then `INFO memory`
 * for `used_memory`, compared against an optional threshold. ioredis is told not to retry, not
 * to queue commands while offline and not to reconnect: the scheduler owns retries, and one
 * attempt must be one connection. The abort signal is the connect timeout too: an abort
 * disconnects at once, whatever stage the attempt is in.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Probe, ProbeResult, ProbeTimings } from '../../core/monitors/probe.js';
import { formatBytes } from './format-bytes.js';
import { describeNetworkError } from './probe-errors.js';
import { describeTimeout } from './probe-timeout.js';
import { checkConnectionUrl, redactSecrets, secretsOfUrl } from '../secret-redaction.js';
import { runAttempt } from './settle-once.js';
import { lazyModule } from '../lazy-module.js';

const loadRedis = lazyModule(async () => (await import('ioredis')).Redis);

export interface RedisProbeSpec {
  /** `redis://[user:password@]127.0.0.1:6379[/db]`, or `rediss://` for TLS. */
  url: string;
  /** Above this `used_memory` (bytes) the result is `degraded`. */
  maxUsedMemoryBytes?: number;
  /** Above this total latency (connect + PING + INFO) in ms the result is `degraded`. */
  maxLatencyMs?: number;
}

export function createRedisProbe(): Probe<RedisProbeSpec> {
  return { kind: 'redis', check: async (spec, signal) => checkRedis(await loadRedis(), spec, signal) };
}

type Stage = 'connecting' | 'waiting for PING' | 'waiting for INFO memory';

function checkRedis(RedisClient: typeof Redis, spec: RedisProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
  const startAt = performance.now();
  let connectedAt: number | null = null;
  let pongAt: number | null = null;
  let stage: Stage = 'connecting';
  const secrets = secretsOfUrl(spec.url);
  const timings = (): ProbeTimings => {
    const result: ProbeTimings = { totalMs: round(performance.now() - startAt) };
    if (connectedAt !== null) result.connectMs = round(connectedAt - startAt);
    if (pongAt !== null && connectedAt !== null) result.firstByteMs = round(pongAt - connectedAt);
    return result;
  };
  const down = (message: string, answered = false): ProbeResult => {
    const measured = timings();
    return { status: 'down', latencyMs: answered ? measured.totalMs : null, message: redactSecrets(message, secrets), timings: measured };
  };
  const onAbort = (): ProbeResult => down(describeTimeout(signal, performance.now() - startAt, stage));

  return runAttempt<ProbeResult>(signal, { onAbort, onThrow: (error) => down(describeNetworkError(error)) }, (attempt) => {
    const urlProblem = checkRedisUrl(spec.url);
    if (urlProblem !== null) {
      attempt.settle(down(urlProblem));
      return;
    }
    const client = new RedisClient(spec.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      disableClientInfo: true,
    });
    attempt.onCleanup(() => client.disconnect());
    // ioredis rejects commands with generic texts (`Connection is closed.`); the `error` event
    // carries the cause (`connect ECONNREFUSED ...`, a protocol error), so that one is reported.
    let lastError: unknown = null;
    client.on('error', (error: unknown) => (lastError = error));
    const fail = (error: unknown, prefix: string): void => {
      const cause = lastError ?? error;
      const message = describeRedisError(cause);
      const serverAnswered = lastError === null && isReplyError(error);
      attempt.settle(down(serverAnswered ? `${prefix}${message}` : message, serverAnswered));
    };
    const run = async (): Promise<void> => {
      try {
        await client.connect();
      } catch (error) {
        fail(error, '');
        return;
      }
      connectedAt = performance.now();
      stage = 'waiting for PING';
      // Typed as 'PONG' by ioredis, but a server that is not Redis may answer anything.
      const pong: string | void = await client.ping().catch((error: unknown) => fail(error, 'PING failed: '));
      if (typeof pong !== 'string' || attempt.settled) return;
      pongAt = performance.now();
      if (pong !== 'PONG') {
        attempt.settle(down(`PING answered ${JSON.stringify(pong.slice(0, 60))} (expected PONG)`, true));
        return;
      }
      stage = 'waiting for INFO memory';
      const info = await client.info('memory').catch((error: unknown) => fail(error, 'INFO memory failed: '));
      if (typeof info !== 'string' || attempt.settled) return;
      attempt.settle(evaluate(spec, parseUsedMemory(info), timings()));
    };
    void run();
  });
}

function evaluate(spec: RedisProbeSpec, usedMemoryBytes: number | null, timings: ProbeTimings): ProbeResult {
  const latencyMs = timings.totalMs;
  if (usedMemoryBytes === null) {
    return { status: 'down', latencyMs, message: 'INFO memory has no used_memory field', timings };
  }
  const details = { usedMemoryBytes };
  const warnings: string[] = [];
  if (spec.maxUsedMemoryBytes !== undefined && usedMemoryBytes > spec.maxUsedMemoryBytes) {
    warnings.push(`used memory ${formatBytes(usedMemoryBytes)} above ${formatBytes(spec.maxUsedMemoryBytes)}`);
  }
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    warnings.push(`slow response: ${Math.round(latencyMs)} ms (max ${spec.maxLatencyMs} ms)`);
  }
  if (warnings.length > 0) return { status: 'degraded', latencyMs, message: warnings.join('; '), timings, details };
  return { status: 'up', latencyMs, message: `PONG, used memory ${formatBytes(usedMemoryBytes)}`, timings, details };
}

/** `used_memory:939584` from the `INFO memory` text; null when absent or not a number. */
export function parseUsedMemory(info: string): number | null {
  const match = /^used_memory:(\d+)\r?$/m.exec(info);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export const checkRedisUrl = (url: string): string | null => checkConnectionUrl(url, 'Redis', ['redis', 'rediss'], 'redis://[user:password@]host:port[/db]');

/** A server's `-ERR ...` answer (ioredis' ReplyError), as opposed to a connection failure. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/** Protocol errors mean whatever answered does not speak RESP: say so instead of "please report". */
function describeRedisError(error: unknown): string {
  const message = describeNetworkError(error);
  const protocol = /^Protocol error, (.*?)\.?(?: Please report this\.)?$/.exec(message);
  if (protocol?.[1] !== undefined) return `not a Redis server: protocol error, ${protocol[1]}`;
  return message;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
