/**
 * Synthetic SLO data for `npm run bench -- slo`, the same in every process that uses it: SLO
 * names and specs, deterministic (good, total) per SLO and minute, and the config YAML that
 * declares them. Deterministic so the in-process, server and Prometheus parts count alike.
 */
import { createSloCounts, sloSpecFromDocument, type SloCounts, type SloDocument, type SloSpec } from '../../src/core/slo/index.js';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** SLOs are spread over this many services (`svc-00` ..). */
export const serviceCount = 100;
/** The good-event rule of every benchmark SLO, for raw outcomes `{slo, status, latency_ms}`. */
export const goodWhen = 'status < 500 && latency_ms < 300';

/** `slo-00042`: fixed width, so names sort like their index. */
export function sloName(index: number): string {
  return `slo-${String(index).padStart(5, '0')}`;
}

export function serviceName(index: number): string {
  return `svc-${String(index % serviceCount).padStart(2, '0')}`;
}

/** The written form: 99.9 % over a rolling 30 days, pushed events, default (Sloth/SRE workbook) alerts. */
export function sloDocument(index: number): SloDocument {
  return { name: sloName(index), service: serviceName(index), objective: '99.9%', window: '30d', sli: { events: { good_when: goodWhen } } };
}

export function sloSpec(index: number): SloSpec {
  const { spec, problems } = sloSpecFromDocument(sloDocument(index));
  if (problems.length > 0) throw new Error(`benchmark SLO is invalid: ${JSON.stringify(problems)}`);
  return spec;
}

/** A 32-bit hash of (slo, minute): the only source of "randomness", so every run sees the same data. */
export function mix(slo: number, minute: number): number {
  let h = Math.imul(slo ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(minute, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * Events of one SLO in one minute: 50-149 requests, and 1-3 bad ones in ~0.2 % of minutes plus
 * a few SLOs with a sustained 1-2 % error rate in the last hours (so some alerts are firing and
 * the benchmark does not only walk the quiet path).
 */
export function minuteCounts(slo: number, minute: number, out: { good: number; total: number }): void {
  const h = mix(slo, minute);
  const total = 50 + (h % 100);
  let bad = (h >>> 8) % 1000 < 2 ? 1 + ((h >>> 20) % 3) : 0;
  if (slo % 97 === 0 && (h >>> 4) % 4 === 0) bad += 1 + ((h >>> 24) % 2);
  out.total = total;
  out.good = total - bad;
}

/** Loads `days` of minutes ending with the minute that ends at `endMinute` (index = end / 1m). */
export function loadMinutes(counts: SloCounts, slo: number, endMinute: number, days: number): number {
  const out = { good: 0, total: 0 };
  const first = endMinute - Math.round((days * dayMs) / minuteMs) + 1;
  for (let minute = first; minute <= endMinute; minute++) {
    minuteCounts(slo, minute, out);
    counts.add(minute * minuteMs, out.good, out.total);
  }
  return endMinute - first + 1;
}

/** Counts for SLO `index`, sized as the server sizes them. */
export function createCountsFor(index: number): SloCounts {
  return createSloCounts(sloSpec(index));
}

/** The `services:` and `slos:` sections for `count` SLOs, appended to a benchmark config. */
export function sloConfigYaml(count: number): string {
  const lines: string[] = ['services:'];
  for (let s = 0; s < Math.min(serviceCount, count); s++) lines.push(`  - name: ${serviceName(s)}`, '    team: bench', '    criticality: medium');
  lines.push('slos:');
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - name: ${sloName(i)}`,
      `    service: ${serviceName(i)}`,
      '    objective: 99.9%',
      '    window: 30d',
      `    sli: { events: { good_when: ${JSON.stringify(goodWhen)} } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
