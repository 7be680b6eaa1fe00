import { describe, expect, it } from 'vitest';
import { needsUpdate, shouldNotify, type DedupInput, type DedupReason, type NotifiedState } from './dedup-decision.js';

const hour = 3600_000;
const entry = (firing: string[], resolved: string[], sentAtMs = 0): NotifiedState => ({ firingFingerprints: firing, resolvedFingerprints: resolved, sentAtMs });

function input(overrides: Partial<DedupInput>): DedupInput {
  return { entry: undefined, firing: new Set(), resolved: new Set(), repeatIntervalMs: 4 * hour, nowMs: hour, sendResolved: true, ...overrides };
}

describe('needsUpdate (Alertmanager DedupStage)', () => {
  it.each<[string, Partial<DedupInput>, DedupReason]>([
    ['never notified, something fires', { firing: new Set(['a']) }, 'first'],
    ['never notified, only resolved alerts', { resolved: new Set(['a']) }, 'none'],
    ['a new alert fires', { entry: entry(['a'], []), firing: new Set(['a', 'b']) }, 'new_firing'],
    ['same alerts, repeat not due', { entry: entry(['a'], [], 0), firing: new Set(['a']), nowMs: 4 * hour - 1 }, 'none'],
    ['same alerts, repeat due exactly', { entry: entry(['a'], [], 0), firing: new Set(['a']), nowMs: 4 * hour }, 'repeat_elapsed'],
    ['fewer firing alerts is not news', { entry: entry(['a', 'b'], []), firing: new Set(['a']) }, 'none'],
    ['one resolved, send_resolved', { entry: entry(['a', 'b'], []), firing: new Set(['a']), resolved: new Set(['b']) }, 'resolved'],
    ['one resolved, no send_resolved', { entry: entry(['a', 'b'], []), firing: new Set(['a']), resolved: new Set(['b']), sendResolved: false }, 'none'],
    ['resolved already told', { entry: entry(['a'], ['b']), firing: new Set(['a']), resolved: new Set(['b']) }, 'none'],
    ['all resolved: told even without send_resolved', { entry: entry(['a'], []), resolved: new Set(['a']), sendResolved: false }, 'resolved'],
    ['all resolved, receiver never heard of them', { entry: entry([], ['x']), resolved: new Set(['a']) }, 'none'],
    ['acknowledged after the last notification: told', { entry: entry(['a'], [], 0), firing: new Set(['a']), acknowledged: true, lastAcknowledgedAtMs: 10 }, 'acknowledged'],
    ['acknowledged in the same ms as the last notification: told', { entry: entry(['a'], [], 10), firing: new Set(['a']), acknowledged: true, lastAcknowledgedAtMs: 10 }, 'acknowledged'],
    ['acknowledged and told: repeats stop', { entry: entry(['a'], [], 20), firing: new Set(['a']), nowMs: 9 * hour, acknowledged: true, lastAcknowledgedAtMs: 10 }, 'none'],
    ['acknowledged, but something new fires', { entry: entry(['a'], [], 20), firing: new Set(['a', 'b']), acknowledged: true, lastAcknowledgedAtMs: 10 }, 'new_firing'],
  ])('%s -> %s', (_name, overrides, reason) => {
    expect(needsUpdate(input(overrides))).toBe(reason);
  });
});

describe('needsUpdate (dedup window)', () => {
  const windowMs = 5 * 60_000;
  it.each<[string, Partial<DedupInput>, DedupReason]>([
    ['flapping inside the window: one notification', { entry: entry([], ['a'], 2 * 60_000), firing: new Set(['a']), nowMs: 4 * 60_000, lastFiring: { fingerprints: ['a'], sentAtMs: 0 } }, 'dedup_window'],
    ['flapping after the window: notified', { entry: entry([], ['a'], 2 * 60_000), firing: new Set(['a']), nowMs: windowMs, lastFiring: { fingerprints: ['a'], sentAtMs: 0 } }, 'new_firing'],
    ['a different set inside the window: notified', { entry: entry([], ['a'], 60_000), firing: new Set(['a', 'b']), nowMs: 2 * 60_000, lastFiring: { fingerprints: ['a'], sentAtMs: 0 } }, 'new_firing'],
    ['repeat shorter than the window waits for it', { entry: entry(['a'], [], 0), firing: new Set(['a']), nowMs: 60_000, repeatIntervalMs: 60_000 }, 'dedup_window'],
    ['repeat after the window', { entry: entry(['a'], [], 0), firing: new Set(['a']), nowMs: windowMs, repeatIntervalMs: 60_000 }, 'repeat_elapsed'],
    ['a resolve is never held back', { entry: entry(['a'], [], 0), resolved: new Set(['a']), nowMs: 1000 }, 'resolved'],
  ])('%s -> %s', (_name, overrides, reason) => {
    expect(needsUpdate(input({ dedupWindowMs: windowMs, ...overrides }))).toBe(reason);
  });

  it('a zero window turns the rule off', () => {
    expect(needsUpdate(input({ dedupWindowMs: 0, entry: entry(['a'], [], 0), firing: new Set(['a']), nowMs: 60_000, repeatIntervalMs: 60_000 }))).toBe('repeat_elapsed');
  });
});

describe('shouldNotify', () => {
  it.each<[DedupReason, boolean]>([
    ['first', true], ['new_firing', true], ['resolved', true], ['repeat_elapsed', true], ['acknowledged', true], ['none', false], ['dedup_window', false],
  ])('%s -> %s', (reason, expected) => {
    expect(shouldNotify(reason)).toBe(expected);
  });
});
