/**
 * One send through a Notifier, bounded in time by the injected Timers. The notifier gets an
 * AbortSignal that fires after `timeoutMs` (or when the caller aborts `controller`, e.g. on
 * shutdown), and the answer is taken at that moment even if the notifier ignores the signal, so
 * a stuck integration can never hold a delivery slot for ever. A notifier that throws instead of
 * answering counts as a retryable network failure: a bug in one channel must not lose the
 * notification.
 */
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { Timers } from '../timers.js';

export interface SendWithTimeoutOptions {
  timers: Timers;
  /** Milliseconds before the send is abandoned as a `timeout` failure. */
  timeoutMs: number;
  /** Aborted by the timeout, or by the caller; its signal goes to the notifier. */
  controller: AbortController;
}

/** The reason the signal carries when the timeout fired. */
export class DeliveryTimeoutError extends Error {
  readonly code = 'delivery_timeout';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeliveryTimeoutError';
  }
}

function failureFrom(error: unknown): DeliveryResult {
  if (error instanceof DeliveryTimeoutError) return { ok: false, retryable: true, reason: 'timeout', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, retryable: true, reason: 'network', message: message === '' ? 'the notifier failed without a message' : message };
}

/** Sends `notification`; never rejects: failures, timeouts and aborts come back as a DeliveryResult. */
export function sendWithTimeout(notifier: Notifier, notification: Notification, options: SendWithTimeoutOptions): Promise<DeliveryResult> {
  const { controller } = options;
  const { signal } = controller;
  // One promise, one timer and one listener per send: this runs for every notification.
  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    const finish = (result: DeliveryResult): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish(failureFrom(signal.reason));
    const timer = options.timers.after(options.timeoutMs, () => controller.abort(new DeliveryTimeoutError(options.timeoutMs)));
    signal.addEventListener('abort', onAbort, { once: true });
    const failed = (error: unknown): void => finish(failureFrom(signal.aborted ? signal.reason : error));
    try {
      notifier.send(notification, { signal }).then(finish, failed);
    } catch (error) {
      failed(error);
    }
  });
}
