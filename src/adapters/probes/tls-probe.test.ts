import tls from 'node:tls';
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { createExpiryCertificates, type TestCertificate } from '../../../test/support/tls-certificate.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';
import { createTlsProbe, type TlsProbeSpec } from './tls-probe.js';

const servers = createLocalServers();
afterEach(() => servers.closeAll());

const probe = createTlsProbe();
const check = (spec: TlsProbeSpec) => probe.check(spec, AbortSignal.timeout(5_000));

async function startTls(certificate: TestCertificate): Promise<number> {
  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (socket) => socket.end());
  return Number((await servers.listen(server)).split(':')[1]);
}

describe('tls probe', () => {
  let yearLong: TestCertificate;
  let expiringSoon: TestCertificate;
  let expired: TestCertificate;

  beforeAll(async () => {
    ({ yearLong, expiringSoon, expired } = await createExpiryCertificates());
  });

  it('reports an untrusted (self-signed) chain as down unless chain errors are ignored', async () => {
    const port = await startTls(yearLong);
    expect(await check({ host: '127.0.0.1', port })).toMatchObject({
      status: 'down',
      message: 'self-signed certificate (set ignore_chain_errors to accept)',
      details: { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
    const accepted = await check({ host: '127.0.0.1', port, ignoreChainErrors: true });
    expect(accepted.status).toBe('up');
    expect(accepted.message).toMatch(/^certificate valid, expires in 364 days \(/);
    expect(accepted.details).toMatchObject({ daysLeft: 364, subject: 'CN=localhost', issuer: 'CN=localhost' });
    expect(accepted.details?.validTo).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(accepted.timings?.tlsMs).toBeGreaterThan(0);
  });

  it('is degraded when the certificate expires within the warning window', async () => {
    const port = await startTls(expiringSoon);
    const result = await check({ host: '127.0.0.1', port, ignoreChainErrors: true });
    expect(result).toMatchObject({ status: 'degraded', details: { daysLeft: 3 } });
    expect(result.message).toMatch(/^certificate expires in 3 days \(/);
    expect((await check({ host: '127.0.0.1', port, ignoreChainErrors: true, certificateExpiryWarningDays: 1 })).status).toBe('up');
  });

  it('is down when the certificate has expired', async () => {
    const port = await startTls(expired);
    expect(await check({ host: '127.0.0.1', port, ignoreChainErrors: true })).toMatchObject({
      status: 'down',
      message: 'certificate expired 3 days ago',
      details: { daysLeft: -4 },
    });
  });

  it('reports a certificate for another host name', async () => {
    const port = await startTls(yearLong);
    const result = await check({ host: '127.0.0.1', port, servername: 'example.test' });
    expect(result.status).toBe('down');
    expect(result.details).toMatchObject({ authorized: false });
  });

  it('reports a refused connection and a server that never completes the handshake', async () => {
    const port = await closedPort(() => net.createServer());
    expect(await check({ host: '127.0.0.1', port })).toMatchObject({ status: 'down', message: `connect ECONNREFUSED 127.0.0.1:${port}` });
    const silent = Number((await servers.listen(net.createServer(() => undefined))).split(':')[1]);
    expect(await probe.check({ host: '127.0.0.1', port: silent }, createProbeTimeoutSignal(200))).toMatchObject({
      status: 'down',
      message: 'timed out after 200 ms (TLS handshake)',
    });
  });
});
