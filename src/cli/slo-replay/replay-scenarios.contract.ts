/**
 * Replay scenarios with transitions computed by hand (objective 99.9%, so b = 1 - 0.999 and the
 * default tables: page 1h/5m > 14.4b or 6h/30m > 6b, ticket 1d/2h > 3b or 3d/6h > 1b). Minutes
 * are counted from `replayT0` (a minute end); `rows` uses the series format of
 * src/core/slo/slo-builders.contract.ts. Shared by the unit test and the CLI process test.
 */
export const replayT0 = 1_767_225_600; // 2026-01-01T00:00:00Z, Unix seconds

export interface ReplayScenario {
  name: string;
  rows: string;
  /** "minute severity state", in output order. */
  expected: string[];
}

export const replayScenarios: ReplayScenario[] = [
  {
    // Minute 61: 1h = 100/6000 bad > 0.0144 and 5m = 100/500 > 0.0144: page; 1d = 2h = 100/6100
    // > 0.003: ticket. 1h/5m clears at 75, but 30m (> 0.006) still holds minute 70 until 100.
    // The ticket's 6h window holds the outage until 430 (3d ratio > 0.001 all along).
    name: 'sharp outage',
    rows: '1..60 100/100, 61..70 0/100, 71..500 100/100',
    expected: ['61 page firing', '61 ticket firing', '100 page resolved', '430 ticket resolved'],
  },
  {
    // A clean day, then 0.5% errors (5x). Never 6x or 14.4x: no page. 1d/2h > 3x needs 865 bad
    // minutes; 3d/6h > 1x needs 3d = 5k / (1440 + k)·1000 > 0.001, k > 360: minute 1801
    // (at 1800 the 3d ratio is exactly 0.001, which does not fire).
    name: 'slow burn',
    rows: '1..1440 1000/1000, 1441..2000 995/1000',
    expected: ['1801 ticket firing'],
  },
  {
    // Six clean hours, then one bad minute an hour: 1h = 1000/60000 > 0.0144 and 5m > 0.0144
    // page at once, resolving when the 5m window is clean again; 6h stays below 6x (2000/360000).
    // The 3d/6h ticket fires at the first burst (1000/361000 > 0.001) and holds.
    name: 'flapping',
    rows: '1..360 1000/1000, 361 0/1000, 362..420 1000/1000, 421 0/1000, 422..480 1000/1000',
    expected: ['361 page firing', '361 ticket firing', '366 page resolved', '421 page firing', '426 page resolved'],
  },
  {
    // Ten bad minutes, then no traffic (no rows) until minute 400. Windows without events have
    // no ratio and cannot fire: the page resolves when 30m is empty (40), the ticket when 6h is
    // empty (370), although the longer windows still hold only errors.
    name: 'zero-traffic gap',
    rows: '1..10 0/100, 400..420 100/100',
    expected: ['1 page firing', '1 ticket firing', '40 page resolved', '370 ticket resolved'],
  },
];

/** The scenario's rows as CSV lines (without header) for SLO `slo`. */
export function scenarioCsvRows(scenario: ReplayScenario, slo: string): string[] {
  const lines: string[] = [];
  for (const part of scenario.rows.split(',').map((item) => item.trim())) {
    const match = /^(\d+)(?:\.\.(\d+))?\s+(\d+)\/(\d+)$/.exec(part);
    if (!match) throw new Error(`bad scenario part '${part}'`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let minute = from; minute <= to; minute++) lines.push(`${replayT0 + minute * 60},${slo},${match[3] ?? ''},${match[4] ?? ''}`);
  }
  return lines;
}
