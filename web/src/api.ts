/**
 * The one way the dashboard talks to the API: same-origin fetch with the session cookie, the
 * CSRF header on every request (the server demands it for unsafe methods), and RFC 9457
 * problems turned into ApiError with the server's message.
 */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface EarlyAnswer {
  status: number;
  body: unknown;
}

interface Problem {
  detail?: string;
  title?: string;
}

declare global {
  interface Window {
    /** Reads index.html started before the bundle ran, by path, parsed; each is used once. */
    __sreEarly?: Record<string, Promise<EarlyAnswer>>;
    /** The bodies of those reads that have already answered 2xx, by path. */
    __sreEarlyReady?: Record<string, unknown>;
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Called on any 401 (the session expired or its token was revoked) so the app can ask to log in. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/** Drops unused early reads (after a failed session check they answered 401). */
export function clearPrefetch(): void {
  window.__sreEarly = {};
  window.__sreEarlyReady = {};
}

/**
 * The body of an early read of `path` if it has already answered 2xx (then it is used up), so a
 * page's first render can show it without a loading state; undefined otherwise (use `api`).
 */
export function takeEarly<T>(path: string): T | undefined {
  const ready = window.__sreEarlyReady;
  if (!ready || !(path in ready)) return undefined;
  const body = ready[path] as T;
  delete ready[path];
  if (window.__sreEarly) delete window.__sreEarly[path];
  return body;
}

export function api<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const early = window.__sreEarly;
  const pending = init.method === undefined ? early?.[path] : undefined;
  if (early && pending) {
    delete early[path];
    if (window.__sreEarlyReady) delete window.__sreEarlyReady[path];
    return pending.then((answer) => checked<T>(answer.status, answer.body));
  }
  return request<T>(path, init);
}

async function request<T>(path: string, init: { method?: string; body?: unknown; token?: string }): Promise<T> {
  const headers: Record<string, string> = { 'x-requested-with': 'sre-monitor', accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return parse<T>(response);
}

async function parse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return checked<T>(response.status, text === '' ? undefined : JSON.parse(text));
}

function checked<T>(status: number, parsed: unknown): T {
  if (status < 200 || status > 299) {
    if (status === 401) unauthorizedHandler?.();
    const problem = (parsed ?? {}) as Problem;
    throw new ApiError(status, problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
  return parsed as T;
}

/** Every page of a cursor-paged list. */
export async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const page: { items: T[]; next_cursor: string | null } = await api(`${path}${separator}limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return items;
}
