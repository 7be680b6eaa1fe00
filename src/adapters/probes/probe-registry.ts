/**
 * The probes by kind: turns a monitor's settings block (snake_case, as written) into the probe's
 * own spec, checks what the schema cannot (URL shape, JSONPath, regex, resolver address), and
 * runs one attempt. The scheduler only ever talks to this registry, so adding a kind means a
 * probe file plus one entry here. Heartbeat monitors have no probe: they are pinged.
 */
import type { FieldProblem } from '../../core/errors.js';
import { parseDurationMs } from '../../core/duration.js';
import type { MonitorKind } from '../../core/monitors/monitor.js';
import type { Probe, ProbeResult } from '../../core/monitors/probe.js';
import { createDnsProbe, validateDnsProbeSpec, type DnsProbeSpec } from './dns-probe.js';
import { validateJsonPath } from './http-body-assertions.js';
import { createHostProbe, type HostProbeOptions, type HostProbeSpec } from './host-probe.js';
import { createHttpProbe, type HttpProbeOptions, type HttpProbeSpec } from './http-probe.js';
import type { ExpectedStatus } from './http-status-expectation.js';
import { checkPostgresUrl, createPostgresProbe, type PostgresProbeSpec } from './postgres-probe.js';
import { checkRedisUrl, createRedisProbe, type RedisProbeSpec } from './redis-probe.js';
import { createTcpProbe, type TcpProbeSpec } from './tcp-probe.js';
import { createTlsProbe, type TlsProbeSpec } from './tls-probe.js';

type Settings = Record<string, unknown>;
export type ProbedKind = Exclude<MonitorKind, 'heartbeat'>;

export interface ProbeRegistry {
  /** Runs one attempt of `kind` with `settings`; never throws (an unknown kind is a down result). */
  check(kind: MonitorKind, settings: Settings, signal: AbortSignal): Promise<ProbeResult>;
  /** Problems in a schema-valid settings block, fields prefixed with the kind (`http.url`). */
  validate(kind: MonitorKind, settings: Settings): FieldProblem[];
}

export interface ProbeRegistryOptions {
  http?: HttpProbeOptions;
  host?: HostProbeOptions;
  /** Replaces the probe of a kind (tests of the scheduler use counting or scripted probes). */
  overrides?: Partial<Record<ProbedKind, Probe<Settings>>>;
}

interface KindEntry<Spec> {
  probe: Probe<Spec>;
  toSpec(settings: Settings): Spec;
  problems(spec: Spec): FieldProblem[];
}

export function createProbeRegistry(options: ProbeRegistryOptions = {}): ProbeRegistry {
  const kinds: Record<ProbedKind, KindEntry<never>> = {
    http: entry(createHttpProbe(options.http), httpSpec, httpProblems),
    tcp: entry(createTcpProbe(), (s) => s as unknown as TcpProbeSpec, () => []),
    dns: entry(createDnsProbe(), dnsSpec, (spec) => validateDnsProbeSpec(spec)),
    tls: entry(createTlsProbe(), tlsSpec, () => []),
    postgres: entry(createPostgresProbe(), postgresSpec, (spec) => urlProblems(checkPostgresUrl(spec.url))),
    redis: entry(createRedisProbe(), redisSpec, (spec) => urlProblems(checkRedisUrl(spec.url))),
    host: entry(createHostProbe(options.host), hostSpec, () => []),
  };
  return {
    async check(kind, settings, signal) {
      if (kind === 'heartbeat') return { status: 'down', latencyMs: null, message: 'heartbeat monitors are pinged, not probed' };
      const override = options.overrides?.[kind];
      if (override !== undefined) return override.check(settings, signal);
      const entry = kinds[kind] as KindEntry<unknown>;
      return entry.probe.check(entry.toSpec(settings), signal);
    },
    validate(kind, settings) {
      if (kind === 'heartbeat') return [];
      const entry = kinds[kind] as KindEntry<unknown>;
      return entry.problems(entry.toSpec(settings)).map((problem) => ({ ...problem, field: `${kind}.${problem.field}` }));
    },
  };
}

