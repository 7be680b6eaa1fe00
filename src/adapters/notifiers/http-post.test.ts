import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPost, maxBodyBytes } from './http-post.js';

describe('createHttpPost', () => {
  const servers: Server[] = [];
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  };
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const post = createHttpPost();
  const request = (body = '{"a":1}') => ({ headers: { 'content-type': 'application/json' }, body, signal: new AbortController().signal, timeoutMs: 5_000 });

  it('posts the body with its headers and answers status, headers and body, reusing connections', async () => {
    const seen: Array<{ body: string; type: string | undefined; port: number | undefined }> = [];
    const url = await serve((incoming, response) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      incoming.on('end', () => {
        seen.push({ body, type: incoming.headers['content-type'], port: incoming.socket.remotePort });
        response.setHeader('retry-after', '7');
        response.writeHead(429).end('slow down');
      });
    });
    const first = await post(url, request('{"ü":1}'));
    const second = await post(url, request());
    expect([first.status, first.header('Retry-After'), first.bodyStart]).toEqual([429, '7', 'slow down']);
    expect(second.header('x-missing')).toBeNull();
    expect(seen.map((entry) => [entry.body, entry.type])).toEqual([['{"ü":1}', 'application/json'], ['{"a":1}', 'application/json']]);
    // Keep-alive: more posts in a row reuse the connections (undici may open a second one for a
    // request sent while the first connection is still being released).
    for (let index = 0; index < 4; index += 1) await post(url, request());
    expect(new Set(seen.map((entry) => entry.port)).size).toBeLessThanOrEqual(2);
  });

  it('keeps only the start of a long answer', async () => {
    const url = await serve((_incoming, response) => {
      response.writeHead(500);
      response.write('x'.repeat(maxBodyBytes));
      response.end('y'.repeat(maxBodyBytes));
    });
    const answer = await post(url, request());
    expect(answer.status).toBe(500);
    expect(answer.bodyStart).toBe('x'.repeat(maxBodyBytes));
  });

  it('rejects with an AbortError when the signal aborts before the answer', async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    const pending = post(url, { ...request(), signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects with a TimeoutError when no answer comes within timeoutMs, and frees the connection', async () => {
    let requests = 0;
    const url = await serve((_incoming, response) => {
      requests += 1;
      if (requests > 1) response.writeHead(204).end();
    });
    const started = performance.now();
    await expect(post(url, { ...request(), timeoutMs: 50 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    // The timed-out socket is not handed to the next request.
    expect((await post(url, request())).status).toBe(204);
  });

  it('rejects at once when the signal has already aborted', async () => {
    let requests = 0;
    const url = await serve((_incoming, response) => {
      requests += 1;
      response.writeHead(204).end();
    });
    const controller = new AbortController();
    controller.abort();
    await expect(post(url, { ...request(), signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toBe(0);
  });

  it('rejects with the error code when the connection is refused or cut short', async () => {
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await expect(post(url, request())).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(post('http://127.0.0.1:1/hook', request())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(post('ftp://127.0.0.1/hook', request())).rejects.toThrow('unsupported protocol ftp:');
    // A request undici refuses to send fails at once, naming the header, and leaves no timer behind.
    await expect(post(url, { ...request(), headers: { 'x-team': 'db\nops' }, timeoutMs: 60_000 })).rejects.toThrow('invalid x-team header');
  });
});
