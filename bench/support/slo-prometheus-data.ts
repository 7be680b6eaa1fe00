/**
 * The Prometheus side of `npm run bench -- slo` gets the same synthetic traffic as ours (slo-
 * synthetic.ts `minuteCounts`), as two counters per SLO, `slo_requests_total` and
 * `slo_errors_total`, one sample per minute:
 * - history: TSDB blocks made with `promtool tsdb create-blocks-from openmetrics`. promtool
 *   (2.42) cuts 2-hour blocks and re-reads its whole input once per block, so the input is
 *   written as one OpenMetrics file per 2-hour window and promtool runs once per file;
 * - the present: an exporter on 127.0.0.1 that continues the same counters minute by minute,
 *   scraped by the running Prometheus every minute (the blocks end before Prometheus starts).
 * The samples carry the labels the scrape adds (job, instance), so history and present are the
 * same series.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { hourMs, minuteCounts, minuteMs, sloName } from './slo-synthetic.js';

/** Cumulative counters per SLO, advanced one minute at a time. */
export class SyntheticCounters {
  readonly requests: Float64Array;
  readonly errors: Float64Array;
  /** Index (end / 1m) of the last minute counted. */
  minute: number;
  private readonly out = { good: 0, total: 0 };

  constructor(readonly slos: number, startMinute: number) {
    this.requests = new Float64Array(slos);
    this.errors = new Float64Array(slos);
    this.minute = startMinute;
  }

  /** Counts one more minute for SLO `slo` (call for every SLO, then `minute++`). */
  step(slo: number, minute: number): void {
    minuteCounts(slo, minute, this.out);
    this.requests[slo]! += this.out.total;
    this.errors[slo]! += this.out.total - this.out.good;
  }

  advanceTo(minute: number): void {
    while (this.minute < minute) {
      this.minute++;
      for (let s = 0; s < this.slos; s++) this.step(s, this.minute);
    }
  }
}

export function seriesLabels(slo: number, instance: string): string {
  return `{instance="${instance}",job="slo",slo="${sloName(slo)}"}`;
}

export interface Exporter {
  port: number;
  scrapes(): number;
  close(): Promise<void>;
}

/** Serves the counters at the current minute in the Prometheus text format. */
export async function startExporter(counters: SyntheticCounters, nowMs: () => number): Promise<Exporter> {
  let scrapes = 0;
  const server = http.createServer((_request, response) => {
    counters.advanceTo(Math.floor(nowMs() / minuteMs));
    const lines: string[] = ['# TYPE slo_requests_total counter'];
    for (let s = 0; s < counters.slos; s++) lines.push(`slo_requests_total{slo="${sloName(s)}"} ${counters.requests[s]}`);
    lines.push('# TYPE slo_errors_total counter');
    for (let s = 0; s < counters.slos; s++) lines.push(`slo_errors_total{slo="${sloName(s)}"} ${counters.errors[s]}`);
    scrapes++;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    scrapes: () => scrapes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function runPromtool(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`promtool ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

export interface BackfillResult {
  samples: number;
  blocks: number;
  ms: number;
}

/**
 * Writes TSDB blocks into `tsdbDir` for minutes (counters.minute, endMinute], advancing
 * `counters`; one OpenMetrics file and one promtool run per 2-hour window.
 */
export async function backfill(counters: SyntheticCounters, endMinute: number, instance: string, workDir: string, tsdbDir: string): Promise<BackfillResult> {
  const started = performance.now();
  const minutesPerBlock = (2 * hourMs) / minuteMs;
  let samples = 0;
  let blocks = 0;
  const labels = Array.from({ length: counters.slos }, (_, s) => seriesLabels(s, instance));
  while (counters.minute < endMinute) {
    const first = counters.minute + 1;
    // Up to the end of this 2-hour block (block boundaries are multiples of 2 h since the epoch).
    const last = Math.min(endMinute, (Math.floor(first / minutesPerBlock) + 1) * minutesPerBlock - 1);
    const file = path.join(workDir, `window-${first}.om`);
    const fd = openSync(file, 'w');
    try {
      const requestStart = Float64Array.from(counters.requests);
      const errorStart = Float64Array.from(counters.errors);
      const out = { good: 0, total: 0 };
      for (const family of ['requests', 'errors'] as const) {
        writeSync(fd, `# TYPE slo_${family} counter\n`);
        for (let s = 0; s < counters.slos; s++) {
          let value = family === 'requests' ? requestStart[s]! : errorStart[s]!;
          const parts: string[] = [];
          for (let minute = first; minute <= last; minute++) {
            minuteCounts(s, minute, out);
            value += family === 'requests' ? out.total : out.total - out.good;
            parts.push(`slo_${family}_total${labels[s]} ${value} ${minute * 60}\n`);
          }
          writeSync(fd, parts.join(''));
          samples += parts.length;
          if (family === 'requests') counters.requests[s] = value;
          else counters.errors[s] = value;
        }
      }
      writeSync(fd, '# EOF\n');
    } finally {
      closeSync(fd);
    }
    counters.minute = last;
    await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, tsdbDir]);
    await rm(file, { force: true });
    blocks++;
  }
  return { samples, blocks, ms: performance.now() - started };
}
