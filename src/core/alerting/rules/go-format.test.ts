import { describe, expect, it } from 'vitest';
import { formatGoE, formatGoF, formatGoG, humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp } from './go-format.js';

// Expected texts are what Go 1.2x prints (fmt and Prometheus' template functions).
describe('Go number formatting', () => {
  it.each([
    [0, '0'],
    [0.5, '0.5'],
    [1, '1'],
    [-2.25, '-2.25'],
    [100000, '100000'],
    [999999, '999999'],
    [1000000, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [123.456, '123.456'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('%%v of %s is %s', (value, text) => {
    expect(formatGoG(value)).toBe(text);
  });

  it.each([
    [0, 4, '0'],
    [1.5, 4, '1.5'],
    [100, 4, '100'],
    [1234.4, 4, '1234'],
    [12345.6, 4, '1.235e+04'],
    [0.000123456, 4, '0.0001235'],
    [0.0000123456, 4, '1.235e-05'],
  ])('%%.%2$sg of %1$s is %3$s', (value, precision, text) => {
    expect(formatGoG(value, precision)).toBe(text);
  });

  it('prints %e and %f like Go', () => {
    expect(formatGoE(1234.5678, 2)).toBe('1.23e+03');
    expect(formatGoE(0, 1)).toBe('0.0e+00');
    // strconv.FormatFloat(v, 'e', -1, 64), the alert value in Prometheus' /api/v1/rules and /api/v1/alerts
    expect(formatGoE(900, null)).toBe('9e+02');
    expect(formatGoE(1234.5, null)).toBe('1.2345e+03');
    expect(formatGoE(0.15, null)).toBe('1.5e-01');
    expect(formatGoE(0, null)).toBe('0e+00');
    expect(formatGoF(3.14159, 2)).toBe('3.14');
    expect(formatGoF(-0.001, 2)).toBe('-0.00');
    // exact halves go to even, as in Go; JavaScript's toFixed would give 0.13 and 3
    expect(formatGoF(0.125, 2)).toBe('0.12');
    expect(formatGoF(0.375, 2)).toBe('0.38');
    expect(formatGoF(2.5, 0)).toBe('2');
    expect(formatGoF(0.5, 0)).toBe('0');
    expect(formatGoF(0.6, 0)).toBe('1');
    expect(formatGoF(9.999, 2)).toBe('10.00');
    expect(formatGoF(0.001, 1)).toBe('0.0');
    expect(formatGoF(1e21, 1)).toBe('1000000000000000000000.0');
    expect(formatGoG(12345, 4)).toBe('1.234e+04');
  });
});

describe("Prometheus' humanize functions", () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [999, '999'],
    [1234, '1.234k'],
    [1234567, '1.235M'],
    [0.5, '500m'],
    [0.000002, '2u'],
    [-1500, '-1.5k'],
    [Number.NaN, 'NaN'],
  ])('humanize %s = %s', (value, text) => {
    expect(humanize(value)).toBe(text);
  });

  it.each([
    [1, '1'],
    [1024, '1ki'],
    [1536 * 1024, '1.5Mi'],
  ])('humanize1024 %s = %s', (value, text) => {
    expect(humanize1024(value)).toBe(text);
  });

  it.each([
    [0.1234, '12.34%'],
    [1, '100%'],
    [0.999, '99.9%'],
  ])('humanizePercentage %s = %s', (value, text) => {
    expect(humanizePercentage(value)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [1.5, '1.5s'],
    [59, '59s'],
    [61, '1m 1s'],
    [3661, '1h 1m 1s'],
    [90061, '1d 1h 1m 1s'],
    [0.25, '250ms'],
    [-61, '-1m 1s'],
  ])('humanizeDuration %s = %s', (value, text) => {
    expect(humanizeDuration(value)).toBe(text);
  });

  it('humanizeTimestamp prints a UTC time as Go does', () => {
    expect(humanizeTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000)).toBe('2026-01-02 03:04:05 +0000 UTC');
    expect(humanizeTimestamp(1.5)).toBe('1970-01-01 00:00:01.5 +0000 UTC');
  });
});
