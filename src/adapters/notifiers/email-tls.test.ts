/**
 * `email_configs` with TLS against a real SMTP server (smtp-server) on 127.0.0.1 with a
 * self-signed certificate: STARTTLS verified against `tls_config` (ca, ca_file,
 * insecure_skip_verify), implicit TLS (`force_implicit_tls`), and the problems of a bad
 * `tls_config` named by field.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { startSmtpCapture, type SmtpCapture } from '../../../test/support/smtp-capture.js';
import { createTestCertificate, type TestCertificate } from '../../../test/support/tls-certificate.js';
import { buildReceiverNotifiers } from './index.js';
import { buildOne, send } from './notifier-builders.contract.js';

describe('email_configs over TLS', () => {
  let certificate: TestCertificate;
  let starttls: SmtpCapture;
  let implicit: SmtpCapture;
  let dir: string;
  let caFile: string;

  beforeAll(async () => {
    certificate = await createTestCertificate({ validForDays: 30 });
    [starttls, implicit] = await Promise.all([startSmtpCapture({ starttls: certificate }), startSmtpCapture({ implicitTls: certificate })]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'sre-monitor-email-tls-'));
    caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, certificate.cert);
  });
  afterAll(async () => {
    await Promise.all([starttls?.close(), implicit?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const entry = (smtp: SmtpCapture, extra: Record<string, unknown> = {}) => ({ to: 'oncall@example.com', from: 'sre-monitor@example.com', smarthost: smtp.smarthost, ...extra });

  it('refuses a STARTTLS server whose certificate nothing trusts, without sending', async () => {
    const result = await send(buildOne('email_configs', entry(starttls)));
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network', message: expect.stringContaining('self-signed certificate (the server\'s certificate is not trusted: set tls_config.ca_file') as unknown });
    expect(starttls.messages).toHaveLength(0);
  });

  it('sends over STARTTLS when tls_config trusts the certificate (ca_file, read at send time, or inline ca)', async () => {
    expect(await send(buildOne('email_configs', entry(starttls, { tls_config: { ca_file: caFile } })))).toEqual({ ok: true });
    expect(await send(buildOne('email_configs', entry(starttls, { tls_config: { ca: certificate.cert, server_name: 'localhost', min_version: 'TLS12' } })))).toEqual({ ok: true });
    expect(starttls.messages).toHaveLength(2);
  });

  it('sends when insecure_skip_verify is set', async () => {
    const before = starttls.messages.length;
    expect(await send(buildOne('email_configs', entry(starttls, { tls_config: { insecure_skip_verify: true } })))).toEqual({ ok: true });
    expect(starttls.messages).toHaveLength(before + 1);
  });

  it('speaks TLS from the first byte with force_implicit_tls', async () => {
    expect(await send(buildOne('email_configs', entry(implicit, { force_implicit_tls: true, tls_config: { ca_file: caFile } })))).toEqual({ ok: true });
    expect(implicit.messages).toHaveLength(1);
  });

  it('fails as a config problem, not retried, when ca_file cannot be read', async () => {
    const result = await send(buildOne('email_configs', entry(starttls, { tls_config: { ca_file: path.join(dir, 'missing.pem') } })));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('missing.pem') as unknown });
  });

  it('names the field of a bad tls_config', () => {
    const problems = (tls: Record<string, unknown>) =>
      buildReceiverNotifiers([{ name: 'r', integrations: { email_configs: [{ ...entry(starttls), tls_config: tls }] } }], { timeoutMs: 1000, clock: createManualClock(), userAgent: 't' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
    expect(problems({ min_version: 'TLS9' })).toEqual([['receivers.0.email_configs.0.tls_config.min_version', expect.stringContaining('TLS12') as unknown]]);
    expect(problems({ min_version: 'TLS13', max_version: 'TLS12' })).toEqual([['receivers.0.email_configs.0.tls_config.max_version', expect.stringContaining('min_version') as unknown]]);
    expect(problems({ cert: certificate.cert })).toEqual([['receivers.0.email_configs.0.tls_config', expect.stringContaining('both cert') as unknown]]);
    expect(problems({ ca: 'x', ca_file: '/x' })).toEqual([['receivers.0.email_configs.0.tls_config.ca_file', expect.stringContaining('at most one') as unknown]]);
    expect(problems({ verify: true })).toEqual([['receivers.0.email_configs.0.tls_config.verify', expect.stringContaining('unknown') as unknown]]);
  });
});
