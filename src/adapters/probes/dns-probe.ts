/**
 * The `dns` monitor kind: one query for one record type, to the system resolvers or to a given
 * server, optionally checking that expected values are in the answer. An answer is up; NXDOMAIN,
 * no records of the type, SERVFAIL, REFUSED, a malformed reply, no answer at all, or a missing
 * expected value is down; an answer slower than `maxLatencyMs` is degraded.
 */
import { promises as dns } from 'node:dns';
import { isIP, SocketAddress } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FieldProblem } from '../../core/errors.js';
import type { Probe, ProbeResult, ProbeTimings } from '../../core/monitors/probe.js';
import { describeNetworkError } from './probe-errors.js';
import { describeTimeout } from './probe-timeout.js';
import { runAttempt } from './settle-once.js';

export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS';

export const DNS_RECORD_TYPES: readonly DnsRecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'];

export interface DnsProbeSpec {
  /** Name to resolve, e.g. `example.internal`. */
  hostname: string;
  /** Default 'A'. */
  recordType?: DnsRecordType;
  /** Resolver `host` or `host:port` (IPv6 as `[::1]:5353`); default the system resolvers. */
  resolver?: string;
  /**
   * Values that must all be present in the answer (A: addresses, MX: exchange names or
   * `10 mx.example.`, TXT: the joined strings, CNAME/NS: names). Names compare
   * case-insensitively and without a trailing dot; TXT compares exactly.
   */
  expectedValues?: string[];
  /** Above this latency in ms the result is `degraded`. */
  maxLatencyMs?: number;
}

export function createDnsProbe(): Probe<DnsProbeSpec> {
  return { kind: 'dns', check: checkDns };
}

/**
 * c-ares needs a per-query timeout of its own; the monitor's abort signal is the real one and
 * cancels the query long before this backstop, which only keeps a query from living forever.
 */
const RESOLVER_TIMEOUT_MS = 30_000;
/** Records named in an `up` message; all of them are in `details.records`. */
const MESSAGE_MAX_RECORDS = 5;

function checkDns(spec: DnsProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
  const startAt = performance.now();
  let answeredAt: number | null = null;
  const recordType = spec.recordType ?? 'A';
  let servers = 'the system resolvers';
  const timings = (): ProbeTimings => {
    const result: ProbeTimings = { totalMs: round(performance.now() - startAt) };
    if (answeredAt !== null) result.dnsMs = round(answeredAt - startAt);
    return result;
  };
  const down = (message: string): ProbeResult => ({ status: 'down', latencyMs: null, message, timings: timings() });
  const onAbort = (): ProbeResult =>
    down(describeTimeout(signal, performance.now() - startAt, `no answer for ${recordType} ${spec.hostname} from ${servers}`));

  return runAttempt<ProbeResult>(signal, { onAbort, onThrow: (error) => down(describeNetworkError(error)) }, (attempt) => {
    // Checked here too, not only at config load: c-ares aborts the whole process on port 0.
    const problems = validateDnsProbeSpec(spec);
    if (problems.length > 0) {
      attempt.settle(down(`invalid spec: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`));
      return;
    }
    // A fresh resolver per attempt: c-ares caches answers per channel, and a cached answer
    // would say nothing about the server now.
    const resolver = new dns.Resolver({ timeout: RESOLVER_TIMEOUT_MS, tries: 1 });
    if (spec.resolver !== undefined) {
      const parsed = parseResolverAddress(spec.resolver);
      if ('server' in parsed) resolver.setServers([parsed.server]);
    }
    servers = resolver.getServers().join(', ') || 'no configured resolver';
    attempt.onCleanup(() => resolver.cancel());
    queryRecords(resolver, spec.hostname, recordType).then(
      (records) => {
        answeredAt = performance.now();
        attempt.settle(judgeAnswer(spec, recordType, records, timings()));
      },
      (error: unknown) => {
        answeredAt = performance.now();
        const measured = timings();
        const { message, answered } = describeDnsError(error, spec.hostname, recordType, servers);
        attempt.settle({ status: 'down', latencyMs: answered ? measured.totalMs : null, message, timings: measured });
      },
    );
  });
}

