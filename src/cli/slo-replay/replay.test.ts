import { describe, expect, it } from 'vitest';
import { defaultBurnRateAlerting } from '../../core/slo/burn-rate-alerting.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { parseEventsCsv } from './events-csv.js';
import { replaySlos, type ReplayTransition } from './replay.js';
import { replayScenarios, replayT0, scenarioCsvRows } from './replay-scenarios.contract.js';

const slo = (name: string, overrides: Partial<SloSpec> = {}): SloSpec => ({
  name,
  service: 'api',
  description: null,
  objectiveRatio: 0.999,
  window: { kind: 'rolling', durationMs: 30 * 86_400_000 },
  budgeting: { kind: 'occurrences' },
  labels: {},
  alerting: defaultBurnRateAlerting,
  sli: { kind: 'events', goodWhen: null },
  ...overrides,
});

function rowsOf(lines: string[], known: string[]) {
  const parsed = parseEventsCsv(['timestamp,slo,good,total', ...lines].join('\n'), 'events.csv', new Set(known));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.rows;
}

const asText = (transitions: ReplayTransition[]): string[] => transitions.map((entry) => `${(entry.t - replayT0) / 60} ${entry.severity} ${entry.state}`);

describe('slo replay', () => {
  it.each(replayScenarios)('$name: transitions as computed by hand', ({ rows, expected }) => {
    const transitions = replaySlos([slo('api')], rowsOf(scenarioCsvRows({ name: '', rows, expected }, 'api'), ['api']), { stepMs: 60_000 });
    expect(asText(transitions)).toEqual(expected);
    expect(transitions.every((entry) => entry.slo === 'api')).toBe(true);
  });

  it('adds up rows for the same minute and reads rows in any order', () => {
    const lines = scenarioCsvRows({ name: '', rows: '1..60 100/100, 61 0/100', expected: [] }, 'api');
    // Minute 61's 100 bad events arrive as two rows of 50, listed first.
    const split = [`${replayT0 + 61 * 60},api,0,50`, `${replayT0 + 61 * 60},api,0,50`, ...lines.slice(0, 60)];
    expect(asText(replaySlos([slo('api')], rowsOf(split, ['api']), { stepMs: 60_000 }))).toEqual(['61 page firing', '61 ticket firing']);
  });

  it('orders by time, then config order, then page before ticket', () => {
    const lines = [...scenarioCsvRows({ name: '', rows: '1 0/10', expected: [] }, 'b'), ...scenarioCsvRows({ name: '', rows: '1 0/10, 2 10/10', expected: [] }, 'a')];
    const transitions = replaySlos([slo('a'), slo('b')], rowsOf(lines, ['a', 'b']), { stepMs: 60_000 });
    expect(transitions.map((entry) => `${(entry.t - replayT0) / 60} ${entry.slo} ${entry.severity} ${entry.state}`)).toEqual(['1 a page firing', '1 a ticket firing', '1 b page firing', '1 b ticket firing']);
  });

  it('evaluates only at step boundaries within --from and --to', () => {
    const lines = scenarioCsvRows(replayScenarios[0]!, 'api');
    const fiveMinutes = replaySlos([slo('api')], rowsOf(lines, ['api']), { stepMs: 300_000 });
    // The outage is seen at the 5-minute boundary 65; the page resolves at 100 either way.
    expect(asText(fiveMinutes)).toEqual(['65 page firing', '65 ticket firing', '100 page resolved', '430 ticket resolved']);
    const window = replaySlos([slo('api')], rowsOf(lines, ['api']), { stepMs: 60_000, fromMs: (replayT0 + 62 * 60) * 1000, toMs: (replayT0 + 200 * 60) * 1000 });
    // From minute 62 on the page is already burning: the initial state is resolved, so it fires at 62.
    expect(asText(window)).toEqual(['62 page firing', '62 ticket firing', '100 page resolved']);
  });

  it('stays silent for SLOs with alerting off, and for an empty file', () => {
    expect(replaySlos([slo('api', { alerting: null })], rowsOf(scenarioCsvRows(replayScenarios[0]!, 'api'), ['api']), { stepMs: 60_000 })).toEqual([]);
    expect(replaySlos([slo('api')], [], { stepMs: 60_000 })).toEqual([]);
  });
});

describe('events CSV', () => {
  const known = new Set(['api']);
  it.each<[string, string, string]>([
    ['a missing column', 'timestamp,slo,good\n60,api,1', "events.csv:1: missing column 'total'"],
    ['an unknown column', 'timestamp,slo,good,total,bad\n60,api,1,1,0', "events.csv:1: unknown column 'bad'"],
    ['a short row', 'timestamp,slo,good,total\n60,api,1', 'events.csv:2: expected 4 fields (timestamp,slo,good,total), got 3'],
    ['a non-numeric count', 'timestamp,slo,good,total\n60,api,many,1', "events.csv:2: good: must be a non-negative count like 12 or 12.5, got 'many'"],
    ['NaN', 'timestamp,slo,good,total\n60,api,1,NaN', "events.csv:2: total: must be a non-negative count like 12 or 12.5, got 'NaN'"],
    ['a negative count', 'timestamp,slo,good,total\n60,api,-1,1', "events.csv:2: good: must be a non-negative count like 12 or 12.5, got '-1'"],
    ['good above total', 'timestamp,slo,good,total\n60,api,2,1', 'events.csv:2: good: 2 is more than total (1)'],
    ['an unknown SLO', 'timestamp,slo,good,total\n60,api,1,1\n120,web,1,1', "events.csv:3: slo: unknown SLO 'web' (the config defines api)"],
    ['a timestamp that is not a minute end', 'timestamp,slo,good,total\n61,api,1,1', 'events.csv:2: timestamp: must be the end of a minute'],
    ['a fractional timestamp', 'timestamp,slo,good,total\n60.5,api,1,1', "events.csv:2: timestamp: must be Unix seconds (a non-negative integer), got '60.5'"],
    ['an empty file', '', 'events.csv:1: the file is empty'],
    ['an unclosed quote', 'timestamp,slo,good,total\n60,"api,1,1\n', 'events.csv:2: Quote Not Closed'],
  ])('names the line and field of %s', (_name, text, message) => {
    const parsed = parseEventsCsv(text, 'events.csv', known);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toContain(message);
  });

  it('accepts any column order, blank lines and a header only', () => {
    const parsed = parseEventsCsv('slo,total,good,timestamp\n\napi,10,9,120\n', 'events.csv', known);
    expect(parsed).toEqual({ ok: true, rows: [{ line: 3, timestamp: 120, slo: 'api', good: 9, total: 10 }] });
    expect(parseEventsCsv('timestamp,slo,good,total\n', 'events.csv', known)).toEqual({ ok: true, rows: [] });
    expect(parseEventsCsv('timestamp,slo,good,total\n60,api,9.5,10.25\n', 'events.csv', known)).toMatchObject({ ok: true, rows: [{ good: 9.5, total: 10.25 }] });
  });

  it('summarises after 20 problems', () => {
    const text = ['timestamp,slo,good,total', ...Array.from({ length: 30 }, () => 'x,api,1,1')].join('\n');
    const parsed = parseEventsCsv(text, 'events.csv', known);
    expect(!parsed.ok && parsed.problems.at(-1)).toBe('... and 10 more problems');
  });
});
