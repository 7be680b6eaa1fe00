/**
 * The physical reference of the monitors benchmark, run as its own process (by
 * reference-loop.ts, through tsx) so its CPU is measured alone: GET `url` with undici's
 * `request` at a fixed rate, request j due at start + j / rate, at most `maxInFlight` at once
 * (later ones wait in line, as checks wait for a slot in the scheduler), each bounded by
 * `timeoutMs`, every body read. `keepAlive: false` opens a connection per request, as the
 * HTTP probe does. Prints JSON lines: `window-start` after the warm-up, then one `result`.
 *
 * Usage (from the benchmark only): node --import tsx bench/support/undici-loop.ts '<json settings>'
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export interface UndiciLoopSettings {
  url: string;
  ratePerSecond: number;
  warmupS: number;
  durationS: number;
  maxInFlight: number;
  timeoutMs: number;
  keepAlive: boolean;
}

export interface UndiciLoopResult {
  event: 'result';
  windowS: number;
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** A few distinct error messages, for the report. */
  errorSamples: string[];
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Due time to start, like the scheduler's lag. */
  lagP50Ms: number;
  lagP99Ms: number;
  /** CPU of this process during the window (process.cpuUsage: user + system, all threads). */
  cpuSeconds: number;
  maxInFlight: number;
}

const maxSamples = 2_000_000;

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function emit(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(settings: UndiciLoopSettings): Promise<void> {
  if (new URL(settings.url).hostname !== '127.0.0.1') throw new Error(`refusing ${settings.url}: only 127.0.0.1`);
  const timeouts = { headersTimeout: settings.timeoutMs, bodyTimeout: settings.timeoutMs, connect: { timeout: settings.timeoutMs } };
  // pipelining 0 is undici's switch for "no keep-alive": one connection per request.
  const agent = new Agent(settings.keepAlive ? { ...timeouts, keepAliveTimeout: 30_000 } : { ...timeouts, pipelining: 0 });
  const intervalMs = 1000 / settings.ratePerSecond;
  const planned = Math.ceil(settings.ratePerSecond * (settings.warmupS + settings.durationS));
  const latencies = new Float64Array(maxSamples);
  const lags = new Float64Array(maxSamples);
  let latencyCount = 0;
  let lagCount = 0;
  let measuring = false;
  let stopped = false;
  let issued = 0;
  let inFlight = 0;
  let maxInFlightSeen = 0;
  const counts = { completed: 0, ok: 0, non2xx: 0, errors: 0 };
  const errorSamples = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const startMs = performance.now();
  const finish = (startedAt: number, status: number | null, error: unknown): void => {
    inFlight -= 1;
    if (measuring) {
      counts.completed += 1;
      if (status === null) {
        counts.errors += 1;
        if (errorSamples.size < 5) errorSamples.add(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      } else if (status >= 200 && status < 300) counts.ok += 1;
      else counts.non2xx += 1;
      if (latencyCount < maxSamples) latencies[latencyCount++] = performance.now() - startedAt;
    }
    pump();
  };
  const fire = (index: number, nowMs: number): void => {
    inFlight += 1;
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
    if (measuring && lagCount < maxSamples) lags[lagCount++] = Math.max(0, nowMs - (startMs + index * intervalMs));
    void (async () => {
      try {
        const { statusCode, body } = await request(settings.url, { dispatcher: agent, method: 'GET' });
        await body.text();
        finish(nowMs, statusCode, null);
      } catch (error) {
        finish(nowMs, null, error);
      }
    })();
  };
  function pump(): void {
    if (stopped) return;
    const nowMs = performance.now();
    const due = Math.min(planned, Math.floor((nowMs - startMs) / intervalMs) + 1);
    while (issued < due && inFlight < settings.maxInFlight) fire(issued++, nowMs);
    clearTimeout(timer);
    if (issued < planned) timer = setTimeout(pump, Math.max(0, startMs + issued * intervalMs - performance.now()));
  }

  pump();
  await new Promise((resolve) => setTimeout(resolve, settings.warmupS * 1000));
  measuring = true;
  const windowStartMs = performance.now();
  const cpuBefore = process.cpuUsage();
  emit({ event: 'window-start' });
  await new Promise((resolve) => setTimeout(resolve, settings.durationS * 1000));
  measuring = false;
  stopped = true;
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpuBefore);
  const windowS = (performance.now() - windowStartMs) / 1000;
  const sortedLatencies = latencies.subarray(0, latencyCount).sort();
  const sortedLags = lags.subarray(0, lagCount).sort();
  const result: UndiciLoopResult = {
    event: 'result',
    windowS,
    ...counts,
    errorSamples: [...errorSamples],
    latencyP50Ms: percentile(sortedLatencies, 0.5),
    latencyP99Ms: percentile(sortedLatencies, 0.99),
    lagP50Ms: percentile(sortedLags, 0.5),
    lagP99Ms: percentile(sortedLags, 0.99),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxInFlight: maxInFlightSeen,
  };
  emit(result);
  await agent.destroy();
}

const settingsArg = process.argv[2];
if (settingsArg === undefined) {
  process.stderr.write("usage: node --import tsx bench/support/undici-loop.ts '<json settings>'\n");
  process.exitCode = 2;
} else {
  main(JSON.parse(settingsArg) as UndiciLoopSettings).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`undici loop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
