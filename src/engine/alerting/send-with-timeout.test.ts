import { describe, expect, it } from 'vitest';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { notification } from '../../../test/support/outbox-harness.js';
import type { DeliveryResult, Notifier } from '../../core/alerting/notification.js';
import { sendWithTimeout } from './send-with-timeout.js';

const notifierOf = (send: Notifier['send']): Notifier => ({ key: 'webhook_configs', sendResolved: true, send });

describe('sendWithTimeout', () => {
  const setUp = () => {
    const timers = createManualTimers();
    const controller = new AbortController();
    return { timers, controller, options: { timers, timeoutMs: 1_000, controller } };
  };

  it('answers what the notifier answers and leaves no timer behind', async () => {
    const { timers, options } = setUp();
    const ok: DeliveryResult = { ok: true, status: 202 };
    expect(await sendWithTimeout(notifierOf(() => Promise.resolve(ok)), notification('k', 'g'), options)).toEqual(ok);
    expect(timers.pendingCount()).toBe(0);
  });

  it('turns a notifier that throws, at once or later, into a retryable network failure', async () => {
    const { options } = setUp();
    const throwing = notifierOf(() => {
      throw new Error('bug in the channel');
    });
    expect(await sendWithTimeout(throwing, notification('k', 'g'), options)).toEqual({ ok: false, retryable: true, reason: 'network', message: 'bug in the channel' });
    const rejecting = notifierOf(() => Promise.reject(new Error('')));
    expect(await sendWithTimeout(rejecting, notification('k', 'g'), options)).toMatchObject({ reason: 'network', message: 'the notifier failed without a message' });
  });

  it('gives up at the timeout even when the notifier ignores its signal, and aborts that signal', async () => {
    const { timers, options } = setUp();
    let seen: AbortSignal | undefined;
    const stuck = notifierOf((_notification, { signal }) => {
      seen = signal;
      return new Promise<DeliveryResult>(() => undefined);
    });
    const answer = sendWithTimeout(stuck, notification('k', 'g'), options);
    await timers.advanceMs(999);
    expect(seen?.aborted).toBe(false);
    await timers.advanceMs(1);
    expect(await answer).toMatchObject({ ok: false, retryable: true, reason: 'timeout', message: 'no answer within 1000 ms' });
    expect(seen?.aborted).toBe(true);
  });

  it('answers at once when the caller aborts (shutdown), with the abort reason', async () => {
    const { timers, controller, options } = setUp();
    const answer = sendWithTimeout(notifierOf(() => new Promise<DeliveryResult>(() => undefined)), notification('k', 'g'), options);
    controller.abort(new Error('outbox delivery stopping'));
    expect(await answer).toMatchObject({ ok: false, reason: 'network', message: 'outbox delivery stopping' });
    expect(timers.pendingCount()).toBe(0);
  });
});
