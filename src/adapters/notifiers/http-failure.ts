/**
 * A request that got no HTTP answer (the transport threw) as a DeliveryResult: timeouts and
 * aborts are `timeout`, everything else `network`; both retryable. Shared by the receiver sends
 * (http-delivery.ts) and the OAuth 2.0 token request (oauth2-client.ts).
 */
import type { DeliveryResult } from '../../core/alerting/notification.js';

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a thrown fetch error: aborts and timeouts are `timeout`, everything else `network`; both retryable. */
export function failureOfError(error: unknown, at: { target: string; timeoutMs: number }): Extract<DeliveryResult, { ok: false }> {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') {
    return { ok: false, retryable: true, reason: 'timeout', message: `no answer from ${at.target} within ${at.timeoutMs} ms` };
  }
  if (name === 'AbortError') return { ok: false, retryable: true, reason: 'timeout', message: `request to ${at.target} aborted (delivery timeout)` };
  const code = errorCode(error);
  const text = error instanceof Error ? error.message : String(error);
  const hint = code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) ? " (the receiver's certificate is not trusted: set http_config.tls_config.ca_file to its CA, or insecure_skip_verify)" : '';
  return { ok: false, retryable: true, reason: 'network', message: `cannot reach ${at.target}: ${code ?? text}${hint}` };
}
