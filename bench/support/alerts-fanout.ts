/**
 * Fan-out and rule latency for `npm run bench -- alerts`:
 * - fan-out: N alerts, each with its own `group` label, posted in batches; the route has
 *   group_wait 0s, so each is one notification to the local webhook receiver. Timed from the
 *   first POST until the receiver has counted N distinct groups.
 * - latency: the fake Prometheus is armed at a random phase of the rule's interval; timed from
 *   arming until the webhook receives the firing notification of that trial.
 * Both are bounded by a deadline; the silences of the ingest part are created here too.
 */
import { performance } from 'node:perf_hooks';
import { percentile } from './alerts-ingest.js';
import { latencyAlertName, silenceMatchers } from './alerts-config.js';
import type { FakePrometheus, WebhookNotification, WebhookReceiver } from './alerts-receiver.js';
import { ownCpuSeconds, readCpuSeconds } from './process-cpu.js';
import { sampleRss } from './process-memory.js';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** `count` active silences through `POST /api/v1/silences` (2 h each). */
export async function createSilences(baseUrl: string, token: string, count: number): Promise<void> {
  for (let silence = 0; silence < count; silence += 1) {
    const created = await call(baseUrl, token, 'POST', '/api/v1/silences', { matchers: silenceMatchers(silence), duration: '2h', comment: `bench silence ${silence}`, created_by: 'bench' });
    if (created.status !== 201) throw new Error(`creating silence ${silence}: HTTP ${created.status} ${JSON.stringify(created.json).slice(0, 300)}`);
  }
  const listed = await call(baseUrl, token, 'GET', '/api/v1/silences?state=active');
  const items = (listed.json as { items?: unknown[] } | undefined)?.items ?? [];
  if (items.length !== count) throw new Error(`expected ${count} active silences, the server lists ${items.length}`);
}

/** How long the end counts wait for the last outcomes to commit. */
const settleMs = 2000;

export interface OutboxCounts {
  pending: number;
  sent: number;
  dead: number;
}

export async function outboxCounts(baseUrl: string, token: string): Promise<OutboxCounts> {
  const answer = await call(baseUrl, token, 'GET', '/api/v1/notifications?limit=1');
  const counts = (answer.json as { counts?: Partial<OutboxCounts> } | undefined)?.counts ?? {};
  return { pending: counts.pending ?? 0, sent: counts.sent ?? 0, dead: counts.dead ?? 0 };
}

export interface FanoutOptions {
  baseUrl: string;
  token: string;
  serverPid: number;
  receiver: WebhookReceiver;
  groups: number;
  batch: number;
  connections: number;
  timeoutS: number;
}

export interface FanoutResult {
  groups: number;
  /** Alerts the server accepted before the deadline. */
  posted: number;
  received: number;
  /** The same Idempotency-Key received again / a second notification (new key) for a group. */
  repeatedKeys: number;
  repeatedGroups: number;
  /** ms from the first POST until the last of the groups was received (or the deadline). */
  elapsedMs: number;
  /** ms from the first POST until every POST was answered. */
  postedMs: number;
  /** ms from the first POST to the first notification. */
  firstMs: number;
  notificationsPerSecond: number;
  /** Groups received after every POST was answered, per second from then until the last one. */
  drainPerSecond: number;
  complete: boolean;
  outboxAtEnd: OutboxCounts;
  outboxAfterPosts: OutboxCounts;
  postFailures: number;
  peakRssBytes: number | undefined;
  serverCpuPercent: number | undefined;
  loadCpuPercent: number;
}

