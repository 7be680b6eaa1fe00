/**
 * Builders for the store contract suites: a valid record with overrides, so each case states
 * only what it is about. Test-only (excluded from the build with the other *.contract.ts).
 */
import type { Monitor, MonitorResult, MonitorRuntimeState } from '../../core/monitors/monitor.js';
import type { UptimeBucket } from '../../core/monitors/uptime.js';
import type { Service } from '../../core/services/service.js';
import type { ApiToken, AuditEntryInput, IngestKey, MonitorRollup, StoredSlo } from './store.js';

export const t0 = '2026-01-01T00:00:00.000Z';
export const t1 = '2026-01-01T00:05:00.000Z';

export function baseService(overrides: Partial<Service> = {}): Service {
  return {
    name: 'checkout',
    displayName: 'Checkout',
    team: 'payments',
    criticality: 'high',
    tags: ['web', 'pci'],
    dependencies: ['payments-db'],
    links: { runbook: 'https://runbooks.example/checkout', repo: 'https://git.example/checkout' },
    source: 'api',
    createdAt: t0,
    updatedAt: t0,
    ...overrides,
  };
}

export function baseToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return { name: 'ci', role: 'responder', tokenHash: 'a'.repeat(64), createdAt: t0, lastUsedAt: null, ...overrides };
}

export function baseAuditEntry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: t0,
    actor: 'alice',
    action: 'service.create',
    objectType: 'service',
    objectId: 'checkout',
    before: null,
    after: { name: 'checkout' },
    requestId: 'req-1',
    ...overrides,
  };
}

/** 2026-01-01T00:00:00Z in ms: result and bucket times in the monitor cases count from here. */
export const epochMs = Date.parse(t0);

export function baseMonitor(overrides: Partial<Monitor> = {}): Monitor {
  return {
    name: 'checkout-http',
    service: 'checkout',
    kind: 'http',
    description: 'Checkout answers on its health endpoint',
    intervalMs: 30_000,
    timeoutMs: 5_000,
    retries: 1,
    failureThreshold: 3,
    successThreshold: 2,
    tags: ['web', 'pci'],
    circuitBreaker: { failureThreshold: 5, openDurationMs: 60_000, halfOpenTrials: 1 },
    maintenanceWindows: [
      { id: 'deploy', kind: 'once', startMs: epochMs + 3_600_000, endMs: epochMs + 7_200_000 },
      { id: 'nightly', kind: 'recurring', cron: '0 2 * * *', durationMs: 1_800_000, timeZone: 'Europe/Berlin' },
    ],
    latencyThresholdsMs: [250, 1000],
    settings: {
      url: 'https://checkout.example/healthz',
      expected_status: [200, 204],
      headers: { accept: 'application/json', 'x-probe': 'sre-monitor' },
      body_match: { json_path: '$.status', equals: 'ok', nested: { depth: [1, null, 'três'] } },
    },
    source: 'api',
    paused: false,
    createdAt: t0,
    updatedAt: t0,
    ...overrides,
  };
}

export function baseResult(overrides: Partial<MonitorResult> = {}): MonitorResult {
  return {
    monitor: 'checkout-http',
    atMs: epochMs + 10_000,
    status: 'up',
    latencyMs: 12.3456,
    message: 'HTTP 200 OK',
    timings: { dnsMs: 1.25, connectMs: 2.5, tlsMs: 4.75, firstByteMs: 10.125, totalMs: 12.3456 },
    details: { statusCode: 200, headers: { server: 'nginx' } },
    maintenance: false,
    ...overrides,
  };
}

export function baseRuntimeState(overrides: Partial<MonitorRuntimeState> = {}): MonitorRuntimeState {
  return {
    monitor: 'checkout-http',
    status: {
      status: 'down',
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      retriesUsed: 1,
      since: epochMs + 30_000,
      lastMessage: 'connect ECONNREFUSED 127.0.0.1:9',
      lastOutcome: 'down',
    },
    breaker: {
      state: 'open',
      consecutiveFailures: 5,
      openedAtMs: epochMs + 60_000,
      halfOpenSuccesses: 0,
      changedAtMs: epochMs + 60_000,
      trialInFlight: false,
    },
    lastResultAtMs: epochMs + 60_000,
    lastHeartbeatAtMs: null,
    ...overrides,
  };
}

export function baseBucket(overrides: Partial<UptimeBucket> = {}): UptimeBucket {
  return {
    endMs: epochMs + 60_000,
    counts: { up: 4, down: 1, degraded: 1, maintenance: 0 },
    latency: { count: 5, minMs: 0.75, maxMs: 812.5, bins: { '-5': 1, '163': 2, '166': 1, '169': 1 } },
    latencyUnder: { '250': 4, '1000': 5 },
    ...overrides,
  };
}

export function baseRollup(monitor: string, bucket: Partial<UptimeBucket> = {}): MonitorRollup {
  return { monitor, bucket: baseBucket(bucket) };
}

/** An SLO document with every JSON shape the written form may hold: it must come back exactly. */
export function baseSlo(overrides: Partial<StoredSlo> = {}): StoredSlo {
  return {
    name: 'checkout-availability',
    service: 'checkout',
    document: {
      name: 'checkout-availability',
      service: 'checkout',
      description: 'Checkout answers without 5xx — für alle Kunden 🚀',
      objective: 0.999,
      window: '30d',
      sli: {
        events: { good: 'http_requests_total{code!~"5.."}', total: 'http_requests_total' },
        weights: [0.1, 0.2, 1e-7, -3, 123_456.789_012_345, 2 ** 53 - 1],
      },
      alerts: [
        { severity: 'page', windows: ['1h', '5m'], burn_rate: 14.4 },
        { severity: 'ticket', windows: ['6h', '30m'], burn_rate: 6, labels: {} },
      ],
      labels: { team: 'payments', tier: null, empty: [], flag: true },
    },
    source: 'api',
    createdAt: t0,
    updatedAt: t0,
    ...overrides,
  };
}

export function baseIngestKey(overrides: Partial<IngestKey> = {}): IngestKey {
  return {
    key: 'batch-0001',
    requestHash: 'b'.repeat(64),
    response: { accepted: 1_000, rejected: [{ index: 7, reason: 'unknown SLO' }], ratio: 0.999 },
    createdAtMs: epochMs + 5_000,
    ...overrides,
  };
}
