import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertFingerprint } from './alert.js';
import type { LabelSet } from './label-matcher.js';

/** The straightforward BigInt FNV-1a 64 (Prometheus' `LabelSet.Fingerprint`), as a reference. */
function referenceFingerprint(labels: LabelSet): string {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  let hash = 0xcbf29ce484222325n;
  const feed = (bytes: Iterable<number>) => {
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * prime) & mask;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).filter((key) => labels[key] !== '').sort()) {
    feed(encoder.encode(name));
    feed([0xff]);
    feed(encoder.encode(labels[name] ?? ''));
    feed([0xff]);
  }
  return hash.toString(16).padStart(16, '0');
}

describe('alertFingerprint', () => {
  it.each<[LabelSet, string]>([
    [{}, 'cbf29ce484222325'],
    [{ a: '' }, 'cbf29ce484222325'],
  ])('%j -> %s', (labels, expected) => {
    expect(alertFingerprint(labels)).toBe(expected);
  });

  it('equals the BigInt FNV-1a 64 for any labels, ASCII or not', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 12 }), { maxKeys: 6 }), (labels) => {
        expect(alertFingerprint(labels)).toBe(referenceFingerprint(labels));
      }),
      { numRuns: 500 },
    );
  });

  it('is the same for the same labels in any order, and differs when a value differs', () => {
    expect(alertFingerprint({ a: '1', b: '2' })).toBe(alertFingerprint({ b: '2', a: '1' }));
    expect(alertFingerprint({ a: '1', b: '2' })).not.toBe(alertFingerprint({ a: '1', b: '3' }));
  });
});
