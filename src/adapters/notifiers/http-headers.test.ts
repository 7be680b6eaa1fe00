/**
 * `http_config.http_headers` against a real receiver on 127.0.0.1: values, secrets and files
 * arrive on every request (a file is read at each send), the channel's own headers cannot be
 * replaced, a missing file fails the send as a config problem, and bad settings are problems
 * naming the field.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { buildReceiverNotifiers } from './index.js';
import { baseNotification, buildOne, send } from './notifier-builders.contract.js';

describe('http_config.http_headers', () => {
  let server: Server;
  let url: string;
  let directory: string;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-headers-'));
    server = createServer((request, response) => {
      seen.push(request.headers);
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it('sends values, secrets and file contents (read at each send) with every request', async () => {
    const tokenFile = path.join(directory, 'tenant-token');
    await writeFile(tokenFile, 'first-token\n');
    const built = buildOne('webhook_configs', {
      url,
      http_config: {
        http_headers: {
          'X-Scope-OrgID': { values: ['team-a', 'team-b'] },
          'X-Api-Key': { secrets: ['s3cr3t'] },
          'X-Tenant-Token': { files: [tokenFile] },
          'X-Empty': {},
        },
      },
    });
    expect(await send(built)).toMatchObject({ ok: true });
    await writeFile(tokenFile, 'rotated-token');
    expect(await send(built)).toMatchObject({ ok: true });
    const [first, second] = seen.slice(-2);
    expect(first).toMatchObject({ 'x-scope-orgid': 'team-a, team-b', 'x-api-key': 's3cr3t', 'x-tenant-token': 'first-token' });
    expect(first?.['x-empty']).toBeUndefined();
    expect(second?.['x-tenant-token']).toBe('rotated-token');
    // The channel's own headers are still there and its own.
    expect(first).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'sre-monitor/test' });
    expect(first?.['idempotency-key']).toEqual(expect.any(String));
  });

  it('applies global.http_config headers to entries without their own http_config', async () => {
    const built = buildReceiverNotifiers([{ name: 'r', integrations: { webhook_configs: [{ url }] } }], {
      timeoutMs: 5_000,
      clock: createManualClock(),
      userAgent: 't',
      global: { http_config: { http_headers: { 'X-Global': { values: ['yes'] } } } },
    });
    expect(built.problems).toEqual([]);
    const integration = built.integrations.get('r')?.[0];
    const notification = baseNotification();
    expect(await integration?.notifier.send({ ...notification, integration: integration.ref }, { signal: new AbortController().signal })).toMatchObject({ ok: true });
    expect(seen.at(-1)?.['x-global']).toBe('yes');
  });

  it('fails the send as a config problem (not retried) when a header file is missing', async () => {
    const built = buildOne('webhook_configs', { url, http_config: { http_headers: { 'X-Token': { files: [path.join(directory, 'missing')] } } } });
    const before = seen.length;
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('x-token') as unknown });
    expect(seen).toHaveLength(before);
  });

  it('refuses reserved, duplicate and malformed headers and unknown fields, naming the field', () => {
    const problems = (headers: unknown) =>
      buildReceiverNotifiers([{ name: 'r', integrations: { webhook_configs: [{ url: 'http://127.0.0.1:1/x', http_config: { http_headers: headers } }] } }], { timeoutMs: 1000, clock: createManualClock(), userAgent: 't' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
    const at = (key: string) => `receivers.0.webhook_configs.0.http_config.http_headers.${key}`;
    expect(problems({ Authorization: { values: ['Bearer x'] } })).toEqual([[at('Authorization'), expect.stringContaining('not allowed') as unknown]]);
    expect(problems({ 'idempotency-key': { values: ['x'] } })).toEqual([[at('idempotency-key'), expect.stringContaining('not allowed') as unknown]]);
    expect(problems({ 'X-A': { values: ['1'] }, 'x-a': { values: ['2'] } })).toEqual([[at('x-a'), expect.stringContaining('more than once') as unknown]]);
    expect(problems({ 'Bad Name': { values: ['1'] } })).toEqual([[at('Bad Name'), 'is not a valid HTTP header name']]);
    expect(problems({ 'X-A': { value: ['1'] } })).toEqual([[at('X-A.value'), expect.stringContaining('unknown field') as unknown]]);
    expect(problems({ 'X-A': { values: ['a\r\nInjected: 1'] } })).toEqual([[at('X-A.values.0'), 'must not contain a line break']]);
    expect(problems({ 'X-A': { values: 'one' } })[0]?.[0]).toBe(at('X-A.values'));
    expect(problems('X-A: 1')[0]?.[0]).toBe('receivers.0.webhook_configs.0.http_config.http_headers');
  });
});
