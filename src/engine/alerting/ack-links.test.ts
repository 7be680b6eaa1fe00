import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';
import { ackLinkSignatureContext, createAckLinks, type AckAction, type AckLinkOptions, type AckSubject } from './ack-links.js';

const secret = 'a'.repeat(16) + '0123456789abcdef';
const otherSecret = 'b'.repeat(32);
const hour = 3600_000;
const startMs = Date.UTC(2026, 11, 6, 12, 0);

function links(overrides: Partial<AckLinkOptions> = {}) {
  const clock = createManualClock(startMs);
  return { clock, links: createAckLinks({ secret, externalUrl: 'https://sre.example.com', clock, ...overrides }) };
}

/** A token with any payload, signed the way the server signs. */
function signed(payload: unknown, key = secret): string {
  const payloadPart = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64url');
  return `${payloadPart}.${createHmac('sha256', key).update(ackLinkSignatureContext).update(payloadPart).digest('base64url')}`;
}

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('ack links', () => {
  it.each<[AckSubject, AckAction]>([
    [{ kind: 'alert', id: '4d2b6bd6a0c0a4e1' }, 'acknowledge'],
    [{ kind: 'group', id: '{}/{team="db"}:{alertname="DatabaseDown", instance="db-1:5432"}' }, 'acknowledge'],
    [{ kind: 'incident', id: 'INC-2026-1206-001' }, 'resolve'],
  ])('a link for %j to %s verifies as exactly that', (subject, action) => {
    const { links: signer } = links();
    const url = signer.urlFor(subject, action);
    expect(url).toMatch(/^https:\/\/sre\.example\.com\/api\/v1\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(tokenOf(url))).toEqual({ ok: true, subject, action, expiresAtMs: startMs + 24 * hour });
  });

  it('drops the trailing slash of the external URL', () => {
    expect(links({ externalUrl: 'http://127.0.0.1:8080/' }).links.urlFor({ kind: 'alert', id: 'x' }, 'acknowledge')).toMatch(/^http:\/\/127\.0\.0\.1:8080\/api\/v1\/ack\/[^/]+$/);
  });

  it('works until the last millisecond of its lifetime, then is expired', () => {
    const { clock, links: signer } = links({ ttlMs: 2 * hour });
    const token = signer.tokenFor({ kind: 'incident', id: 'INC-1' }, 'acknowledge');
    clock.advanceMs(2 * hour - 1);
    expect(signer.verify(token).ok).toBe(true);
    clock.advanceMs(1);
    expect(signer.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link signed with another secret (forged)', () => {
    const forger = links({ secret: otherSecret }).links;
    expect(links().links.verify(forger.tokenFor({ kind: 'alert', id: 'x' }, 'acknowledge'))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(links().links.verify(signed({ kind: 'alert', id: 'x', action: 'acknowledge', exp: startMs + hour }, otherSecret))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature without the ack-link context (e.g. a webhook signature made with the same secret)', () => {
    const payloadPart = Buffer.from(JSON.stringify({ kind: 'alert', id: 'x', action: 'acknowledge', exp: startMs + hour })).toString('base64url');
    const bare = createHmac('sha256', secret).update(payloadPart).digest('base64url');
    expect(links().links.verify(`${payloadPart}.${bare}`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each<[string, (payload: Record<string, unknown>) => Record<string, unknown>]>([
    ['another subject', (payload) => ({ ...payload, id: 'INC-2026-1206-002' })],
    ['another kind', (payload) => ({ ...payload, kind: 'alert' })],
    ['another action', (payload) => ({ ...payload, action: 'resolve' })],
    ['a later expiry', (payload) => ({ ...payload, exp: Number(payload['exp']) + 365 * 24 * hour })],
  ])('refuses a tampered payload: %s', (_case, tamper) => {
    const { links: signer } = links();
    const [payloadPart, signaturePart] = signer.tokenFor({ kind: 'incident', id: 'INC-2026-1206-001' }, 'acknowledge').split('.');
    const payload = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify(tamper(payload))).toString('base64url');
    expect(signer.verify(`${tampered}.${signaturePart}`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it("refuses one subject's payload with another subject's signature", () => {
    const { links: signer } = links();
    const [payloadA] = signer.tokenFor({ kind: 'alert', id: 'a' }, 'acknowledge').split('.');
    const [, signatureB] = signer.tokenFor({ kind: 'alert', id: 'b' }, 'acknowledge').split('.');
    expect(signer.verify(`${payloadA}.${signatureB}`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['not base64url', 'eyJ+.abc/'],
    ['a short signature', `${Buffer.from('{}').toString('base64url')}.${Buffer.alloc(16).toString('base64url')}`],
    ['too long', `${'a'.repeat(9000)}.${Buffer.alloc(32).toString('base64url')}`],
    ['a signed payload that is not JSON', signed('not json')],
    ['a signed payload of an unknown kind', signed({ kind: 'user', id: 'x', action: 'acknowledge', exp: startMs + hour })],
    ['a signed payload without expiry', signed({ kind: 'alert', id: 'x', action: 'acknowledge' })],
    ['a signed payload with an empty id', signed({ kind: 'alert', id: '', action: 'acknowledge', exp: startMs + hour })],
  ])('calls %s malformed', (_case, token) => {
    expect(links().links.verify(token)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('keeps links signed before a secret rotation working', () => {
    const before = links({ secret: otherSecret }).links;
    const token = before.tokenFor({ kind: 'group', id: 'g' }, 'acknowledge');
    expect(links({ previousSecrets: [otherSecret] }).links.verify(token)).toMatchObject({ ok: true, subject: { kind: 'group', id: 'g' } });
    expect(links().links.verify(token)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each<[Partial<AckLinkOptions>, string]>([
    [{ secret: 'short' }, 'secret'],
    [{ previousSecrets: ['short'] }, 'previous_secrets[0]'],
    [{ ttlMs: 0 }, 'ttl'],
  ])('refuses weak options %j', (overrides, field) => {
    expect(() => links(overrides)).toThrow(ValidationError);
    try {
      links(overrides);
    } catch (error) {
      expect((error as ValidationError).problems.map((problem) => problem.field)).toEqual([field]);
    }
  });
});
