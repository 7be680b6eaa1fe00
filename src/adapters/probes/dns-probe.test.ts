import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedUdpPort, startDnsServer, type LocalDnsServer } from '../../../test/support/dns-server.js';
import { createDnsProbe, validateDnsProbeSpec, type DnsProbeSpec } from './dns-probe.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';

let server: LocalDnsServer;
beforeAll(async () => {
  server = await startDnsServer({
    'example.internal': {
      A: ['127.0.0.1', '127.0.0.2'],
      AAAA: ['::1', 'fd00::53'],
      MX: [
        { priority: 20, exchange: 'mx2.example.internal' },
        { priority: 10, exchange: 'mx1.example.internal' },
      ],
      TXT: ['v=spf1 -all', ['part one, ', 'part two']],
      NS: ['ns1.example.internal', 'ns2.example.internal'],
    },
    'www.example.internal': { CNAME: 'example.internal' },
    'v4only.example.internal': { A: ['127.0.0.9'] },
    'servfail.example.internal': { rcode: 'SERVFAIL' },
    'refused.example.internal': { rcode: 'REFUSED' },
    'hang.example.internal': { behaviour: 'hang' },
    'garbage.example.internal': { behaviour: 'garbage' },
    'slow.example.internal': { A: ['127.0.0.1'], delayMs: 150 },
  });
});
afterAll(() => server.close());

const probe = createDnsProbe();
const check = (spec: Partial<DnsProbeSpec>) =>
  probe.check({ hostname: 'example.internal', resolver: server.address, ...spec }, AbortSignal.timeout(5_000));

/** The message without its ` (3 ms)` suffix, after checking the suffix is there. */
function withoutLatency(message: string): string {
  expect(message).toMatch(/ \(\d+ ms\)$/);
  return message.replace(/ \(\d+ ms\)$/, '');
}

describe('dns probe', () => {
  it.each([
    ['A', 'example.internal', 'A example.internal -> 127.0.0.1, 127.0.0.2', ['127.0.0.1', '127.0.0.2']],
    ['AAAA', 'example.internal', 'AAAA example.internal -> ::1, fd00::53', ['::1', 'fd00::53']],
    ['CNAME', 'www.example.internal', 'CNAME www.example.internal -> example.internal', ['example.internal']],
    ['MX', 'example.internal', 'MX example.internal -> 10 mx1.example.internal, 20 mx2.example.internal', ['10 mx1.example.internal', '20 mx2.example.internal']],
    ['TXT', 'example.internal', 'TXT example.internal -> "v=spf1 -all", "part one, part two"', ['v=spf1 -all', 'part one, part two']],
    ['NS', 'example.internal', 'NS example.internal -> ns1.example.internal, ns2.example.internal', ['ns1.example.internal', 'ns2.example.internal']],
  ] as const)('is up with the %s records of %s', async (recordType, hostname, message, records) => {
    const result = await check({ hostname, recordType });
    expect(result).toMatchObject({ status: 'up', details: { records } });
    expect(withoutLatency(result.message)).toBe(message);
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(result.timings?.dnsMs).toBeGreaterThan(0);
    expect(result.timings?.totalMs).toBe(result.latencyMs);
  });

  it('queries A by default and follows a CNAME to its addresses', async () => {
    const result = await check({ hostname: 'www.example.internal' });
    expect(withoutLatency(result.message)).toBe('A www.example.internal -> 127.0.0.1, 127.0.0.2');
  });

  it('asks the server on every check instead of answering from a cache', async () => {
    const before = server.queries;
    await check({});
    await check({});
    expect(server.queries - before).toBe(2);
  });

  it.each([
    ['A', ['127.0.0.2']],
    ['AAAA', ['0:0:0:0:0:0:0:1', 'FD00::53']],
    ['CNAME', ['Example.Internal.']],
    ['MX', ['mx2.EXAMPLE.internal.', '10 mx1.example.internal']],
    ['TXT', ['part one, part two']],
    ['NS', ['NS1.example.internal.']],
  ] as const)('is up when the expected %s values %j are in the answer', async (recordType, expectedValues) => {
    const hostname = recordType === 'CNAME' ? 'www.example.internal' : 'example.internal';
    expect(await check({ hostname, recordType, expectedValues: [...expectedValues] })).toMatchObject({ status: 'up' });
  });

  it.each([
    ['A', ['127.0.0.1', '10.0.0.9'], 'expected 10.0.0.9 not in answer (got 127.0.0.1, 127.0.0.2)'],
    ['MX', ['30 mx2.example.internal', 'mx3.example.internal'], 'expected 30 mx2.example.internal, mx3.example.internal not in answer (got 10 mx1.example.internal, 20 mx2.example.internal)'],
    ['TXT', ['V=SPF1 -ALL'], 'expected V=SPF1 -ALL not in answer (got "v=spf1 -all", "part one, part two")'],
  ] as const)('is down when an expected %s value is missing', async (recordType, expectedValues, message) => {
    const result = await check({ recordType, expectedValues: [...expectedValues] });
    expect(result).toMatchObject({ status: 'down', message });
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it.each([
    ['nope.example.internal', 'A', 'nope.example.internal: no such name (NXDOMAIN) from SERVER'],
    ['v4only.example.internal', 'AAAA', 'v4only.example.internal: no AAAA records (NODATA) from SERVER'],
    ['servfail.example.internal', 'A', 'servfail.example.internal: server failure (SERVFAIL) from SERVER'],
    ['refused.example.internal', 'MX', 'refused.example.internal: query refused (REFUSED) by SERVER'],
  ] as const)('is down when the server answers %s %s with an error', async (hostname, recordType, message) => {
    const result = await check({ hostname, recordType });
    expect(result).toMatchObject({ status: 'down', message: message.replace('SERVER', server.address) });
    // The server did answer, so how fast it did is worth keeping.
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('is down with a malformed response', async () => {
    expect(await check({ hostname: 'garbage.example.internal' })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `garbage.example.internal: malformed response from ${server.address}`,
    });
  });

  it('settles at the monitor timeout when the server never answers', async () => {
    const startedAt = performance.now();
    const result = await probe.check({ hostname: 'hang.example.internal', resolver: server.address }, createProbeTimeoutSignal(300));
    expect(result).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `timed out after 300 ms (no answer for A hang.example.internal from ${server.address})`,
    });
    expect(performance.now() - startedAt).toBeLessThan(300 + 200);
  });

  it('is down at once when nothing listens on the resolver port', async () => {
    const port = await closedUdpPort();
    const startedAt = performance.now();
    // Linux reports the ICMP port-unreachable to c-ares, which fails the query instead of waiting.
    expect(await check({ resolver: `127.0.0.1:${port}` })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `example.internal: connection refused by 127.0.0.1:${port}`,
    });
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });

  it.each([
    ['dns.example', 'invalid spec: resolver: must be an IP address with an optional port, like 127.0.0.1, 127.0.0.1:5353 or [::1]:5353, got "dns.example"'],
    // Resolver.setServers would abort the whole process on port 0.
    ['127.0.0.1:0', 'invalid spec: resolver: port must be from 1 to 65535, got 0 in "127.0.0.1:0"'],
  ])('is down without querying when the resolver is %s', async (resolver, message) => {
    const before = server.queries;
    expect(await check({ resolver })).toMatchObject({ status: 'down', latencyMs: null, message });
    expect(server.queries).toBe(before);
  });

  it('is degraded when the answer is slower than max_latency_ms', async () => {
    const result = await check({ hostname: 'slow.example.internal', maxLatencyMs: 50 });
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^slow response: \d+ ms \(max 50 ms\); A slow\.example\.internal -> 127\.0\.0\.1$/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(150);
    expect(await check({ hostname: 'slow.example.internal', maxLatencyMs: 5_000 })).toMatchObject({ status: 'up' });
  });
});

