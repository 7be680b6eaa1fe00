/**
 * `http_config.tls_config` of the HTTP channels against a real HTTPS receiver on 127.0.0.1 with
 * a self-signed certificate: refused when nothing trusts it, delivered when `ca_file` (read at
 * send time), `global.http_config` or `insecure_skip_verify` says so, and a client certificate
 * presented to a receiver that demands one (mutual TLS).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCertificate, type TestCertificate } from '../../../test/support/tls-certificate.js';
import { buildOne, send } from './notifier-builders.contract.js';

interface Received {
  path: string;
  clientCertificate: string | undefined;
}

async function httpsReceiver(certificate: TestCertificate, options: { clientCa?: string } = {}): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer({ key: certificate.key, cert: certificate.cert, ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, (request, response) => {
    const peer = (request.socket as TLSSocket).getPeerCertificate();
    received.push({ path: request.url ?? '', clientCertificate: peer && 'subject' in peer ? String(peer.subject.CN) : undefined });
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

describe('http_config.tls_config over real HTTPS', () => {
  let serverCertificate: TestCertificate;
  let clientCertificate: TestCertificate;
  let plain: Awaited<ReturnType<typeof httpsReceiver>>;
  let mutual: Awaited<ReturnType<typeof httpsReceiver>>;
  let dir: string;
  let caFile: string;

  beforeAll(async () => {
    [serverCertificate, clientCertificate] = await Promise.all([createTestCertificate({ validForDays: 30 }), createTestCertificate({ validForDays: 30, commonName: 'sre-monitor-client', clientAuth: true })]);
    [plain, mutual] = await Promise.all([httpsReceiver(serverCertificate), httpsReceiver(serverCertificate, { clientCa: clientCertificate.cert })]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'sre-monitor-http-tls-'));
    caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, serverCertificate.cert);
  });
  afterAll(async () => {
    await Promise.all([plain, mutual].map((receiver) => new Promise((resolve) => receiver?.server.close(resolve))));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a receiver whose certificate nothing trusts, naming tls_config', async () => {
    const result = await send(buildOne('webhook_configs', { url: `${plain.url}/untrusted` }));
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network', message: expect.stringContaining('http_config.tls_config.ca_file') as unknown });
    expect(plain.received.map((request) => request.path)).not.toContain('/untrusted');
  });

  it.each([
    ['ca_file', 'webhook_configs', (url: string) => ({ url: `${url}/ca-file`, http_config: { tls_config: { ca_file: caFile } } })],
    ['insecure_skip_verify', 'webhook_configs', (url: string) => ({ url: `${url}/insecure`, http_config: { tls_config: { insecure_skip_verify: true } } })],
    ['slack with an inline ca', 'slack_configs', (url: string) => ({ api_url: `${url}/slack`, http_config: { tls_config: { ca: serverCertificate.cert, server_name: 'localhost', min_version: 'TLS12' } } })],
  ])('delivers when tls_config trusts it: %s', async (_name, key, entry) => {
    const before = plain.received.length;
    expect(await send(buildOne(key, entry(plain.url)))).toMatchObject({ ok: true });
    expect(plain.received).toHaveLength(before + 1);
  });

  it('uses global.http_config.tls_config for entries without their own http_config', async () => {
    const global = { http_config: { tls_config: { ca_file: caFile } } };
    expect(await send(buildOne('webhook_configs', { url: `${plain.url}/global` }, { global }))).toMatchObject({ ok: true });
    expect(plain.received.at(-1)?.path).toBe('/global');
  });

  it('presents the client certificate to a receiver that demands one', async () => {
    const certFile = path.join(dir, 'client.pem');
    const keyFile = path.join(dir, 'client-key.pem');
    await Promise.all([writeFile(certFile, clientCertificate.cert), writeFile(keyFile, clientCertificate.key)]);
    const without = await send(buildOne('webhook_configs', { url: `${mutual.url}/no-client-cert`, http_config: { tls_config: { ca_file: caFile } } }));
    expect(without.ok).toBe(false);
    const withCertificate = await send(buildOne('webhook_configs', { url: `${mutual.url}/client-cert`, http_config: { tls_config: { ca_file: caFile, cert_file: certFile, key_file: keyFile } } }));
    expect(withCertificate).toMatchObject({ ok: true });
    expect(mutual.received).toEqual([{ path: '/client-cert', clientCertificate: 'sre-monitor-client' }]);
  });
});
