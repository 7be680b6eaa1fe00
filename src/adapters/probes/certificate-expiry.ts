/**
 * How close a certificate is to its `notAfter`, judged against a warning threshold in days.
 * Whole days are rounded down, so "expires in 2 days" may mean 2.9 days: a warning errs early.
 */
import type { CheckStatus } from '../../core/monitors/monitor-status.js';

export const DAY_MS = 86_400_000;

/** Default warning threshold: an expiry within 14 days makes the check degraded. */
export const DEFAULT_CERTIFICATE_EXPIRY_WARNING_DAYS = 14;

export interface CertificateExpiry {
  status: CheckStatus;
  /** Whole days until expiry, rounded down; negative once expired. */
  daysLeft: number;
  /** `notAfter` as RFC 3339 UTC. */
  validTo: string;
  /** `certificate expires in 3 days (2026-01-04T00:00:00.000Z)`, `certificate expired 3 days ago`. */
  message: string;
}

/**
 * Judges `validTo` (a certificate's `valid_to`, e.g. `Mar  3 12:00:00 2027 GMT`) at `nowMs`:
 * expired → down, expiring within `warningDays` → degraded, otherwise up. Returns null when
 * `validTo` cannot be parsed.
 */
export function assessCertificateExpiry(validTo: string, nowMs: number, warningDays: number): CertificateExpiry | null {
  const validToMs = Date.parse(validTo);
  if (Number.isNaN(validToMs)) return null;
  const remainingMs = validToMs - nowMs;
  const daysLeft = Math.floor(remainingMs / DAY_MS);
  const iso = new Date(validToMs).toISOString();
  if (remainingMs <= 0) {
    const daysAgo = Math.floor(-remainingMs / DAY_MS);
    const ago = daysAgo === 0 ? 'less than a day ago' : `${plural(daysAgo, 'day')} ago`;
    return { status: 'down', daysLeft, validTo: iso, message: `certificate expired ${ago}` };
  }
  const inDays = daysLeft === 0 ? 'in less than a day' : `in ${plural(daysLeft, 'day')}`;
  const status: CheckStatus = remainingMs <= warningDays * DAY_MS ? 'degraded' : 'up';
  return { status, daysLeft, validTo: iso, message: `certificate expires ${inDays} (${iso})` };
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
