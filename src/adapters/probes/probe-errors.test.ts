import { describe, expect, it } from 'vitest';
import { assessCertificateExpiry, DAY_MS } from './certificate-expiry.js';
import { describeNetworkError, describeTlsAuthorizationError } from './probe-errors.js';

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeNetworkError', () => {
  it.each([
    { error: nodeError('getaddrinfo ENOTFOUND x.invalid', 'ENOTFOUND'), message: 'getaddrinfo ENOTFOUND x.invalid' },
    { error: nodeError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), message: 'connect ECONNREFUSED 127.0.0.1:9' },
    { error: nodeError('Parse Error: Expected HTTP/', 'HPE_INVALID_CONSTANT'), message: 'invalid HTTP response: Parse Error: Expected HTTP/' },
    { error: nodeError('socket hang up', 'ECONNRESET'), message: 'connection closed before a response (socket hang up)' },
    { error: nodeError('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), message: 'self-signed certificate' },
    {
      error: Object.assign(
        new AggregateError([nodeError('connect ECONNREFUSED ::1:9', 'ECONNREFUSED'), nodeError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED')], ''),
        { code: 'ECONNREFUSED' },
      ),
      message: 'connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9',
    },
    { error: 'not an error', message: 'not an error' },
  ])('$message', ({ error, message }) => {
    expect(describeNetworkError(error)).toBe(message);
  });

  it('names the option that accepts an untrusted certificate', () => {
    expect(describeTlsAuthorizationError('DEPTH_ZERO_SELF_SIGNED_CERT', 'set ignore_tls_errors to accept')).toBe(
      'self-signed certificate (set ignore_tls_errors to accept)',
    );
    expect(describeTlsAuthorizationError('SOMETHING_NEW', '')).toBe('untrusted certificate (SOMETHING_NEW)');
  });
});

describe('assessCertificateExpiry', () => {
  const nowMs = Date.UTC(2026, 0, 10, 12);
  it.each([
    { validToMs: nowMs + 100 * DAY_MS, warningDays: 14, status: 'up', daysLeft: 100, message: /^certificate expires in 100 days \(2026-04-20T12:00:00.000Z\)$/ },
    { validToMs: nowMs + 14 * DAY_MS, warningDays: 14, status: 'degraded', daysLeft: 14, message: /^certificate expires in 14 days/ },
    { validToMs: nowMs + DAY_MS + 1, warningDays: 14, status: 'degraded', daysLeft: 1, message: /^certificate expires in 1 day \(/ },
    { validToMs: nowMs + 3_600_000, warningDays: 0, status: 'up', daysLeft: 0, message: /^certificate expires in less than a day/ },
    { validToMs: nowMs - 3_600_000, warningDays: 14, status: 'down', daysLeft: -1, message: /^certificate expired less than a day ago$/ },
    { validToMs: nowMs - 3 * DAY_MS - 1, warningDays: 14, status: 'down', daysLeft: -4, message: /^certificate expired 3 days ago$/ },
  ])('$status, $daysLeft days left', ({ validToMs, warningDays, status, daysLeft, message }) => {
    const validTo = new Date(validToMs).toUTCString();
    const expiry = assessCertificateExpiry(validTo, nowMs, warningDays);
    expect(expiry).toMatchObject({ status, daysLeft });
    expect(expiry?.message).toMatch(message);
  });

  it('returns null for a date it cannot read', () => {
    expect(assessCertificateExpiry('not a date', nowMs, 14)).toBeNull();
  });
});
