/**
 * `http_config.oauth2` (client credentials) against a real token endpoint and a real receiver on
 * 127.0.0.1: the token request's form and Basic credentials, one token shared by sends until
 * shortly before it expires, a new one after a 401, token endpoint failures classified (5xx
 * retried, 4xx not), and bad settings reported with the field named.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { buildReceiverNotifiers } from './index.js';
import { buildOne, send } from './notifier-builders.contract.js';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

async function serve(handler: (seen: Seen, respond: (status: number, body: string) => void) => void): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const entry = { headers: request.headers, body };
      seen.push(entry);
      handler(entry, (status, text) => response.writeHead(status, { 'content-type': 'application/json' }).end(text));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('http_config.oauth2 (client credentials)', () => {
  let tokens: Awaited<ReturnType<typeof serve>>;
  let receiver: Awaited<ReturnType<typeof serve>>;
  /** `raw`: the answer's body as is, instead of `body` with a fresh access_token. */
  let tokenAnswer: { status: number; body: Record<string, unknown>; raw?: string };
  let issued = 0;
  let receiverStatus = 200;

  beforeAll(async () => {
    tokens = await serve((_seen, respond) => {
      issued += 1;
      const body = tokenAnswer.status === 200 ? { ...tokenAnswer.body, access_token: `token-${issued}` } : tokenAnswer.body;
      respond(tokenAnswer.status, tokenAnswer.raw ?? JSON.stringify(body));
    });
    receiver = await serve((_seen, respond) => respond(receiverStatus, '{}'));
  });
  afterAll(async () => {
    await Promise.all([tokens.server, receiver.server].map((server) => new Promise((resolve) => server.close(resolve))));
  });
  beforeEach(() => {
    tokenAnswer = { status: 200, body: { token_type: 'bearer', expires_in: 3600 } };
    receiverStatus = 200;
    tokens.seen.length = 0;
    receiver.seen.length = 0;
  });

  const entry = (oauth2: Record<string, unknown> = {}) => ({
    url: `${receiver.url}/hook`,
    http_config: { oauth2: { client_id: 'sre monitor', client_secret: 's3cr:t', token_url: `${tokens.url}/oauth/token`, scopes: ['alerts.write', 'read'], endpoint_params: { audience: 'hooks' }, ...oauth2 } },
  });

  it('asks for a token with Basic client credentials and the form, then sends it as Bearer, once for several sends', async () => {
    const built = buildOne('webhook_configs', entry());
    const results = await Promise.all([send(built), send(built), send(built)]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
    expect(tokens.seen).toHaveLength(1);
    const request = tokens.seen[0]!;
    // Id and secret are form-encoded before Basic (RFC 6749 §2.3.1): "sre monitor" -> "sre+monitor", ":" -> "%3A".
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('sre+monitor:s3cr%3At').toString('base64')}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({ grant_type: 'client_credentials', scope: 'alerts.write read', audience: 'hooks' });
    expect(receiver.seen.map((seen) => seen.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
  });

  it('renews the token 10 s before it expires, and after the receiver answered 401', async () => {
    tokenAnswer = { status: 200, body: { expires_in: 60 } };
    const built = buildOne('webhook_configs', entry());
    await send(built);
    built.clock.advanceMs(49_000);
    await send(built);
    built.clock.advanceMs(1_000);
    await send(built);
    expect(tokens.seen).toHaveLength(2);
    receiverStatus = 401;
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'auth' });
    receiverStatus = 200;
    await send(built);
    expect(tokens.seen).toHaveLength(3);
    const used = receiver.seen.map((seen) => seen.headers.authorization);
    expect(new Set(used.slice(0, 2)).size).toBe(1);
    expect(used[2]).not.toBe(used[1]);
    expect(used[4]).not.toBe(used[3]);
  });

  it('retries when the token endpoint fails on its side, not when it refuses the client; the receiver is never called', async () => {
    const built = buildOne('webhook_configs', entry());
    tokenAnswer = { status: 503, body: {} };
    expect(await send(built)).toMatchObject({ ok: false, retryable: true, reason: 'server', message: expect.stringContaining('HTTP 503') as unknown });
    tokenAnswer = { status: 401, body: { error: 'invalid_client' } };
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'auth', message: expect.stringContaining('invalid_client') as unknown });
    tokenAnswer = { status: 200, body: {}, raw: '{"token_type":"bearer"}' };
    const noToken = buildOne('webhook_configs', entry());
    expect(await send(noToken)).toMatchObject({ ok: false, retryable: false, reason: 'auth', message: expect.stringContaining('without an access_token') as unknown });
    expect(receiver.seen).toHaveLength(0);
    const unreachable = buildOne('webhook_configs', entry({ token_url: 'http://127.0.0.1:1/token' }));
    expect(await send(unreachable)).toMatchObject({ ok: false, retryable: true, reason: 'network' });
  });

  it('reports bad oauth2 settings with the field named', () => {
    const problems = (http: Record<string, unknown>) =>
      buildReceiverNotifiers([{ name: 'r', integrations: { webhook_configs: [{ url: 'http://127.0.0.1:1/x', http_config: http }] } }], { timeoutMs: 1000, clock: createManualClock(), userAgent: 't' }).problems.map((problem) => [problem.path.join('.'), problem.message]);
    const at = (key: string) => `receivers.0.webhook_configs.0.http_config${key}`;
    expect(problems({ oauth2: { client_id: 'a', client_secret: 'b' } })).toEqual([[at('.oauth2'), 'oauth2 needs a token_url']]);
    expect(problems({ oauth2: { client_id: 'a', client_secret: 'b', token_url: 'ftp://x/token' } })).toEqual([[at('.oauth2.token_url'), expect.stringContaining('http:// or https://') as unknown]]);
    expect(problems({ oauth2: { client_id: 'a', token_url: 'http://127.0.0.1:1/t' } })).toEqual([[at('.oauth2'), expect.stringContaining('missing client_secret') as unknown]]);
    expect(problems({ oauth2: { client_id: 'a', client_secret: 'b', token_url: 'http://127.0.0.1:1/t', tls_config: {} } })).toEqual([[at('.oauth2.tls_config'), 'not supported by sre-monitor yet']]);
    expect(problems({ bearer_token: 'x', oauth2: { client_id: 'a', client_secret: 'b', token_url: 'http://127.0.0.1:1/t' } })).toEqual([[at(''), expect.stringContaining('at most one of') as unknown]]);
    expect(problems({ oauth2: { client_id: 'a', client_secret: 'b', token_url: 'http://127.0.0.1:1/t', scope: ['x'] } })[0]?.[0]).toBe(at('.oauth2.scope'));
  });
});