function entry<Spec>(probe: Probe<Spec>, toSpec: (settings: Settings) => Spec, problems: (spec: Spec) => FieldProblem[]): KindEntry<never> {
  return { probe, toSpec, problems } as unknown as KindEntry<never>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
const latency = (value: unknown): number | undefined => {
  const raw = text(value);
  return raw === undefined ? undefined : parseDurationMs(raw);
};

function httpSpec(s: Settings): HttpProbeSpec {
  const keyword = s['keyword'] as { text: string; present?: boolean } | undefined;
  const jsonPath = s['json_path'] as HttpProbeSpec['jsonPath'];
  return {
    url: text(s['url']) ?? '',
    method: text(s['method']) as HttpProbeSpec['method'],
    headers: s['headers'] as Record<string, string> | undefined,
    body: text(s['body']),
    expectedStatus: (s['expected_status'] as Array<number | string> | undefined)?.map(expectedStatus),
    keyword: keyword === undefined ? undefined : { text: keyword.text, present: keyword.present ?? true },
    jsonPath,
    maxLatencyMs: latency(s['max_latency']),
    followRedirects: bool(s['follow_redirects']),
    ignoreTlsErrors: bool(s['ignore_tls_errors']),
    certificateExpiryWarningDays: number(s['certificate_expiry_warning_days']),
  };
}

function expectedStatus(entry: number | string): ExpectedStatus {
  if (typeof entry === 'number') return entry;
  const [from, to] = entry.split('-').map(Number);
  return to === undefined ? (from ?? 0) : { from: from ?? 0, to };
}

function httpProblems(spec: HttpProbeSpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(spec.url);
  } catch {
    problems.push({ field: 'url', message: `must be an absolute http:// or https:// URL, got ${JSON.stringify(spec.url)}` });
  }
  if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push({ field: 'url', message: `must use http:// or https://, got ${url.protocol}//` });
  }
  for (const entry of spec.expectedStatus ?? []) {
    if (typeof entry !== 'number' && entry.from > entry.to) {
      problems.push({ field: 'expected_status', message: `range ${entry.from}-${entry.to} is empty (start after end)` });
    }
  }
  if (spec.jsonPath !== undefined) {
    const pathProblem = validateJsonPath(spec.jsonPath.path);
    if (pathProblem !== null) problems.push({ field: 'json_path.path', message: pathProblem });
    if (spec.jsonPath.equals === undefined && spec.jsonPath.matches === undefined) {
      problems.push({ field: 'json_path', message: 'needs equals or matches' });
    }
    if (spec.jsonPath.matches !== undefined) {
      const regexProblem = checkRegex(spec.jsonPath.matches);
      if (regexProblem !== null) problems.push({ field: 'json_path.matches', message: regexProblem });
    }
  }
  return problems;
}

function checkRegex(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (error) {
    return `invalid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`;
  }
}

function dnsSpec(s: Settings): DnsProbeSpec {
  return {
    hostname: text(s['hostname']) ?? '',
    recordType: text(s['record_type']) as DnsProbeSpec['recordType'],
    resolver: text(s['resolver']),
    expectedValues: s['expected_values'] as string[] | undefined,
    maxLatencyMs: latency(s['max_latency']),
  };
}

function tlsSpec(s: Settings): TlsProbeSpec {
  return {
    host: text(s['host']) ?? '',
    port: number(s['port']) ?? 0,
    servername: text(s['servername']),
    certificateExpiryWarningDays: number(s['certificate_expiry_warning_days']),
    ignoreChainErrors: bool(s['ignore_chain_errors']),
  };
}

function postgresSpec(s: Settings): PostgresProbeSpec {
  return { url: text(s['url']) ?? '', query: text(s['query']), maxLatencyMs: latency(s['max_latency']) };
}

function redisSpec(s: Settings): RedisProbeSpec {
  return { url: text(s['url']) ?? '', maxUsedMemoryBytes: number(s['max_used_memory_bytes']), maxLatencyMs: latency(s['max_latency']) };
}

function hostSpec(s: Settings): HostProbeSpec {
  const disk = s['disk'] as { path: string; max_used_percent: number } | undefined;
  return {
    maxCpuPercent: number(s['max_cpu_percent']),
    maxMemoryPercent: number(s['max_memory_percent']),
    disk: disk === undefined ? undefined : { path: disk.path, maxUsedPercent: disk.max_used_percent },
  };
}

function urlProblems(problem: string | null): FieldProblem[] {
  return problem === null ? [] : [{ field: 'url', message: problem }];
}

let defaultRegistry: ProbeRegistry | undefined;

/** The checks of `ProbeRegistry.validate` without building a registry (config loading). */
export function validateProbeSettings(kind: MonitorKind, settings: Settings): FieldProblem[] {
  defaultRegistry ??= createProbeRegistry();
  return defaultRegistry.validate(kind, settings);
}
