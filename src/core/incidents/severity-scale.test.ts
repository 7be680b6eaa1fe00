import { describe, expect, it } from 'vitest';
import { defaultSeverityScale, escalationPolicyFor, findSeverity, unknownSeverityMessage } from './severity-scale.js';

describe('severity scale', () => {
  it.each([
    ['P1', 'P1'],
    ['p3', 'P3'],
    ['P6', undefined],
    ['SEV1', undefined],
  ])('findSeverity(%s) = %s', (name, expected) => {
    expect(findSeverity(defaultSeverityScale, name)?.name).toBe(expected);
  });

  it('default P1 escalates after 15 minutes (seed 000); P4 and P5 do not escalate', () => {
    expect(findSeverity(defaultSeverityScale, 'P1')?.escalationTimeMs).toBe(15 * 60_000);
    expect(findSeverity(defaultSeverityScale, 'P4')?.escalationTimeMs).toBeNull();
    expect(findSeverity(defaultSeverityScale, 'P5')?.escalationTimeMs).toBeNull();
  });

  it('names the scale in the unknown-severity message', () => {
    expect(unknownSeverityMessage(defaultSeverityScale, 'P9')).toBe('unknown severity "P9"; the scale is P1, P2, P3, P4, P5');
  });

  it.each([
    [{ escalationPolicy: 'own' }, { P1: 'mapped' }, 'own'],
    [{ escalationPolicy: null }, { P1: 'mapped' }, 'mapped'],
    [{ escalationPolicy: null }, { critical: 'by-alias' }, 'by-alias'],
    [{ escalationPolicy: null }, { default: 'fallback' }, 'fallback'],
    [{ escalationPolicy: null }, {}, undefined],
  ])('policy for P1 with %j and mapping %j is %s', (level, mapping, expected) => {
    const p1 = { ...defaultSeverityScale[0]!, ...level };
    expect(escalationPolicyFor(p1, mapping)).toBe(expected);
  });
});
