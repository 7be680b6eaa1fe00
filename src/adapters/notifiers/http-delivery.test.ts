import { describe, expect, it } from 'vitest';
import { deliveryResultOf, parseRetryAfterMs } from './http-delivery.js';
import { failureOfError } from './http-failure.js';

const nowMs = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfterMs', () => {
  it.each<[string | null, number | undefined]>([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    ['Thu, 01 Jan 2026 12:00:30 GMT', 30_000],
    ['Thu, 01 Jan 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfterMs(value, nowMs)).toBe(expected);
  });
});

describe('deliveryResultOf', () => {
  it.each([
    [200, { ok: true, status: 200 }],
    [204, { ok: true, status: 204 }],
    [301, { ok: false, retryable: false, reason: 'client' }],
    [408, { ok: false, retryable: false, reason: 'client' }],
    [413, { ok: false, retryable: false, reason: 'client' }],
    [502, { ok: false, retryable: true, reason: 'server' }],
  ])('HTTP %i -> %o', (status, expected) => {
    expect(deliveryResultOf(status, new Headers(), '', nowMs, 'h')).toMatchObject(expected);
  });

  it('shortens long bodies in the message', () => {
    const result = deliveryResultOf(400, new Headers(), 'x'.repeat(1000), nowMs, 'hooks.example.com');
    expect(result.ok ? '' : result.message).toHaveLength('HTTP 400 from hooks.example.com: '.length + 200);
  });
});

describe('failureOfError', () => {
  it('maps a timeout, an abort and a socket error', () => {
    const at = { target: 'h', timeoutMs: 100 };
    expect(failureOfError(Object.assign(new Error('t'), { name: 'TimeoutError' }), at)).toMatchObject({ retryable: true, reason: 'timeout' });
    expect(failureOfError(Object.assign(new Error('a'), { name: 'AbortError' }), at)).toMatchObject({ retryable: true, reason: 'timeout' });
    expect(failureOfError(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }), at)).toMatchObject({ retryable: true, reason: 'network', message: 'cannot reach h: ENOTFOUND' });
  });
});