/** The answer as display strings: addresses, names, `10 mx.example`, joined TXT strings. */
async function queryRecords(resolver: dns.Resolver, hostname: string, recordType: DnsRecordType): Promise<string[]> {
  switch (recordType) {
    case 'A':
      return resolver.resolve4(hostname);
    case 'AAAA':
      return resolver.resolve6(hostname);
    case 'CNAME':
      return resolver.resolveCname(hostname);
    case 'NS':
      return resolver.resolveNs(hostname);
    case 'MX': {
      const exchanges = await resolver.resolveMx(hostname);
      return exchanges.sort((a, b) => a.priority - b.priority).map((mx) => `${mx.priority} ${mx.exchange}`);
    }
    case 'TXT':
      // A TXT record is split into strings of at most 255 bytes; users think of it as one value.
      return (await resolver.resolveTxt(hostname)).map((chunks) => chunks.join(''));
  }
}

function judgeAnswer(spec: DnsProbeSpec, recordType: DnsRecordType, records: string[], timings: ProbeTimings): ProbeResult {
  const latencyMs = timings.totalMs;
  const details = { records };
  const got = formatRecords(recordType, records);
  const missing = missingValues(recordType, spec.expectedValues ?? [], records);
  if (missing.length > 0) {
    return { status: 'down', latencyMs, message: `expected ${missing.join(', ')} not in answer (got ${got})`, timings, details };
  }
  const answer = `${recordType} ${spec.hostname} -> ${got}`;
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    const message = `slow response: ${Math.round(latencyMs)} ms (max ${spec.maxLatencyMs} ms); ${answer}`;
    return { status: 'degraded', latencyMs, message, timings, details };
  }
  return { status: 'up', latencyMs, message: `${answer} (${Math.round(latencyMs)} ms)`, timings, details };
}

function formatRecords(recordType: DnsRecordType, records: string[]): string {
  if (records.length === 0) return 'nothing';
  const shown = records.slice(0, MESSAGE_MAX_RECORDS).map((record) => {
    if (recordType !== 'TXT') return record;
    return JSON.stringify(record.length > 60 ? `${record.slice(0, 57)}...` : record);
  });
  const more = records.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function missingValues(recordType: DnsRecordType, expected: string[], records: string[]): string[] {
  const answer = new Set(records.map((record) => canonicalValue(recordType, record)));
  // `mx.example` alone matches an MX record of any priority.
  if (recordType === 'MX') for (const record of records) answer.add(canonicalName(record.replace(/^\d+\s+/, '')));
  return expected.filter((value) => !answer.has(canonicalValue(recordType, value)));
}

function canonicalValue(recordType: DnsRecordType, value: string): string {
  switch (recordType) {
    case 'A':
    case 'AAAA': {
      const address = value.trim();
      const family = isIP(address);
      // Node answers IPv6 in compressed form; `0:0:0:0:0:0:0:1` must match `::1`.
      return family === 0 ? address : new SocketAddress({ address, family: family === 6 ? 'ipv6' : 'ipv4' }).address;
    }
    case 'MX': {
      const match = /^(\d+)\s+(\S+)$/.exec(value.trim());
      return match?.[1] !== undefined && match[2] !== undefined ? `${Number(match[1])} ${canonicalName(match[2])}` : canonicalName(value);
    }
    case 'TXT':
      return value;
    case 'CNAME':
    case 'NS':
      return canonicalName(value);
  }
}

function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Names the DNS outcome; `answered` when a DNS server gave a real answer, so latency means something. */
function describeDnsError(error: unknown, hostname: string, recordType: DnsRecordType, servers: string): { message: string; answered: boolean } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  const answered = (text: string): { message: string; answered: boolean } => ({ message: `${hostname}: ${text}`, answered: true });
  const failed = (text: string): { message: string; answered: boolean } => ({ message: `${hostname}: ${text}`, answered: false });
  switch (code) {
    case dns.NOTFOUND:
      return answered(`no such name (NXDOMAIN) from ${servers}`);
    case dns.NODATA:
      return answered(`no ${recordType} records (NODATA) from ${servers}`);
    case dns.SERVFAIL:
      return answered(`server failure (SERVFAIL) from ${servers}`);
    case dns.REFUSED:
      return answered(`query refused (REFUSED) by ${servers}`);
    case dns.FORMERR:
      return answered(`query rejected as malformed (FORMERR) by ${servers}`);
    case dns.NOTIMP:
      return answered(`query not implemented (NOTIMP) by ${servers}`);
    case dns.BADRESP:
      return failed(`malformed response from ${servers}`);
    case dns.CONNREFUSED:
      return failed(`connection refused by ${servers}`);
    case dns.TIMEOUT:
      return failed(`no answer from ${servers} within ${RESOLVER_TIMEOUT_MS} ms`);
    default:
      return failed(`${describeNetworkError(error)} (${servers})`);
  }
}

