// Contract cases every HTTP notifier passes against its local receiver: a good request in the
// channel's documented shape, the Idempotency-Key header, and the mapping of receiver answers
// (500, 429 + Retry-After, 400, 401, no answer, refused connection) to delivery results.
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver, type ReceiverChannel, type ReceiverOptions } from '../../../test/support/notification-receivers.js';
import { buildOne, send } from './notifier-builders.contract.js';

export interface HttpNotifierCase {
  key: string;
  channel: ReceiverChannel;
  /** The config entry pointing at `url`. */
  entry(url: string): Mapping;
  receiverOptions?: ReceiverOptions;
  /** Method of the first request (default POST; WeChat fetches its token with a GET). */
  firstMethod?: 'GET' | 'POST';
  /** Requests one firing notification makes (default 1; Jira searches, then creates). */
  requestsPerSend?: number;
  /** Called with each new receiver's URL (a stateful stand-in resets itself). */
  onReceiver?(url: string): void;
}

export function registerHttpNotifierCases(testCase: HttpNotifierCase): void {
  describe(`${testCase.key}: HTTP delivery contract`, () => {
    const servers = createLocalServers();
    afterEach(() => servers.closeAll());

    async function setUp(timeoutMs = 5_000) {
      const receiver = await startNotificationReceiver(servers, testCase.channel, testCase.receiverOptions);
      testCase.onReceiver?.(receiver.url);
      const built = buildOne(testCase.key, testCase.entry(receiver.url), { timeoutMs });
      return { receiver, built };
    }

    it('delivers a firing notification in the documented shape with an Idempotency-Key', async () => {
      const { receiver, built } = await setUp();
      const result = await send(built);
      const count = testCase.requestsPerSend ?? 1;
      expect(receiver.requests.map((request) => request.problems)).toEqual(Array.from({ length: count }, () => []));
      expect(result).toMatchObject({ ok: true });
      expect(receiver.requests).toHaveLength(count);
      expect(receiver.requests[0]?.method).toBe(testCase.firstMethod ?? 'POST');
      for (const request of receiver.requests) {
        expect(request.headers['idempotency-key']).toMatch(/^ntf-0001-a/);
        expect(request.headers['user-agent']).toBe('sre-monitor/test');
      }
    });

    it.each([
      [500, {}, { retryable: true, reason: 'server', status: 500 }],
      [503, { 'retry-after': '30' }, { retryable: true, reason: 'server', status: 503, retryAfterMs: 30_000 }],
      [429, { 'retry-after': '120' }, { retryable: true, reason: 'rate_limited', status: 429, retryAfterMs: 120_000 }],
      [400, {}, { retryable: false, reason: 'client', status: 400 }],
      [404, {}, { retryable: false, reason: 'client', status: 404 }],
      [401, {}, { retryable: false, reason: 'auth', status: 401 }],
      [403, {}, { retryable: false, reason: 'auth', status: 403 }],
    ])('maps HTTP %i to %o', async (status, headers, expected) => {
      const { receiver, built } = await setUp();
      receiver.reply({ status, headers, body: 'receiver says no' });
      const result = await send(built);
      expect(result).toMatchObject({ ok: false, ...expected });
      expect(result.ok ? '' : result.message).toContain(`HTTP ${status}`);
      expect(result.ok ? '' : result.message).toContain('receiver says no');
    });

    it('reads Retry-After given as an HTTP date against the clock', async () => {
      const { receiver, built } = await setUp();
      receiver.reply({ status: 429, headers: { 'retry-after': new Date(built.clock.nowMs() + 90_000).toUTCString() } });
      expect(await send(built)).toMatchObject({ ok: false, reason: 'rate_limited', retryAfterMs: 90_000 });
    });

    it('reports an abort while the receiver has not answered as a retryable timeout', async () => {
      const { receiver, built } = await setUp();
      receiver.reply({ hang: true });
      const controller = new AbortController();
      const pending = send(built, undefined, controller.signal);
      await receiver.waitForRequests(1);
      controller.abort();
      expect(await pending).toMatchObject({ ok: false, retryable: true, reason: 'timeout' });
    });

    it('gives up after timeoutMs when the receiver never answers', async () => {
      const { receiver, built } = await setUp(150);
      receiver.reply({ hang: true });
      expect(await send(built)).toMatchObject({ ok: false, retryable: true, reason: 'timeout', message: expect.stringContaining('150 ms') as unknown });
    });

    it('reports a refused connection as a retryable network failure without leaking the URL path', async () => {
      const port = await closedPort(createServer);
      const built = buildOne(testCase.key, testCase.entry(`http://127.0.0.1:${port}/secret-token-path`));
      const result = await send(built);
      expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network' });
      expect(result.ok ? '' : result.message).toContain('ECONNREFUSED');
      expect(result.ok ? '' : result.message).not.toContain('secret-token-path');
    });
  });
}