export async function runFanout(options: FanoutOptions): Promise<FanoutResult> {
  const { receiver } = options;
  receiver.reset();
  const runId = Date.now().toString(36);
  const startsAt = new Date().toISOString();
  const batches = Math.ceil(options.groups / options.batch);
  let postFailures = 0;
  let posted = 0;
  let nextBatch = 0;
  const sampler = sampleRss(options.serverPid, 250);
  const serverCpuBefore = readCpuSeconds(options.serverPid);
  const loadCpuBefore = ownCpuSeconds();
  const startMs = performance.now();
  // Posting is bounded by the same deadline as the wait: a slow server ends the part, not the run.
  const deadline = startMs + options.timeoutS * 1000;
  const poster = async () => {
    for (let batch = nextBatch++; batch < batches && performance.now() < deadline; batch = nextBatch++) {
      const alerts = [];
      for (let k = batch * options.batch; k < Math.min(options.groups, (batch + 1) * options.batch); k += 1) {
        alerts.push({ labels: { alertname: 'BenchFanout', group: `g-${runId}-${k}`, severity: 'P3' }, annotations: { summary: `fan-out ${k}` }, startsAt });
      }
      const answer = await call(options.baseUrl, options.token, 'POST', '/api/v2/alerts', alerts).catch((error: unknown) => ({ status: 0, json: String(error) }));
      if (answer.status !== 200) postFailures += 1;
      else posted += alerts.length;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, poster));
  const postedMs = performance.now() - startMs;
  const receivedWhenPosted = receiver.groups();
  const outboxAfterPosts = await outboxCounts(options.baseUrl, options.token);
  while (receiver.groups() < options.groups && performance.now() < deadline) await sleep(20);
  const complete = receiver.groups() >= options.groups;
  const endMs = complete ? (receiver.lastMs ?? performance.now()) : performance.now();
  const elapsedMs = endMs - startMs;
  const serverCpuAfter = readCpuSeconds(options.serverPid);
  const loadCpuPercent = (100 * (ownCpuSeconds() - loadCpuBefore)) / (elapsedMs / 1000);
  const peakRssBytes = sampler.stop();
  // Outcomes of the last sends commit in batches (up to 20 ms later, decision 26): the end
  // counts are read once nothing is pending, or after 2 s, so a late commit does not read as
  // a notification left unsent.
  let outboxAtEnd = await outboxCounts(options.baseUrl, options.token);
  const settleDeadline = performance.now() + settleMs;
  while (complete && outboxAtEnd.pending > 0 && performance.now() < settleDeadline) {
    await sleep(20);
    outboxAtEnd = await outboxCounts(options.baseUrl, options.token);
  }
  return {
    groups: options.groups,
    posted,
    received: receiver.notifications,
    repeatedKeys: receiver.repeatedKeys,
    repeatedGroups: receiver.repeatedGroups,
    elapsedMs,
    postedMs,
    firstMs: receiver.firstMs === undefined ? Number.NaN : receiver.firstMs - startMs,
    notificationsPerSecond: receiver.groups() / (elapsedMs / 1000),
    drainPerSecond: (receiver.groups() - receivedWhenPosted) / Math.max(1e-3, (elapsedMs - postedMs) / 1000),
    complete,
    outboxAtEnd,
    outboxAfterPosts,
    postFailures,
    peakRssBytes,
    serverCpuPercent: serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : (100 * (serverCpuAfter - serverCpuBefore)) / (elapsedMs / 1000),
    loadCpuPercent,
  };
}

export interface LatencyOptions {
  receiver: WebhookReceiver;
  prometheus: FakePrometheus;
  trials: number;
  intervalMs: number;
  groupWaitMs: number;
  log: (message: string) => void;
}

export interface LatencyResult {
  trials: number;
  /** Webhook receive time minus arm time, ms, one per completed trial. */
  latenciesMs: number[];
  missed: number;
  p50Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
}

/** Resolves with the first firing notification of `trial`, or undefined after `timeoutMs`. */
function firingOf(receiver: WebhookReceiver, trial: string, timeoutMs: number): Promise<WebhookNotification | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      receiver.onNotification = undefined;
      resolve(undefined);
    }, timeoutMs);
    receiver.onNotification = (notification) => {
      const matches = notification.status === 'firing' && notification.alerts.some((alert) => alert.labels.trial === trial && alert.labels.alertname === latencyAlertName);
      if (!matches) return;
      clearTimeout(timer);
      receiver.onNotification = undefined;
      resolve(notification);
    };
  });
}

export async function runLatency(options: LatencyOptions): Promise<LatencyResult> {
  const { receiver, prometheus } = options;
  receiver.reset();
  // The rule loop is running once the fake has been queried.
  const readyDeadline = performance.now() + options.intervalMs * 3 + 10_000;
  while (prometheus.queries === 0 && performance.now() < readyDeadline) await sleep(20);
  if (prometheus.queries === 0) throw new Error('the rule never queried the fake Prometheus');
  const runId = Date.now().toString(36);
  const latenciesMs: number[] = [];
  let missed = 0;
  const timeoutMs = options.intervalMs * 3 + options.groupWaitMs + 10_000;
  for (let trial = 0; trial < options.trials; trial += 1) {
    // A random phase of the evaluation interval: the condition becomes true at any moment.
    await sleep(Math.random() * options.intervalMs);
    const label = `${runId}-${trial}`;
    const arrived = firingOf(receiver, label, timeoutMs);
    const armedMs = prometheus.arm({ trial: label });
    const notification = await arrived;
    prometheus.disarm();
    if (notification === undefined) {
      missed += 1;
      options.log(`latency trial ${trial}: no notification within ${timeoutMs} ms`);
    } else {
      latenciesMs.push(notification.receivedMs - armedMs);
    }
    // Let the rule see the condition false before the next trial.
    await sleep(options.intervalMs * 1.2);
  }
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    trials: options.trials,
    latenciesMs,
    missed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
