/**
 * Connection URLs of databases carry passwords (`postgres://app:s3cret@db/app`). Nothing the
 * store logs or a probe reports (messages, details) may show one, because results end up in the store, on `/ws` and in
 * notifications. Driver messages rarely echo the URL, but a few (bad URLs, odd auth failures) do,
 * so every message passes through `redactSecrets` as a safety net.
 */

/** The URL with its password (and any `password=` query parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.href;
}

/** The passwords a URL carries, raw and percent-decoded, longest first; empty when none. */
export function secretsOfUrl(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secrets = new Set<string>();
  const add = (value: string): void => {
    if (value === '') return;
    secrets.add(value);
    try {
      secrets.add(decodeURIComponent(value));
    } catch {
      // A malformed escape: the raw form is still redacted.
    }
  };
  add(parsed.password);
  for (const [key, value] of parsed.searchParams) if (/pass/i.test(key)) add(value);
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** `message` with every occurrence of each secret replaced by `***`. */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let redacted = message;
  for (const secret of secrets) if (secret !== '') redacted = redacted.split(secret).join('***');
  return redacted;
}

/**
 * Null when `url` parses and uses one of `schemes` (without the colon); otherwise a message that
 * names what was wrong but never echoes the URL, which may hold a password.
 */
export function checkConnectionUrl(url: string, product: string, schemes: readonly string[], shape: string): string | null {
  let protocol: string;
  try {
    protocol = new URL(url).protocol.replace(/:$/, '');
  } catch {
    return `invalid ${product} URL (expected ${shape})`;
  }
  return schemes.includes(protocol) ? null : `invalid ${product} URL: scheme ${protocol} (expected ${schemes.join(' or ')})`;
}
