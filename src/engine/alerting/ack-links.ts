/**
 * Signed links that acknowledge or resolve one alert, alert group or incident without logging in
 * (placed in every notification). The token is `base64url(payload JSON) + '.' +
 * base64url(HMAC-SHA256(secret, context + payload part))`; the payload names the subject, the
 * action and the expiry (`exp`, ms since the epoch), so a link works for that one subject and
 * action only, until it expires. Signatures are compared in constant time. The secret never
 * leaves the server; `previousSecrets` keeps links sent before a secret rotation working until
 * they expire.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';

export const ackSubjectKinds = ['alert', 'group', 'incident'] as const;
export const ackActions = ['acknowledge', 'resolve'] as const;

export interface AckSubject {
  kind: (typeof ackSubjectKinds)[number];
  /** Alert fingerprint, group key or incident id. */
  id: string;
}

export type AckAction = (typeof ackActions)[number];

export type AckVerification =
  | { ok: true; subject: AckSubject; action: AckAction; expiresAtMs: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export interface AckLinks {
  /** `${externalUrl}/api/v1/ack/<token>`, valid for `ttlMs` from now. */
  urlFor(subject: AckSubject, action: AckAction): string;
  /** The bare token (what follows `/api/v1/ack/`). */
  tokenFor(subject: AckSubject, action: AckAction): string;
  /** What a token allows, or why it allows nothing; checks the signature before reading the payload. */
  verify(token: string): AckVerification;
}

export interface AckLinkOptions {
  /** At least 32 characters; e.g. 32 random bytes in hex from a secret file. */
  secret: string;
  /** Earlier secrets whose links still verify (rotation); new links use `secret`. */
  previousSecrets?: readonly string[];
  /** sre-monitor's base URL as users reach it, e.g. https://sre.example.com. */
  externalUrl: string;
  clock: Clock;
  /** How long a link works, in ms; default 24 hours. */
  ttlMs?: number;
}

export const defaultAckLinkTtlMs = 24 * 3600_000;
export const minimumAckSecretLength = 32;
/** Prefixed to what is signed, so a signature made with the same secret for another purpose (webhooks) never passes here. */
export const ackLinkSignatureContext = 'sre-monitor ack link v1\n';

/** Tokens longer than this are refused before any work (the payload of a real one is a few hundred bytes). */
const maxTokenLength = 8192;
const base64UrlPart = /^[A-Za-z0-9_-]+$/;
const signatureBytes = 32;

/** Builds the signer; only src/app.ts should call this. */
export function createAckLinks(options: AckLinkOptions): AckLinks {
  const secrets = [options.secret, ...(options.previousSecrets ?? [])];
  const problems = secrets.flatMap((secret, index) =>
    secret.length >= minimumAckSecretLength ? [] : [{ field: index === 0 ? 'secret' : `previous_secrets[${index - 1}]`, message: `must be at least ${minimumAckSecretLength} characters long` }],
  );
  if (problems.length > 0) throw new ValidationError(problems);
  const ttlMs = options.ttlMs ?? defaultAckLinkTtlMs;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new ValidationError([{ field: 'ttl', message: 'must be a positive duration' }]);
  const baseUrl = options.externalUrl.replace(/\/+$/, '');

  const tokenFor = (subject: AckSubject, action: AckAction) => {
    const payload = { kind: subject.kind, id: subject.id, action, exp: options.clock.nowMs() + ttlMs };
    const payloadPart = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${payloadPart}.${sign(options.secret, payloadPart).toString('base64url')}`;
  };

  return {
    tokenFor,
    urlFor: (subject, action) => `${baseUrl}/api/v1/ack/${tokenFor(subject, action)}`,
    verify(token) {
      if (typeof token !== 'string' || token.length > maxTokenLength) return { ok: false, reason: 'malformed' };
      const parts = token.split('.');
      const [payloadPart, signaturePart] = parts;
      if (parts.length !== 2 || payloadPart === undefined || signaturePart === undefined) return { ok: false, reason: 'malformed' };
      if (!base64UrlPart.test(payloadPart) || !base64UrlPart.test(signaturePart)) return { ok: false, reason: 'malformed' };
      const signature = Buffer.from(signaturePart, 'base64url');
      if (signature.length !== signatureBytes) return { ok: false, reason: 'malformed' };
      // Every secret is tried, so the time taken does not say which one (if any) matched.
      const matched = secrets.map((secret) => timingSafeEqual(signature, sign(secret, payloadPart))).includes(true);
      if (!matched) return { ok: false, reason: 'bad_signature' };
      const payload = readPayload(payloadPart);
      if (payload === null) return { ok: false, reason: 'malformed' };
      if (options.clock.nowMs() >= payload.exp) return { ok: false, reason: 'expired' };
      return { ok: true, subject: { kind: payload.kind, id: payload.id }, action: payload.action, expiresAtMs: payload.exp };
    },
  };
}

function sign(secret: string, payloadPart: string): Buffer {
  return createHmac('sha256', secret).update(ackLinkSignatureContext).update(payloadPart).digest();
}

function readPayload(payloadPart: string): { kind: AckSubject['kind']; id: string; action: AckAction; exp: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { kind, id, action, exp } = parsed as Record<string, unknown>;
  const knownKind = ackSubjectKinds.find((candidate) => candidate === kind);
  const knownAction = ackActions.find((candidate) => candidate === action);
  if (knownKind === undefined || knownAction === undefined || typeof id !== 'string' || id === '' || typeof exp !== 'number' || !Number.isFinite(exp)) return null;
  return { kind: knownKind, id, action: knownAction, exp };
}
