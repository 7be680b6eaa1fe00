/**
 * sre-monitor's own Prometheus metrics (`sre_monitor_*`), in a registry per app instance so
 * several servers in one test process do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface AppMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  storeQueryDuration: Histogram<'operation'>;
  websocketClients: Gauge;
  websocketDroppedClients: Counter;
  authFailures: Counter<'reason'>;
}

/** Buckets from 0.5 ms: the API's fast paths answer in well under a millisecond. */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createAppMetrics(options: { version: string; store: string; collectDefaults?: boolean }): AppMetrics {
  const registry = new Registry();
  if (options.collectDefaults !== false) collectDefaultMetrics({ register: registry, prefix: '' });
  const buildInfo = new Gauge({
    name: 'sre_monitor_build_info',
    help: 'Always 1; labels tell the version, Node.js version and store in use.',
    labelNames: ['version', 'node_version', 'store'],
    registers: [registry],
  });
  buildInfo.set({ version: options.version, node_version: process.version, store: options.store }, 1);
  return {
    registry,
    httpRequests: new Counter({
      name: 'sre_monitor_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: 'sre_monitor_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response.',
      labelNames: ['method', 'route', 'status'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    storeQueryDuration: new Histogram({
      name: 'sre_monitor_store_query_duration_seconds',
      help: 'Duration of store queries by SQL operation.',
      labelNames: ['operation'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    websocketClients: new Gauge({ name: 'sre_monitor_websocket_clients', help: 'Connected /ws clients.', registers: [registry] }),
    websocketDroppedClients: new Counter({
      name: 'sre_monitor_websocket_dropped_clients_total',
      help: '/ws clients disconnected because they read events too slowly.',
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'sre_monitor_auth_failures_total',
      help: 'Rejected authentications by reason (invalid_token, blocked).',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
