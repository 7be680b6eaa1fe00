/**
 * The next request of a redirect chain, as browsers and curl -L make it: 303 (and 301/302
 * after a POST) becomes a body-less GET, credentials are not sent to another origin.
 */

export interface HttpRequestShape {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);

export function isRedirect(statusCode: number, location: string | undefined | null): boolean {
  return REDIRECT_STATUSES.has(statusCode) && typeof location === 'string';
}

/** Null when the response is not a redirect; a problem when its Location is unusable. */
export function nextRedirect(
  response: { statusCode: number; location: string | null },
  current: HttpRequestShape,
): HttpRequestShape | { problem: string } | null {
  if (!isRedirect(response.statusCode, response.location) || response.location === null) return null;
  let url: URL;
  try {
    url = new URL(response.location, current.url);
  } catch {
    return { problem: `HTTP ${response.statusCode} redirect to an invalid location ${JSON.stringify(response.location)}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `HTTP ${response.statusCode} redirect to unsupported protocol ${url.protocol}` };
  }
  const becomesGet =
    (response.statusCode === 303 && current.method !== 'HEAD') ||
    ((response.statusCode === 301 || response.statusCode === 302) && current.method === 'POST');
  const sameOrigin = url.origin === current.url.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(current.headers)) {
    const lower = name.toLowerCase();
    if (!sameOrigin && CREDENTIAL_HEADERS.has(lower)) continue;
    if (becomesGet && BODY_HEADERS.has(lower)) continue;
    headers[name] = value;
  }
  return {
    url,
    method: becomesGet ? 'GET' : current.method,
    headers,
    body: becomesGet ? undefined : current.body,
  };
}
