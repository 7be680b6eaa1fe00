/**
 * Receiver URLs parsed once per URL: a fan-out sends to the same few receivers thousands of
 * times, and parsing each URL at each send (for the request, the user info, the host named in
 * messages) was measurable. Both caches are bounded: past 256 URLs they start again.
 */
const capacity = 256;

/** `parse` of each distinct text, kept for the next call with the same text. */
export function parsedOnce<T>(parse: (text: string) => T): (text: string) => T {
  const parsed = new Map<string, T>();
  return (text) => {
    let value = parsed.get(text);
    if (value === undefined) {
      value = parse(text);
      if (parsed.size >= capacity) parsed.clear();
      parsed.set(text, value);
    }
    return value;
  };
}

/** A receiver URL as sent: without user info (moved to an Authorization header), and its host for messages. */
export interface ReceiverUrl {
  href: string;
  host: string;
  /** `Basic ...` from the URL's user info; undefined when it has none. */
  userInfoAuthorization: string | undefined;
}

/**
 * fetch refuses URLs with credentials (`https://user:pass@host/`), which Alertmanager accepts
 * and sends as basic auth: do the same, unless `http_config` already set an Authorization.
 * Throws on an unparsable URL.
 */
function parseReceiverUrl(text: string): ReceiverUrl {
  const url = new URL(text);
  if (url.username === '' && url.password === '') return { href: text, host: url.host, userInfoAuthorization: undefined };
  const userInfoAuthorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  return { href: url.href, host: url.host, userInfoAuthorization };
}

export const receiverUrl = parsedOnce(parseReceiverUrl);
