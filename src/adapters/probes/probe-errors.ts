/**
 * Node socket, DNS, HTTP-parser and TLS errors as the short messages a monitor shows. Node's own
 * messages are already precise for most (`connect ECONNREFUSED 127.0.0.1:9`,
 * `getaddrinfo ENOTFOUND x.invalid`), so those pass through; the rest get a readable sentence.
 */

interface ErrorWithCode extends Error {
  code?: unknown;
}

function codeOf(error: Error): string | undefined {
  const code = (error as ErrorWithCode).code;
  return typeof code === 'string' ? code : undefined;
}

/** One line for any error a socket, resolver or HTTP parser emits. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Happy-eyeballs connects (Node >= 20, hosts with several addresses) fail with an
  // AggregateError whose own message is empty; its parts carry the addresses tried.
  if (error instanceof AggregateError && error.message === '') {
    const parts = error.errors.map(describeNetworkError).filter((part) => part !== '');
    if (parts.length > 0) return [...new Set(parts)].join('; ');
  }
  const code = codeOf(error);
  if (code?.startsWith('HPE_') === true) return `invalid HTTP response: ${error.message}`;
  if (code === 'ECONNRESET' && error.message === 'socket hang up') {
    return 'connection closed before a response (socket hang up)';
  }
  if (code !== undefined && code in tlsAuthorizationMessages) return describeTlsAuthorizationError(code, '');
  if (error.message !== '') return error.message;
  return code ?? error.name;
}

const tlsAuthorizationMessages: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted certificate: unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted certificate: issuer certificate not found',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted certificate: issuer certificate not found locally',
  CERT_UNTRUSTED: 'untrusted certificate',
  CERT_REVOKED: 'certificate revoked',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_SIGNATURE_FAILURE: 'certificate signature invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name',
};

/**
 * Why a TLS peer was not trusted, from `socket.authorizationError` (a code such as
 * `DEPTH_ZERO_SELF_SIGNED_CERT`). `acceptHint` names the option that would accept it, e.g.
 * `set ignore_tls_errors to accept`, and is appended in parentheses when not empty.
 */
export function describeTlsAuthorizationError(authorizationError: string, acceptHint: string): string {
  const text = tlsAuthorizationMessages[authorizationError] ?? `untrusted certificate (${authorizationError})`;
  return acceptHint === '' ? text : `${text} (${acceptHint})`;
}

/** `socket.authorizationError` is typed as Error but is a code string at runtime. */
export function authorizationErrorCode(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Error) return codeOf(value) ?? value.message;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'UNKNOWN';
}
