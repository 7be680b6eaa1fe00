/**
 * Self-signed certificates for TLS tests, valid for `localhost` and 127.0.0.1, with a chosen
 * validity window so expiry (expired, expiring soon, fine) can be tested against real servers.
 * EC keys: generating one takes milliseconds, an RSA key far longer.
 */
import { generate } from 'selfsigned';

const DAY_MS = 86_400_000;

export interface TestCertificate {
  key: string;
  cert: string;
}

export interface TestCertificateOptions {
  /** Days from now until notAfter; negative for an already expired certificate. */
  validForDays: number;
  /** Days before now of notBefore; default 30. */
  issuedDaysAgo?: number;
  commonName?: string;
  /** Also usable as a TLS client certificate (mutual TLS). */
  clientAuth?: boolean;
}

export async function createTestCertificate(options: TestCertificateOptions): Promise<TestCertificate> {
  const now = Date.now();
  const commonName = options.commonName ?? 'localhost';
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - (options.issuedDaysAgo ?? 30) * DAY_MS),
    notAfterDate: new Date(now + options.validForDays * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, ...(options.clientAuth ? { clientAuth: true } : {}) },
      { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The three certificates expiry tests need: valid a year, expiring in 3 days (+1 h), expired 3 days (+1 h) ago. */
export async function createExpiryCertificates(): Promise<{ yearLong: TestCertificate; expiringSoon: TestCertificate; expired: TestCertificate }> {
  const [yearLong, expiringSoon, expired] = await Promise.all([
    createTestCertificate({ validForDays: 365 }),
    createTestCertificate({ validForDays: 3 + 1 / 24 }),
    createTestCertificate({ validForDays: -(3 + 1 / 24) }),
  ]);
  return { yearLong, expiringSoon, expired };
}
