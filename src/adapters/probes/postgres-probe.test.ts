import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { findTestPostgresServer } from '../../../test/support/postgres.js';
import { createPostgresProbe, type PostgresProbeSpec } from './postgres-probe.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';

// The machine's real PostgreSQL (SRE_MONITOR_TEST_PG_URL, else 127.0.0.1:5432). Outside CI a
// machine without one skips the server tests; with CI=true findTestPostgresServer throws instead.
const serverUrl = await findTestPostgresServer();
const available = serverUrl !== undefined;
const url = serverUrl ?? 'postgres://unused@127.0.0.1:5432/postgres';
const needsServer = available ? '' : ' (skipped: no PostgreSQL server answers on this machine)';

const servers = createLocalServers();
afterEach(() => servers.closeAll());

const probe = createPostgresProbe();
const check = (spec: PostgresProbeSpec) => probe.check(spec, AbortSignal.timeout(5_000));

/** PostgreSQL's ErrorResponse message: `E`, length, then (type byte, C string) fields, then 0. */
function errorResponse(fields: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(fields).map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

async function listenPort(server: net.Server): Promise<number> {
  return Number((await servers.listen(server)).split(':')[1]);
}

describe('postgres probe', () => {
  it.skipIf(!available)(`is up when it connects and the query answers${needsServer}`, async () => {
    const result = await check({ url });
    expect(result).toMatchObject({ status: 'up', message: 'query returned 1 row', details: { rows: 1 } });
    expect(result.details?.serverVersion).toMatch(/^\d+/);
    expect(result.timings?.connectMs).toBeGreaterThan(0);
    expect(result.timings?.totalMs).toBeGreaterThanOrEqual(result.timings?.connectMs ?? Infinity);
    expect(result.latencyMs).toBe(result.timings?.totalMs);
  });

  it.skipIf(!available)(`counts the rows of a custom query${needsServer}`, async () => {
    const result = await check({ url, query: 'select * from generate_series(1, 3)' });
    expect(result).toMatchObject({ status: 'up', message: 'query returned 3 rows', details: { rows: 3 } });
  });

  it.skipIf(!available)(`is down with the server's error when the query fails${needsServer}`, async () => {
    const result = await check({ url, query: 'select * from x' });
    expect(result).toMatchObject({ status: 'down', message: 'query failed: relation "x" does not exist' });
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it.skipIf(!available)(`is down when the database does not exist${needsServer}`, async () => {
    const missing = new URL(url);
    missing.pathname = '/sre_monitor_no_such_database';
    expect(await check({ url: missing.href })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: 'database "sre_monitor_no_such_database" does not exist',
    });
  });

  it.skipIf(!available)(`is degraded above maxLatencyMs${needsServer}`, async () => {
    const result = await check({ url, query: 'select pg_sleep(0.05)', maxLatencyMs: 10 });
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^slow response: \d+ ms \(max 10 ms\)$/);
    expect(result.details).toMatchObject({ rows: 1 });
  });

  it.skipIf(!available)(`ends a slow query promptly when the timeout aborts it${needsServer}`, async () => {
    const startedAt = performance.now();
    const result = await probe.check({ url, query: 'select pg_sleep(5)' }, createProbeTimeoutSignal(300));
    expect(result).toMatchObject({ status: 'down', latencyMs: null, message: 'timed out after 300 ms (waiting for the query)' });
    expect(performance.now() - startedAt).toBeLessThan(300 + 200);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort(() => net.createServer());
    expect(await check({ url: `postgres://postgres@127.0.0.1:${port}/postgres` })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('passes authentication failures through without the password', async () => {
    const message = 'password authentication failed for user "app"';
    const port = await listenPort(
      net.createServer((socket) => socket.once('data', () => socket.end(errorResponse({ S: 'FATAL', C: '28P01', M: message })))),
    );
    const result = await check({ url: `postgres://app:s3cr%2Fet@127.0.0.1:${port}/app` });
    expect(result).toMatchObject({ status: 'down', message });
    expect(JSON.stringify(result)).not.toMatch(/s3cr/);
  });

  it('times out while connecting to a server that never answers', async () => {
    const port = await listenPort(net.createServer(() => undefined));
    const result = await probe.check({ url: `postgres://app:pw@127.0.0.1:${port}/app` }, createProbeTimeoutSignal(200));
    expect(result).toMatchObject({ status: 'down', message: 'timed out after 200 ms (connecting)' });
  });

  it.each([
    ['not a url', 'invalid PostgreSQL URL (expected postgres://user:password@host:port/database)'],
    ['mysql://root:hunter2@127.0.0.1/db', 'invalid PostgreSQL URL: scheme mysql (expected postgres or postgresql)'],
  ])('rejects the URL %j without echoing it', async (bad, message) => {
    expect(await check({ url: bad })).toMatchObject({ status: 'down', latencyMs: null, message });
  });
});