/**
 * Problems with a spec from config or the API, fields named as in config. Also run before every
 * attempt, so a spec that skipped validation still never reaches c-ares malformed.
 */
export function validateDnsProbeSpec(spec: DnsProbeSpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const hostnameProblem = checkHostname(spec.hostname);
  if (hostnameProblem !== null) problems.push({ field: 'hostname', message: hostnameProblem });
  const recordType = spec.recordType ?? 'A';
  if (!DNS_RECORD_TYPES.includes(recordType)) {
    problems.push({ field: 'record_type', message: `must be one of ${DNS_RECORD_TYPES.join(', ')}, got ${JSON.stringify(recordType)}` });
  }
  if (spec.resolver !== undefined) {
    const parsed = parseResolverAddress(spec.resolver);
    if ('problem' in parsed) problems.push({ field: 'resolver', message: parsed.problem });
  }
  if (spec.expectedValues !== undefined) {
    if (!Array.isArray(spec.expectedValues)) problems.push({ field: 'expected_values', message: 'must be a list of strings' });
    else spec.expectedValues.forEach((value, index) => {
      const problem = checkExpectedValue(recordType, value);
      if (problem !== null) problems.push({ field: `expected_values[${index}]`, message: problem });
    });
  }
  const maxLatencyMs = spec.maxLatencyMs;
  if (maxLatencyMs !== undefined && !(typeof maxLatencyMs === 'number' && Number.isFinite(maxLatencyMs) && maxLatencyMs > 0)) {
    problems.push({ field: 'max_latency_ms', message: `must be a positive number of milliseconds, got ${JSON.stringify(maxLatencyMs)}` });
  }
  return problems;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** Letters, digits, `-` and `_` (for names like `_dmarc.example.com`), labels of 1-63, at most 253 in all. */
function checkHostname(hostname: unknown): string | null {
  if (typeof hostname !== 'string' || hostname.trim() === '') return 'must be a DNS name like example.internal';
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name.length > 253) return `must be at most 253 characters, got ${name.length}`;
  const badLabel = name.split('.').find((label) => !LABEL.test(label));
  if (badLabel === undefined) return null;
  if (badLabel.length > 63) return `label ${JSON.stringify(`${badLabel.slice(0, 20)}...`)} is longer than 63 characters`;
  return `must be a DNS name like example.internal (letters, digits, '-' and '_' between dots), got ${JSON.stringify(hostname)}`;
}

function checkExpectedValue(recordType: DnsRecordType, value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
  if (recordType === 'A' && isIP(value.trim()) !== 4) return `must be an IPv4 address for record_type A, got ${JSON.stringify(value)}`;
  if (recordType === 'AAAA' && isIP(value.trim()) !== 6) return `must be an IPv6 address for record_type AAAA, got ${JSON.stringify(value)}`;
  return null;
}

/**
 * `127.0.0.1`, `127.0.0.1:5353`, `::1` or `[::1]:5353` as the string `Resolver.setServers` takes.
 * Checked here because setServers takes a port above 65535 modulo 65536 and aborts the process
 * on port 0, and it needs an IP address: c-ares does not resolve the resolver's own name.
 */
function parseResolverAddress(value: string): { server: string } | { problem: string } {
  const invalid = {
    problem: `must be an IP address with an optional port, like 127.0.0.1, 127.0.0.1:5353 or [::1]:5353, got ${JSON.stringify(value)}`,
  };
  if (typeof value !== 'string') return invalid;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(value);
  let host: string;
  let port: string | undefined;
  if (bracketed?.[1] !== undefined) [host, port] = [bracketed[1], bracketed[2]];
  else if (isIP(value) === 6) host = value;
  else if (plain?.[1] !== undefined && isIP(plain[1]) === 4) [host, port] = [plain[1], plain[2]];
  else return invalid;
  const family = isIP(host);
  if (family === 0) return invalid;
  if (port === undefined) return { server: host };
  const portNumber = Number(port);
  if (portNumber < 1 || portNumber > 65535) return { problem: `port must be from 1 to 65535, got ${port} in ${JSON.stringify(value)}` };
  return { server: family === 6 ? `[${host}]:${portNumber}` : `${host}:${portNumber}` };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
