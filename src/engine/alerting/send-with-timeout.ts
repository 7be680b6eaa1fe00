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
export async function sendWithTimeout(notifier: Notifier, notification: Notification, options: SendWithTimeoutOptions): Promise<DeliveryResult> {
  const { controller } = options;
  const { signal } = controller;
  const timer = options.timers.after(options.timeoutMs, () => controller.abort(new DeliveryTimeoutError(options.timeoutMs)));
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<DeliveryResult>((resolve) => {
    onAbort = () => resolve(failureFrom(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const answer = Promise.resolve()
      .then(() => notifier.send(notification, { signal }))
      .catch((error: unknown) => failureFrom(signal.aborted ? signal.reason : error));
    return await Promise.race([answer, abandoned]);
  } finally {
    timer.cancel();
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
