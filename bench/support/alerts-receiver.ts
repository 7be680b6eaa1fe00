/**
 * The local ends of `npm run bench -- alerts`, plain node:http servers on 127.0.0.1 in the
 * benchmark process: a webhook receiver that answers 200 at once and counts what arrives
 * (notifications, alerts, distinct group keys, the time of each), and a fake Prometheus whose
 * `/api/v1/query` answers an empty vector until armed and one series while armed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface WebhookNotification {
  /** performance.now() when the body had arrived. */
  receivedMs: number;
  groupKey: string;
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

export interface WebhookReceiver {
  url: string;
  notifications: number;
  alerts: number;
  /** Distinct groupKey values seen. */
  groups(): number;
  /** Requests whose Idempotency-Key was seen before: the same outbox item delivered again. */
  repeatedKeys: number;
  /** Notifications with a new key for a group already notified (a second flush of the group). */
  repeatedGroups: number;
  firstMs: number | undefined;
  lastMs: number | undefined;
  /** Called for every notification after it was counted. */
  onNotification: ((notification: WebhookNotification) => void) | undefined;
  badRequests: number;
  reset(): void;
  close(): Promise<void>;
}

/** Receivers must not grow without bound: group keys beyond this are counted only. */
const maxKeptGroupKeys = 1_000_000;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const groupKeys = new Set<string>();
  const idempotencyKeys = new Set<string>();
  const receiver: WebhookReceiver = {
    url: '',
    notifications: 0,
    alerts: 0,
    groups: () => groupKeys.size,
    repeatedKeys: 0,
    repeatedGroups: 0,
    firstMs: undefined,
    lastMs: undefined,
    onNotification: undefined,
    badRequests: 0,
    reset() {
      receiver.notifications = 0;
      receiver.alerts = 0;
      receiver.firstMs = undefined;
      receiver.lastMs = undefined;
      receiver.badRequests = 0;
      receiver.repeatedKeys = 0;
      receiver.repeatedGroups = 0;
      groupKeys.clear();
      idempotencyKeys.clear();
    },
    close: () => close(server),
  };
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const receivedMs = performance.now();
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        let parsed: WebhookNotification;
        try {
          parsed = { ...(JSON.parse(body) as Omit<WebhookNotification, 'receivedMs'>), receivedMs };
        } catch {
          receiver.badRequests += 1;
          return;
        }
        receiver.notifications += 1;
        receiver.alerts += Array.isArray(parsed.alerts) ? parsed.alerts.length : 0;
        const key = String(request.headers['idempotency-key'] ?? '');
        if (idempotencyKeys.has(key)) receiver.repeatedKeys += 1;
        else if (groupKeys.has(String(parsed.groupKey))) receiver.repeatedGroups += 1;
        if (idempotencyKeys.size < maxKeptGroupKeys) idempotencyKeys.add(key);
        if (groupKeys.size < maxKeptGroupKeys) groupKeys.add(String(parsed.groupKey));
        receiver.firstMs ??= receivedMs;
        receiver.lastMs = receivedMs;
        receiver.onNotification?.(parsed);
      },
      () => {
        receiver.badRequests += 1;
        response.writeHead(400).end();
      },
    );
  });
  // Keep-alive as a real receiver behind a load balancer would; the server's undici reuses sockets.
  server.keepAliveTimeout = 30_000;
  receiver.url = `${await listen(server)}/hook`;
  return receiver;
}

export interface FakePrometheus {
  url: string;
  /** Answer one series with `labels` from now on (performance.now() returned). */
  arm(labels: Record<string, string>): number;
  disarm(): void;
  queries: number;
  close(): Promise<void>;
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  let armed: Record<string, string> | undefined;
  const fake: FakePrometheus = {
    url: '',
    queries: 0,
    arm(labels) {
      armed = labels;
      return performance.now();
    },
    disarm() {
      armed = undefined;
    },
    close: () => close(server),
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/v1/query') {
      response.writeHead(404).end();
      return;
    }
    fake.queries += 1;
    const timeS = Number(url.searchParams.get('time') ?? Date.now() / 1000);
    const result = armed === undefined ? [] : [{ metric: { ...armed }, value: [timeS, '1'] }];
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  fake.url = await listen(server);
  return fake;
}
