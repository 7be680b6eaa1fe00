import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';
import { createRedisProbe, parseUsedMemory, type RedisProbeSpec } from './redis-probe.js';

const probe = createRedisProbe();
const check = (spec: RedisProbeSpec) => probe.check(spec, AbortSignal.timeout(5_000));

// The machine's real Redis. Outside CI a machine without one skips those tests; CI provides
// Redis, so with CI=true a missing server fails the run instead of skipping silently.
const url = process.env.SRE_MONITOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const preflight = await probe.check({ url }, createProbeTimeoutSignal(1_000));
const available = preflight.status !== 'down';
if (!available && (process.env.CI === 'true' || process.env.CI === '1')) {
  throw new Error(`CI=true but no Redis answered at ${url} (${preflight.message}); start one or set SRE_MONITOR_TEST_REDIS_URL`);
}
const needsServer = available ? '' : ` (skipped: no Redis answers at ${url}: ${preflight.message})`;

const servers = createLocalServers();
afterEach(() => servers.closeAll());

async function listenPort(server: net.Server): Promise<number> {
  return Number((await servers.listen(server)).split(':')[1]);
}

describe('redis probe', () => {
  it.skipIf(!available)(`is up when PING answers PONG, with used memory${needsServer}`, async () => {
    const result = await check({ url });
    expect(result.status).toBe('up');
    expect(result.message).toMatch(/^PONG, used memory \d+(\.\d)? [KMG]?B$/);
    const used = result.details?.usedMemoryBytes;
    expect(typeof used === 'number' && used > 0).toBe(true);
    expect(result.timings?.connectMs).toBeGreaterThan(0);
    expect(result.timings?.firstByteMs).toBeGreaterThan(0);
    expect(result.latencyMs).toBe(result.timings?.totalMs);
  });

  it.skipIf(!available)(`is degraded when used memory is above the threshold${needsServer}`, async () => {
    const result = await check({ url, maxUsedMemoryBytes: 1024 });
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^used memory \d+(\.\d)? [KMG]B above 1 KB$/);
  });

  it.skipIf(!available)(`is degraded above maxLatencyMs${needsServer}`, async () => {
    const result = await check({ url, maxLatencyMs: 0 });
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^slow response: \d+ ms \(max 0 ms\)$/);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort(() => net.createServer());
    expect(await check({ url: `redis://127.0.0.1:${port}` })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('is down with a clear message when the server does not speak Redis', async () => {
    const port = await listenPort(net.createServer((socket) => socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    expect(await check({ url: `redis://127.0.0.1:${port}` })).toMatchObject({
      status: 'down',
      message: 'not a Redis server: protocol error, got "H" as reply type byte',
    });
  });

  it('is down when PING gets another answer', async () => {
    const port = await listenPort(net.createServer((socket) => socket.on('data', () => socket.write('+HELLO\r\n'))));
    expect(await check({ url: `redis://127.0.0.1:${port}` })).toMatchObject({
      status: 'down',
      message: 'PING answered "HELLO" (expected PONG)',
    });
  });

  it('passes a server error through with the command that got it, never the password', async () => {
    const port = await listenPort(
      net.createServer((socket) => socket.on('data', () => socket.write('-NOAUTH Authentication required.\r\n'))),
    );
    // A password in the URL makes ioredis send AUTH first; this server refuses everything.
    const result = await check({ url: `redis://127.0.0.1:${port}` });
    expect(result).toMatchObject({ status: 'down', message: 'PING failed: NOAUTH Authentication required.' });
    const withPassword = await check({ url: `redis://:hunter2@127.0.0.1:${port}` });
    expect(withPassword.status).toBe('down');
    expect(JSON.stringify(withPassword)).not.toMatch(/hunter2/);
  });

  it('settles promptly when the server never answers', async () => {
    const port = await listenPort(net.createServer(() => undefined));
    const startedAt = performance.now();
    const result = await probe.check({ url: `redis://127.0.0.1:${port}` }, createProbeTimeoutSignal(250));
    expect(result).toMatchObject({ status: 'down', latencyMs: null, message: 'timed out after 250 ms (waiting for PING)' });
    expect(performance.now() - startedAt).toBeLessThan(250 + 200);
  });

  it.each([
    ['127.0.0.1:6379', 'invalid Redis URL (expected redis://[user:password@]host:port[/db])'],
    ['http://:secret@127.0.0.1:6379', 'invalid Redis URL: scheme http (expected redis or rediss)'],
  ])('rejects the URL %j without echoing it', async (bad, message) => {
    expect(await check({ url: bad })).toMatchObject({ status: 'down', latencyMs: null, message });
  });

  it.each([
    ['# Memory\r\nused_memory:939584\r\nused_memory_human:917.56K\r\n', 939584],
    ['# Memory\nused_memory_rss:7053312\n', null],
    ['', null],
  ])('reads used_memory from INFO memory (%#)', (info, expected) => {
    expect(parseUsedMemory(info)).toBe(expected);
  });
});
