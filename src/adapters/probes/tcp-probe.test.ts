import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';
import { createTcpProbe, type TcpProbeSpec } from './tcp-probe.js';

const servers = createLocalServers();
afterEach(() => servers.closeAll());

const probe = createTcpProbe();
const check = (spec: TcpProbeSpec) => probe.check(spec, AbortSignal.timeout(5_000));

/** A line server: PING → PONG, anything else → ERR. */
async function startPingServer(): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('data', (data: Buffer) => socket.write(data.toString().trim() === 'PING' ? 'PONG\r\n' : 'ERR unknown command\r\n'));
  });
  return portOf(await servers.listen(server));
}

function portOf(address: string): number {
  return Number(address.split(':')[1]);
}

describe('tcp probe', () => {
  it('is up when the port accepts a connection', async () => {
    const port = await startPingServer();
    const result = await check({ host: '127.0.0.1', port });
    expect(result).toMatchObject({ status: 'up', message: `connected to 127.0.0.1:${port}` });
    expect(result.timings?.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('is up when the expected answer comes back', async () => {
    const port = await startPingServer();
    const result = await check({ host: '127.0.0.1', port, send: 'PING\r\n', expect: 'PONG' });
    expect(result).toMatchObject({ status: 'up', message: 'received "PONG"' });
    expect(result.timings?.firstByteMs).toBeGreaterThanOrEqual(0);
  });

  it('is down with what came instead of the expected answer', async () => {
    const port = await startPingServer();
    const server = net.createServer((socket) => socket.end('ERR unknown command\r\n'));
    const closing = portOf(await servers.listen(server));
    expect(await check({ host: '127.0.0.1', port: closing, send: 'PING\r\n', expect: 'PONG' })).toMatchObject({
      status: 'down',
      message: 'expected "PONG" not received (got "ERR unknown command")',
    });
    // A server that keeps the connection open with the wrong answer runs into the timeout.
    const result = await probe.check({ host: '127.0.0.1', port, send: 'HELLO\r\n', expect: 'PONG' }, createProbeTimeoutSignal(200));
    expect(result).toMatchObject({
      status: 'down',
      message: 'timed out after 200 ms (waiting for "PONG", got "ERR unknown command")',
    });
  });

  it('reports a refused connection', async () => {
    const port = await closedPort(() => net.createServer());
    expect(await check({ host: '127.0.0.1', port })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('settles promptly when a silent server never answers', async () => {
    const address = await servers.listen(net.createServer(() => undefined));
    const startedAt = performance.now();
    const result = await probe.check({ host: '127.0.0.1', port: portOf(address), expect: 'HELLO' }, createProbeTimeoutSignal(250));
    expect(result).toMatchObject({ status: 'down', message: 'timed out after 250 ms (waiting for "HELLO", got nothing)' });
    expect(performance.now() - startedAt).toBeLessThan(250 + 200);
  });

  it('reads at most 64 KiB looking for the answer', async () => {
    const address = await servers.listen(
      net.createServer((socket) => {
        socket.on('error', () => undefined); // the probe hangs up mid-stream
        socket.write(Buffer.alloc(200 * 1024, 'x'));
      }),
    );
    const result = await check({ host: '127.0.0.1', port: portOf(address), expect: 'PONG' });
    expect(result.status).toBe('down');
    expect(result.message).toMatch(/^expected "PONG" not received \(got "x+\.\.\."\)$/);
  });
});