describe('validateDnsProbeSpec', () => {
  const valid: DnsProbeSpec = { hostname: '_dmarc.example.internal.', recordType: 'TXT', resolver: '[::1]:5353', expectedValues: ['v=DMARC1'], maxLatencyMs: 250 };

  it.each([
    [{}],
    [{ resolver: '127.0.0.1' }],
    [{ resolver: '127.0.0.1:53' }],
    [{ resolver: '::1' }],
    [{ resolver: '[fd00::53]' }],
    [{ recordType: 'AAAA', expectedValues: ['::1'] }],
  ] as const)('accepts %j', (overrides) => {
    expect(validateDnsProbeSpec({ ...valid, ...overrides } as DnsProbeSpec)).toEqual([]);
  });

  it.each([
    [{ hostname: '' }, 'hostname', 'must be a DNS name like example.internal'],
    [{ hostname: 'bad name!' }, 'hostname', `must be a DNS name like example.internal (letters, digits, '-' and '_' between dots), got "bad name!"`],
    [{ hostname: 'a..example' }, 'hostname', `must be a DNS name like example.internal (letters, digits, '-' and '_' between dots), got "a..example"`],
    [{ hostname: `${'x'.repeat(64)}.example` }, 'hostname', 'label "xxxxxxxxxxxxxxxxxxxx..." is longer than 63 characters'],
    [{ recordType: 'SRV' }, 'record_type', 'must be one of A, AAAA, CNAME, MX, TXT, NS, got "SRV"'],
    [{ resolver: 'dns.example:53' }, 'resolver', 'must be an IP address with an optional port, like 127.0.0.1, 127.0.0.1:5353 or [::1]:5353, got "dns.example:53"'],
    [{ resolver: '::1:5353:' }, 'resolver', 'must be an IP address with an optional port, like 127.0.0.1, 127.0.0.1:5353 or [::1]:5353, got "::1:5353:"'],
    [{ resolver: '127.0.0.1:70000' }, 'resolver', 'port must be from 1 to 65535, got 70000 in "127.0.0.1:70000"'],
    [{ recordType: 'A', expectedValues: ['127.0.0.1', 'localhost'] }, 'expected_values[1]', 'must be an IPv4 address for record_type A, got "localhost"'],
    [{ expectedValues: [''] }, 'expected_values[0]', 'must be a non-empty string'],
    [{ maxLatencyMs: 0 }, 'max_latency_ms', 'must be a positive number of milliseconds, got 0'],
    [{ maxLatencyMs: -5 }, 'max_latency_ms', 'must be a positive number of milliseconds, got -5'],
  ])('rejects %j', (overrides, field, message) => {
    expect(validateDnsProbeSpec({ ...valid, ...overrides } as DnsProbeSpec)).toEqual([{ field, message }]);
  });

  it('names every problem at once', () => {
    const problems = validateDnsProbeSpec({ hostname: 'bad name', recordType: 'PTR' as never, resolver: 'x', maxLatencyMs: 0 });
    expect(problems.map((problem) => problem.field)).toEqual(['hostname', 'record_type', 'resolver', 'max_latency_ms']);
  });
});
