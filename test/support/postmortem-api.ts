/**
 * A real Fastify server with the postmortem and incident-report routes over a real store
 * (SQLite file or PostgreSQL: the test server when one answers, else PGlite), real token
 * authentication and the real error handler, on 127.0.0.1. Incidents live in the real incident
 * tables, read through a thin IncidentReader over them (store-incidents.ts; the incident service
 * lives on another branch); overdue alerts go to a capturing sink; time is a manual clock with
 * manual timers.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createAppMetrics } from '../../src/adapters/metrics/metrics-registry.js';
import { createPgliteStore } from '../../src/adapters/store/pglite-store.js';
import { createPostgresStore } from '../../src/adapters/store/postgres-store.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { AlertInput } from '../../src/core/alerting/alert.js';
import { cliActor } from '../../src/engine/actor.js';
import { createEventBus } from '../../src/engine/event-bus.js';
import { createActionItemService } from '../../src/engine/postmortems/action-item-service.js';
import { createIncidentReportService } from '../../src/engine/postmortems/incident-report-service.js';
import { createOverdueActionItemChecker, type OverdueActionItemChecker } from '../../src/engine/postmortems/overdue-action-item-checker.js';
import { createPostmortemService } from '../../src/engine/postmortems/postmortem-service.js';
import { createTokenService } from '../../src/engine/token-service.js';
import { registerAuth } from '../../src/http/auth.js';
import { createErrorHandler } from '../../src/http/problem.js';
import { registerIncidentReportRoutes } from '../../src/http/routes/incident-reports.js';
import { registerPostmortemRoutes } from '../../src/http/routes/postmortems.js';
import { validatorCompiler } from '../../src/http/validator-compiler.js';
import { createManualTimers, type ManualTimers } from './manual-timers.js';
import { createTestStoreFile } from './outbox-harness.js';
import { createTestDatabase } from './postgres.js';
import { createStoreIncidents, type StoreIncidents } from './store-incidents.js';
import type { StoreKind } from './test-app.js';

export interface PostmortemApi {
  url: string;
  store: Store;
  timers: ManualTimers;
  incidents: StoreIncidents;
  checker: OverdueActionItemChecker;
  /** Alerts handed to the sink, with the instant they were sent. */
  alerts: Array<{ alert: AlertInput; atMs: number }>;
  tokens: { admin: string; responder: string; viewer: string };
  /** fetch against the server with a role's token. */
  call(role: 'admin' | 'responder' | 'viewer', method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

async function openStore(kind: StoreKind): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const file = await createTestStoreFile();
    return { store: await file.open(), cleanup: () => file.cleanup() };
  }
  const database = await createTestDatabase();
  const store = database === undefined ? await createPgliteStore() : await createPostgresStore({ url: database.url, poolMax: 4, idleTimeoutMs: 10_000 });
  await store.migrate();
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database?.drop();
    },
  };
}

export async function startPostmortemApi(kind: StoreKind, options: { startMs: number; knownPeople?: ReadonlySet<string> | null }): Promise<PostmortemApi> {
  const { store, cleanup } = await openStore(kind);
  const timers = createManualTimers(options.startMs);
  const clock = timers.clock;
  const incidents = createStoreIncidents(store, clock);
  const alerts: PostmortemApi['alerts'] = [];
  const checker = createOverdueActionItemChecker({
    actionItems: store.actionItems,
    sink: (sent) => {
      for (const alert of sent) alerts.push({ alert, atMs: clock.nowMs() });
      return Promise.resolve();
    },
    clock,
    timers,
    intervalMs: 15 * 60_000,
  });
  const postmortems = createPostmortemService({ store, incidents, timeline: incidents, clock });
  const actionItems = createActionItemService({ store, incidents, clock, knownPeople: () => options.knownPeople ?? null, onChange: () => checker.checkSoon() });
  const reports = createIncidentReportService({ incidents, actionItems: store.actionItems, clock });

  const app: FastifyInstance = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(createErrorHandler({ bodyLimitBytes: 1_048_576 }));
  const tokenService = createTokenService({ store, clock });
  registerAuth(app, {
    tokens: tokenService,
    clock,
    bus: createEventBus({ clock }),
    metrics: createAppMetrics({ version: 'test', store: kind, collectDefaults: false }),
    settings: () => ({ anonymousRole: null, lockout: { maxFailures: 1000, windowMs: 60_000, blockMs: 60_000 } }),
  });
  registerPostmortemRoutes(app, { postmortems, actionItems, clock });
  registerIncidentReportRoutes(app, { reports, clock });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  const tokens = {
    admin: (await tokenService.create('test-admin', 'admin', cliActor)).secret,
    responder: (await tokenService.create('alice', 'responder', cliActor)).secret,
    viewer: (await tokenService.create('test-viewer', 'viewer', cliActor)).secret,
  };
  checker.start();
  await timers.settle();

  return {
    url: address,
    store,
    timers,
    incidents,
    checker,
    alerts,
    tokens,
    call(role, method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${tokens[role]}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers = { 'content-type': 'application/json', ...init.headers };
      }
      return fetch(`${address}${path}`, init);
    },
    async close() {
      checker.stop();
      await app.close();
      await cleanup();
    },
  };
}
