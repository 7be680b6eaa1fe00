/**
 * `http_config.proxy_url` and friends against a real CONNECT proxy and real receivers on
 * 127.0.0.1: notifications go through the proxy (with `proxy_connect_header`), `no_proxy`
 * hosts and CIDR ranges go direct, an HTTPS receiver is verified through the tunnel with
 * `tls_config`, and bad settings are problems naming the field.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { createTestCertificate, type TestCertificate } from '../../../test/support/tls-certificate.js';
import { buildReceiverNotifiers } from './index.js';
import { bypassesProxy } from './proxy-config.js';
import { buildOne, send } from './notifier-builders.contract.js';

interface Tunnel {
  target: string;
  headers: IncomingHttpHeaders;
}

/** A CONNECT proxy that records each tunnel and pipes it to its target (127.0.0.1 only). */
async function startConnectProxy(): Promise<{ url: string; tunnels: Tunnel[]; server: Server }> {
  const tunnels: Tunnel[] = [];
  const server = createHttpServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request, client, head) => {
    const target = request.url ?? '';
    tunnels.push({ target, headers: request.headers });
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    if (host !== '127.0.0.1' && host !== 'localhost') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels, server };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('http_config proxy settings through a real CONNECT proxy', () => {
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let receiver: Server;
  let secureReceiver: Server;
  let certificate: TestCertificate;
  let port: number;
  let securePort: number;
  const received: string[] = [];

  beforeAll(async () => {
    certificate = await createTestCertificate({ validForDays: 30 });
    const answer = (request: { url?: string | undefined; resume(): void; on(event: 'end', listener: () => void): void }, response: { end(text: string): void }) => {
      received.push(request.url ?? '');
      request.resume();
      request.on('end', () => response.end('ok'));
    };
    receiver = createHttpServer(answer);
    secureReceiver = createHttpsServer({ key: certificate.key, cert: certificate.cert }, answer);
    [proxy, port, securePort] = await Promise.all([startConnectProxy(), listen(receiver), listen(secureReceiver)]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.server, receiver, secureReceiver].map((server) => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))));
  });

  it('sends through proxy_url, with proxy_connect_header on the CONNECT', async () => {
    const result = await send(buildOne('webhook_configs', { url: `http://127.0.0.1:${port}/via-proxy`, http_config: { proxy_url: proxy.url, proxy_connect_header: { 'Proxy-Authorization': ['Basic c3JlOnB3'] } } }));
    expect(result).toMatchObject({ ok: true });
    expect(received).toContain('/via-proxy');
    expect(proxy.tunnels.at(-1)).toMatchObject({ target: `127.0.0.1:${port}`, headers: expect.objectContaining({ 'proxy-authorization': 'Basic c3JlOnB3' }) as unknown });
  });

  it('verifies an HTTPS receiver through the tunnel with tls_config', async () => {
    const before = proxy.tunnels.length;
    expect(await send(buildOne('slack_configs', { api_url: `https://127.0.0.1:${securePort}/slack`, http_config: { proxy_url: proxy.url, tls_config: { ca: certificate.cert } } }))).toMatchObject({ ok: true });
    expect(proxy.tunnels).toHaveLength(before + 1);
    expect(received).toContain('/slack');
    expect((await send(buildOne('slack_configs', { api_url: `https://127.0.0.1:${securePort}/slack-untrusted`, http_config: { proxy_url: proxy.url } }))).ok).toBe(false);
    expect(received).not.toContain('/slack-untrusted');
  });

  it('goes direct for no_proxy hosts and ranges', async () => {
    for (const noProxy of ['127.0.0.1', '127.0.0.0/8', 'example.com, 127.0.0.1']) {
      const before = proxy.tunnels.length;
      expect(await send(buildOne('webhook_configs', { url: `http://127.0.0.1:${port}/direct`, http_config: { proxy_url: proxy.url, no_proxy: noProxy } }))).toMatchObject({ ok: true });
      expect(proxy.tunnels).toHaveLength(before);
    }
  });

  it('matches no_proxy like Prometheus: exact hosts, domain suffixes, CIDR ranges', () => {
    expect(bypassesProxy('hooks.slack.com', ['slack.com'])).toBe(true);
    expect(bypassesProxy('hooks.slack.com', ['.slack.com'])).toBe(true);
    expect(bypassesProxy('notslack.com', ['slack.com'])).toBe(false);
    expect(bypassesProxy('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(bypassesProxy('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
    expect(bypassesProxy('[::1]', ['::1/128'])).toBe(true);
    expect(bypassesProxy('anything', ['*'])).toBe(true);
  });

  it('names the field of bad proxy settings', () => {
    const problems = (http: Record<string, unknown>) =>
      buildReceiverNotifiers([{ name: 'r', integrations: { webhook_configs: [{ url: 'http://127.0.0.1:1/x', http_config: http }] } }], { timeoutMs: 1000, clock: createManualClock(), userAgent: 't' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
    const at = (key: string) => `receivers.0.webhook_configs.0.http_config.${key}`;
    expect(problems({ proxy_url: 'socks5://127.0.0.1:1080' })).toEqual([[at('proxy_url'), expect.stringContaining('http:// or https://') as unknown]]);
    expect(problems({ proxy_url: 'http://127.0.0.1:3128', proxy_from_environment: true })).toEqual([[at('proxy_from_environment'), expect.stringContaining('not both') as unknown]]);
    expect(problems({ no_proxy: 'example.com' })).toEqual([[at('no_proxy'), 'needs proxy_url']]);
    expect(problems({ proxy_url: 'http://127.0.0.1:3128', proxy_connect_header: { 'X-A': 'one' } })).toEqual([[at('proxy_connect_header.X-A'), expect.stringContaining('list') as unknown]]);
  });
});
