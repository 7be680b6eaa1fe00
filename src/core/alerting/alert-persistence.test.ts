import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firingAlert } from '../../../test/support/alert-builder.js';
import type { Alert } from './alert.js';
import { mustPersistAlert } from './alert-persistence.js';

const nowMs = 1_000_000_000;
const minute = 60_000;

/** Firing for ten minutes at `nowMs`, ending in four. */
const alert = (overrides: Partial<Alert> = {}): Alert => firingAlert({ startsAtMs: nowMs - 10 * minute, endsAtMs: nowMs + 4 * minute, updatedAtMs: nowMs - minute, ...overrides });

describe('mustPersistAlert', () => {
  it('writes an alert never written, and not the very object written', () => {
    const stored = alert();
    expect(mustPersistAlert(undefined, stored, nowMs)).toBe(true);
    expect(mustPersistAlert(stored, stored, nowMs)).toBe(false);
  });

  it.each<[string, Partial<Alert>]>([
    ['annotations', { annotations: { summary: 'p99 above 2 s' } }],
    ['an annotation added', { annotations: { summary: 'p99 above 1 s', runbook_url: 'http://runbooks/x' } }],
    ['an annotation removed', { annotations: {} }],
    ['the start', { startsAtMs: nowMs - 5 * minute }],
    ['the generator URL', { generatorUrl: 'http://other/graph' }],
    ['the source', { source: 'manual' }],
    ['the acknowledgement', { acknowledgedBy: 'alice', acknowledgedAtMs: nowMs }],
    ['an explicit end becoming one from the resolve timeout', { endsAtFromTimeout: true, endsAtMs: nowMs + 5 * minute }],
    ['an end moved earlier', { endsAtMs: nowMs + 3 * minute }],
    ['an end that has passed (resolve)', { endsAtMs: nowMs }],
  ])('writes at once a change of %s', (_name, change) => {
    expect(mustPersistAlert(alert(), alert({ ...change, updatedAtMs: nowMs }), nowMs)).toBe(true);
  });

  it('defers a refresh while the stored end is at least half as far ahead as the new one', () => {
    const stored = alert({ endsAtMs: nowMs + 3 * minute });
    // Prometheus' next re-send: the end four minutes ahead; stored three minutes ahead >= half of four.
    expect(mustPersistAlert(stored, alert({ endsAtMs: nowMs + 4 * minute, updatedAtMs: nowMs }), nowMs)).toBe(false);
    expect(mustPersistAlert(stored, alert({ endsAtMs: nowMs + 6 * minute, updatedAtMs: nowMs }), nowMs)).toBe(false);
    // Less than half: written.
    expect(mustPersistAlert(stored, alert({ endsAtMs: nowMs + 6 * minute + 1, updatedAtMs: nowMs }), nowMs)).toBe(true);
    // Only the update time changed: nothing to write.
    expect(mustPersistAlert(stored, alert({ endsAtMs: nowMs + 3 * minute, updatedAtMs: nowMs }), nowMs)).toBe(false);
  });

  it('writes a refresh of an alert whose stored end has passed', () => {
    const stored = alert({ endsAtMs: nowMs - 1 });
    expect(mustPersistAlert(stored, alert({ endsAtMs: nowMs + minute, updatedAtMs: nowMs }), nowMs)).toBe(true);
  });

  it('under a sender re-sending every minute with a four-minute horizon, the stored end always stays ahead of the next re-send', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 0, max: 59_999 }), (resends, jitterMs) => {
        const startMs = nowMs;
        let stored = alert({ startsAtMs: startMs, endsAtMs: startMs + 4 * minute, updatedAtMs: startMs });
        let writes = 1;
        for (let index = 1; index <= resends; index += 1) {
          const atMs = startMs + index * minute + (index === resends ? jitterMs : 0);
          // A crash now: the next re-send (one minute later at the latest) must find the alert firing.
          expect(stored.endsAtMs).toBeGreaterThan(atMs);
          const next = alert({ startsAtMs: startMs, endsAtMs: atMs + 4 * minute, updatedAtMs: atMs });
          if (mustPersistAlert(stored, next, atMs)) {
            stored = next;
            writes += 1;
          }
          expect(stored.endsAtMs - atMs).toBeGreaterThanOrEqual(2 * minute);
        }
        // About one write per two re-sends instead of one each.
        expect(writes).toBeLessThanOrEqual(Math.ceil(resends / 2) + 1);
      }),
      { numRuns: 200 },
    );
  });
});
