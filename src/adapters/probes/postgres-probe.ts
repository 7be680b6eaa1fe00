/**
 * The `postgres` monitor kind: connect with a fresh `pg.Client` (no pool, so every attempt proves
 * that a new connection can be made and authenticated) and run one query, by default `select 1`.
 * An abort destroys the connection at once, so a hanging server or a slow query never outlives
 * the monitor's timeout on our side. Passwords never appear in messages or details.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Probe, ProbeResult, ProbeTimings } from '../../core/monitors/probe.js';
import { describeNetworkError } from './probe-errors.js';
import { describeTimeout } from './probe-timeout.js';
import { checkConnectionUrl, redactSecrets, secretsOfUrl } from '../secret-redaction.js';
import { type Attempt, runAttempt } from './settle-once.js';
import { lazyModule } from '../lazy-module.js';

const loadPg = lazyModule(async () => (await import('pg')).default);

export interface PostgresProbeSpec {
  /** `postgres://user:password@host:5432/database` (libpq-style parameters such as `sslmode` work). */
  url: string;
  /** Run after connecting; default `select 1`. */
  query?: string;
  /** Above this total latency (connect + query) in ms the result is `degraded`. */
  maxLatencyMs?: number;
}

export const POSTGRES_DEFAULT_QUERY = 'select 1';

export function createPostgresProbe(): Probe<PostgresProbeSpec> {
  return { kind: 'postgres', check: async (spec, signal) => checkPostgres(await loadPg(), spec, signal) };
}

/** What a query answered: row count and the server's version (from the startup parameters). */
interface QueryOutcome {
  rows: number;
  serverVersion: string | null;
}

function checkPostgres(driver: typeof pg, spec: PostgresProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
  const startAt = performance.now();
  let connectedAt: number | null = null;
  const secrets = secretsOfUrl(spec.url);
  const timings = (): ProbeTimings => {
    const result: ProbeTimings = { totalMs: round(performance.now() - startAt) };
    if (connectedAt !== null) result.connectMs = round(connectedAt - startAt);
    return result;
  };
  const down = (message: string, answered = false): ProbeResult => {
    const measured = timings();
    const latencyMs = answered ? measured.totalMs : null;
    return { status: 'down', latencyMs, message: redactSecrets(message, secrets), timings: measured };
  };
  const onAbort = (): ProbeResult => {
    const stage = connectedAt === null ? 'connecting' : 'waiting for the query';
    return down(describeTimeout(signal, performance.now() - startAt, stage));
  };
  const onThrow = (error: unknown): ProbeResult => down(describeNetworkError(error));

  return runAttempt<ProbeResult>(signal, { onAbort, onThrow }, (attempt) => {
    const urlProblem = checkPostgresUrl(spec.url);
    if (urlProblem !== null) {
      attempt.settle(down(urlProblem));
      return;
    }
    const client = new driver.Client({ connectionString: spec.url });
    // Errors after the attempt settled (the abort's destroyed socket) are expected: ignore them.
    client.on('error', () => undefined);
    let serverVersion: string | null = null;
    client.connection.on('parameterStatus', (message: unknown) => {
      serverVersion = serverVersionOf(message) ?? serverVersion;
    });
    let finished = false;
    attempt.onCleanup(() => {
      // A finished attempt says goodbye politely; an aborted one drops the socket now.
      if (finished) client.end().catch(() => undefined);
      else client.connection.stream.destroy();
    });
    const settleWith = (outcome: QueryOutcome): void => {
      finished = true;
      attempt.settle(evaluate(spec, outcome, timings()));
    };
    void connectAndQuery(client, spec.query ?? POSTGRES_DEFAULT_QUERY, attempt, {
      onConnected: () => (connectedAt = performance.now()),
      onFailure: (message, answered) => {
        finished = answered;
        attempt.settle(down(message, answered));
      },
      onRows: (rows) => settleWith({ rows, serverVersion }),
    });
  });
}

interface QueryCallbacks {
  onConnected(): void;
  /** `answered`: the server replied (an SQL error), so latency means something. */
  onFailure(message: string, answered: boolean): void;
  onRows(rows: number): void;
}

async function connectAndQuery(client: pg.Client, query: string, attempt: Attempt<ProbeResult>, callbacks: QueryCallbacks): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    callbacks.onFailure(describeNetworkError(error), false);
    return;
  }
  if (attempt.settled) return;
  callbacks.onConnected();
  let answer: unknown;
  try {
    answer = await client.query(query);
  } catch (error) {
    callbacks.onFailure(`query failed: ${error instanceof Error ? error.message : String(error)}`, true);
    return;
  }
  callbacks.onRows(rowCountOf(answer));
}

function evaluate(spec: PostgresProbeSpec, outcome: QueryOutcome, timings: ProbeTimings): ProbeResult {
  const latencyMs = timings.totalMs;
  const details = { rows: outcome.rows, serverVersion: outcome.serverVersion };
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    const message = `slow response: ${Math.round(latencyMs)} ms (max ${spec.maxLatencyMs} ms)`;
    return { status: 'degraded', latencyMs, message, timings, details };
  }
  const message = `query returned ${outcome.rows} ${outcome.rows === 1 ? 'row' : 'rows'}`;
  return { status: 'up', latencyMs, message, timings, details };
}

export const checkPostgresUrl = (url: string): string | null => checkConnectionUrl(url, 'PostgreSQL', ['postgres', 'postgresql'], 'postgres://user:password@host:port/database');

/**
 * Rows returned, or affected for statements that return none (`update`: rowCount). pg answers
 * a multi-statement query with one result per statement; the last one counts.
 */
function rowCountOf(answer: unknown): number {
  const last: unknown = Array.isArray(answer) ? answer.at(-1) : answer;
  if (typeof last !== 'object' || last === null) return 0;
  const { rows, rowCount } = last as { rows?: unknown; rowCount?: unknown };
  if (Array.isArray(rows) && rows.length > 0) return rows.length;
  return typeof rowCount === 'number' ? rowCount : 0;
}

function serverVersionOf(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const { parameterName, parameterValue } = message as { parameterName?: unknown; parameterValue?: unknown };
  return parameterName === 'server_version' && typeof parameterValue === 'string' ? parameterValue : null;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
