/**
 * Signing of webhook bodies so a receiver can tell sre-monitor's requests from anyone else's
 * and reject replays: `X-SRE-Monitor-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
 * with `X-SRE-Monitor-Timestamp: <unix seconds>`. The timestamp is inside the signed text, so
 * it cannot be changed without breaking the signature, and a receiver rejects requests older
 * than its tolerance. `verifyWebhookSignature` is dependency-free so receivers can copy it
 * (docs/notifications.md shows it).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'X-SRE-Monitor-Signature';
export const timestampHeader = 'X-SRE-Monitor-Timestamp';

/** `sha256=<hex>` for the body sent at `timestampSeconds`. */
export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * True when `header` (one or more comma-separated `sha256=<hex>` values) holds the signature
 * of `body` at `timestamp` (unix seconds, as sent in X-SRE-Monitor-Timestamp) and the timestamp
 * is within `toleranceMs` of `nowMs` (default 5 minutes). Compare the raw body bytes as
 * received, before any JSON parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string | Buffer,
  header: string,
  nowMs: number,
  toleranceMs = 5 * 60 * 1000,
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs - Number(timestamp) * 1000) > toleranceMs) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  return header.split(',').some((part) => {
    const match = /^\s*sha256=([0-9a-f]{64})\s*$/i.exec(part);
    return match?.[1] !== undefined && timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
  });
}
