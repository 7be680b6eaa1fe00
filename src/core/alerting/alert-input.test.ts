import { describe, expect, it } from 'vitest';
import { alertFingerprint } from './alert.js';
import { alertFromInput, checkAlertInput, defaultAlertInputLimits } from './alert-input.js';

describe('checkAlertInput', () => {
  it.each<[string, unknown, Array<[string, RegExp]>]>([
    ['a fine alert', { labels: { alertname: 'X' }, annotations: { summary: 's' }, startsAtMs: 1, endsAtMs: 2 }, []],
    ['not a mapping', 'x', [['alerts[3]', /must be an alert/]]],
    ['no labels', { labels: {} }, [['alerts[3].labels', /at least one label/]]],
    ['only empty values', { labels: { a: '' } }, [['alerts[3].labels', /at least one label/]]],
    ['labels missing', {}, [['alerts[3].labels', /mapping/]]],
    ['a bad label name', { labels: { 'bad name': 'x', ok: 'y' } }, [['alerts[3].labels["bad name"]', /not a valid name/]]],
    ['a number value', { labels: { a: 1 } }, [['alerts[3].labels.a', /must be a string/], ['alerts[3].labels', /at least one label/]]],
    ['an annotation number', { labels: { a: 'x' }, annotations: { summary: 5 } }, [['alerts[3].annotations.summary', /must be a string/]]],
    ['end before start', { labels: { a: 'x' }, startsAtMs: 5, endsAtMs: 4 }, [['alerts[3].endsAt', /before startsAt/]]],
    ['a time that is not a number', { labels: { a: 'x' }, startsAtMs: 'now' }, [['alerts[3].startsAt', /must be a time/]]],
    ['an oversized value', { labels: { a: 'x'.repeat(defaultAlertInputLimits.maxLabelValueLength + 1) } }, [['alerts[3].labels.a', /at most 4096/]]],
    ['too many labels', { labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v'])) }, [['alerts[3].labels', /at most 64/]]],
    ['a generator URL that is not a string', { labels: { a: 'x' }, generatorUrl: 3 }, [['alerts[3].generatorURL', /string/]]],
  ])('%s', (_name, input, expected) => {
    const problems = checkAlertInput(input, ['alerts', 3]);
    expect(problems.map((problem) => problem.field)).toEqual(expected.map(([field]) => field));
    problems.forEach((problem, index) => expect(problem.message).toMatch(expected[index]?.[1] ?? /^$/));
  });
});

describe('alertFromInput', () => {
  const nowMs = 1_000_000;
  const timeout = 300_000;
  it('defaults start to now and end to now + resolve timeout, dropping empty labels', () => {
    const alert = alertFromInput({ labels: { alertname: 'X', empty: '' } }, 'manual', nowMs, timeout);
    expect(alert).toMatchObject({ labels: { alertname: 'X' }, fingerprint: alertFingerprint({ alertname: 'X' }), startsAtMs: nowMs, endsAtMs: nowMs + timeout, endsAtFromTimeout: true, updatedAtMs: nowMs, source: 'manual' });
  });

  it('an explicit end is the sender\'s; only an end given makes it the start too when it is past', () => {
    expect(alertFromInput({ labels: { a: 'x' }, endsAtMs: nowMs - 10 }, 'prometheus', nowMs, timeout)).toMatchObject({ startsAtMs: nowMs - 10, endsAtMs: nowMs - 10, endsAtFromTimeout: false });
    expect(alertFromInput({ labels: { a: 'x' }, endsAtMs: nowMs + 10 }, 'prometheus', nowMs, timeout)).toMatchObject({ startsAtMs: nowMs, endsAtMs: nowMs + 10 });
  });

  it('a start in the future still gets a full resolve timeout', () => {
    expect(alertFromInput({ labels: { a: 'x' }, startsAtMs: nowMs + 60_000 }, 'rule', nowMs, timeout).endsAtMs).toBe(nowMs + 60_000 + timeout);
  });
});
