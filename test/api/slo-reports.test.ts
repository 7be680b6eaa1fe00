import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

const hourMs = 3_600_000;
const minuteMs = 60_000;

const configYaml = `
services:
  - name: web
  - name: api
slos:
  - name: web-availability
    service: web
    objective: 99.9%
    window: 30d
    sli:
      events: {}
  - name: web-latency
    service: web
    objective: 99%
    window: 7d
    sli:
      events: {}
  - name: api-availability
    service: api
    objective: 99.5
    window: 30d
    sli:
      events: {}
`;

interface ReportRow {
  slo: string;
  from: string;
  to: string;
  good: number;
  total: number;
  sli: number | null;
  objective_met: boolean | null;
  budget_consumed_ratio: number | null;
  allowed_downtime_minutes: number;
  page_alerts: number;
}

describe.each(storeKinds)('SLO compliance report on %s', (kind) => {
  let t: TestApp;
  // Two whole hours a day ago, and the minutes of the ragged edges around them.
  const hourStart = Math.floor((Date.now() - 24 * hourMs) / hourMs) * hourMs;
  beforeAll(async () => {
    t = await startTestApp(kind, { yaml: configYaml });
    // Stored as the engine stores counts (minute rows and their hour rows), older than the push lateness allows.
    await t.app.store.sloCounts.add([
      { slo: 'web-availability', endMs: hourStart + 30 * minuteMs, good: 500, total: 500 },
      { slo: 'web-availability', endMs: hourStart + 90 * minuteMs, good: 995, total: 1000 },
      { slo: 'web-availability', endMs: hourStart + 2 * hourMs + 10 * minuteMs, good: 100, total: 100 },
      { slo: 'web-latency', endMs: hourStart + 61 * minuteMs, good: 99, total: 100 },
      { slo: 'api-availability', endMs: hourStart + 61 * minuteMs, good: 7, total: 7 },
    ]);
    await t.app.store.sloHistory.append([
      { slo: 'web-availability', atMs: hourStart + 91 * minuteMs, data: { page: 'firing', ticket: 'firing' } },
      { slo: 'web-availability', atMs: hourStart + 100 * minuteMs, data: { page: 'resolved', ticket: 'firing' } },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const report = (query: string, headers: Record<string, string> = {}) => t.request(`/api/v1/reports/slo?${query}`, { headers });
  const iso = (ms: number) => new Date(ms).toISOString();

  it('sums whole hours and ragged minutes of the range, per SLO of the service', async () => {
    const response = await report(`service=web&from=${iso(hourStart + 20 * minuteMs)}&to=${iso(hourStart + 2 * hourMs + 5 * minuteMs)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: ReportRow[] };
    expect(body.items.map((row) => row.slo)).toEqual(['web-availability', 'web-latency']);
    const availability = body.items[0] as ReportRow;
    // Minute +30 (edge), hour ending +2h (minute +90); the minute at 2h10 lies after the range.
    expect([availability.good, availability.total]).toEqual([1495, 1500]);
    expect(availability.sli).toBeCloseTo(1495 / 1500, 12);
    expect(availability.objective_met).toBe(false);
    expect(availability.budget_consumed_ratio).toBeCloseTo(5 / 1.5, 9);
    expect(availability.allowed_downtime_minutes).toBeCloseTo(0.001 * 105, 9);
    expect(availability.page_alerts).toBe(1);
    expect([availability.from, availability.to]).toEqual([iso(hourStart + 20 * minuteMs), iso(hourStart + 2 * hourMs + 5 * minuteMs)]);
    expect(body.items[1]).toMatchObject({ good: 99, total: 100, objective_met: true });
  });

  it('answers CSV with a header row, by format or Accept', async () => {
    const range = `from=${iso(hourStart)}&to=${iso(hourStart + 3 * hourMs)}`;
    for (const response of [await report(`${range}&format=csv`), await report(range, { accept: 'text/csv' })]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      const rows = parse<Record<string, string>>(await response.text(), { columns: true });
      expect(rows.map((row) => row['slo'])).toEqual(['api-availability', 'web-availability', 'web-latency']);
      expect(rows[1]).toMatchObject({ good: '1595', total: '1600', objective_met: 'false', page_alerts: '1' });
      expect(rows[0]).toMatchObject({ objective_met: 'true' });
    }
  });

  it('has no verdict for a range without events, and rejects bad parameters naming them', async () => {
    const empty = (await (await report(`service=api&from=${iso(hourStart - 5 * hourMs)}&to=${iso(hourStart - 4 * hourMs)}`)).json()) as { items: ReportRow[] };
    expect(empty.items).toEqual([expect.objectContaining({ slo: 'api-availability', total: 0, sli: null, objective_met: null })]);
    const cases: Array<[string, string]> = [
      ['service=nope', 'service'],
      [`from=${iso(hourStart)}&to=${iso(hourStart - hourMs)}`, 'from'],
      ['from=yesterday', 'from'],
      ['format=xml', 'format'],
    ];
    for (const [query, field] of cases) {
      const response = await report(query);
      expect(response.status, query).toBe(400);
      const problem = (await response.json()) as { errors?: Array<{ field: string }> };
      expect(problem.errors?.[0]?.field, query).toContain(field);
    }
  });
});
