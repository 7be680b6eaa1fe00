/**
 * The composition root: the only place that constructs things. It loads the config, opens and
 * migrates the store, reconciles the config-declared catalog, wires the engine to the HTTP
 * server, and knows how to reload and stop.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from './core/clock.js';
import { ValidationError } from './core/errors.js';
import { systemClock } from './adapters/clock/system-clock.js';
import { createAppMetrics, type AppMetrics } from './adapters/metrics/metrics-registry.js';
import { createMonitorMetrics } from './adapters/metrics/monitor-metrics.js';
import { registerSloMetrics, registerSloSourceMetrics } from './adapters/metrics/slo-metrics.js';
import { registerAlertingMetrics } from './adapters/metrics/alerting-metrics.js';
import { createProbeRegistry } from './adapters/probes/probe-registry.js';
import { createPrometheusSliSource } from './adapters/sources/prometheus-sli-source.js';
import { createStore } from './adapters/store/create-store.js';
import type { QueryTimingListener, Store } from './adapters/store/store.js';
import { ConfigError } from './config/config-problem.js';
import { loadConfig, type LoadedConfig } from './config/load-config.js';
import { alertingConfigText } from './config/alerting-config-text.js';
import type { ConfigOverrides, RuntimeConfig } from './config/runtime-config.js';
import { configActor, type Actor } from './engine/actor.js';
import { createEventBus, type EventBus } from './engine/event-bus.js';
import { createMonitoring, type Monitoring } from './engine/monitors/monitoring.js';
import { createSloEngine, type SloEngine, type SloEngineOptions } from './engine/slos/slo-engine.js';
import { systemTimers, type Timers } from './engine/timers.js';
import { createSelfHealth } from './engine/self-health.js';
import { createServiceCatalog, type ServiceCatalog } from './engine/service-catalog.js';
import { createServiceReadModel } from './engine/service-read-model.js';
import { createTokenService, type TokenService } from './engine/token-service.js';
import type { ReloadOutcome } from './http/routes/reload.js';
import { buildHttpServer } from './http/server.js';
import { createAlertingWiring, type AlertingWiring } from './alerting-wiring.js';
import { createIncidentsWiring, type IncidentsWiring } from './incidents-wiring.js';
import { createRunbookService, type RunbookService } from './engine/runbooks/runbook-service.js';
import { createRunbookStatusSources } from './engine/runbooks/status-sources.js';
import { createPostmortemsWiring, type PostmortemsWiring } from './postmortems-wiring.js';
import { createEscalationTargetResolver } from './engine/oncall/escalation-targets.js';
import { createOncallOverrideService } from './engine/oncall/oncall-overrides.js';
import { createLatestMonitorResults } from './engine/alerting/rules/index.js';
import { applyConfig, createSerialQueue, problemsFromValidation, reloadConfig, type Features } from './app-config.js';
import { createLogger } from './logger.js';
import { packageRoot, version } from './version.js';
import { createRequestPriority } from './engine/request-priority.js';

/** How long a stopping server waits for requests in flight before it closes their connections. */
const shutdownGraceMs = 5_000;

export interface AppOptions {
  configFile: string;
  overrides?: ConfigOverrides;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  clock?: Clock;
  timers?: Timers;
  /** Built dashboard directory; defaults to web/dist of the package. */
  webRoot?: string;
  collectDefaultMetrics?: boolean;
  websocketMaxBufferedBytes?: number;
  /** Tuning of the PromQL SLI poller; tests shorten its delay. */
  prometheusPolling?: SloEngineOptions['prometheusPolling'];
  /** Opens the store instead of the config's storage settings (tests use it for embedded PGlite). */
  storeFactory?: (runtime: RuntimeConfig, metrics: AppMetrics) => Promise<Store>;
}

export interface RunningApp {
  /** Base URL the server listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  port: number;
  config(): LoadedConfig;
  store: Store;
  bus: EventBus;
  catalog: ServiceCatalog;
  monitoring: Monitoring;
  slos: SloEngine;
  alerting: AlertingWiring;
  incidents: IncidentsWiring;
  runbooks: RunbookService;
  postmortems: PostmortemsWiring;
  tokens: TokenService;
  metrics: AppMetrics;
  server: FastifyInstance;
  logger: Logger;
  reload(actor: Actor): Promise<ReloadOutcome>;
  /** Stops accepting, finishes in-flight requests, closes the store. */
  stop(): Promise<void>;
}

/** Feeds store query timings into sre_monitor_store_query_duration_seconds. */
export function storeQueryListener(metrics: AppMetrics): QueryTimingListener {
  return (operation, seconds) => metrics.storeQueryDuration.observe({ operation }, seconds);
}

/** Opens the store for the given settings and migrates it; used by the server and by CLI commands. */
export async function openStore(runtime: RuntimeConfig, metrics?: AppMetrics): Promise<Store> {
  const store = await createStore(runtime.storage, { onQuery: metrics ? storeQueryListener(metrics) : undefined });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const startedAtMs = clock.nowMs();
  // Wall time of each start phase, logged once ready: where a slow start (10,000 SLOs) goes.
  const phasesMs: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const phaseStartMs = performance.now();
    try {
      return await work();
    } finally {
      phasesMs[phase] = Math.round(performance.now() - phaseStartMs);
    }
  };
  const timers = options.timers ?? systemTimers;
  let loaded = await timed('config', () => loadConfig(options.configFile, { env: options.env, overrides: options.overrides }));
  const logger = options.logger ?? createLogger(loaded.runtime.server.logLevel);
  const metrics = createAppMetrics({ version, store: loaded.runtime.storage.kind, collectDefaults: options.collectDefaultMetrics });
  const store = await timed('store', () => (options.storeFactory ?? openStore)(loaded.runtime, metrics));
  const bus = createEventBus({ clock, onListenerError: (error, event) => logger.error({ err: error, event: event.type }, 'event listener failed') });
  const readModel = createServiceReadModel({
    loadAll: () => store.services.all(),
    clock,
    // One SQLite file has one writer (this process); PostgreSQL may be shared by replicas.
    maxAgeMs: store.kind === 'sqlite' ? 60_000 : 1_000,
  });
  const catalog = createServiceCatalog({ store, bus, clock, readModel });
  const tokens = createTokenService({ store, clock, bus });
  const latestResults = createLatestMonitorResults();
  const monitoring = createMonitoring({
    onResultsCommitted: (results) => latestResults.record(results),
    store,
    bus,
    clock,
    timers,
    probes: createProbeRegistry(),
    maxConcurrency: loaded.runtime.monitoring.maxConcurrency,
    retention: loaded.runtime.monitoring.retention,
    metrics: (snapshot) => createMonitorMetrics(metrics.registry, snapshot),
    onError: (error, context) => logger.error({ err: error }, context),
    // Called only on deletes, long after `slos` below exists.
    usersOf: (monitor) => [...slos.evaluator.runtimes.values()].filter((r) => r.spec.sli.kind === 'monitor' && r.spec.sli.monitor === monitor).map((r) => `SLO '${r.spec.name}'`),
  });
  const sourceMetrics = registerSloSourceMetrics(metrics.registry);
  const slos = createSloEngine({
    store,
    bus,
    clock,
    timers,
    onMonitorMinuteClosed: (listener) => monitoring.query.onMinuteClosed(listener),
    onError: (error, context) => logger.error({ err: error }, context),
    latenessMs: loaded.runtime.sloEngine.latenessMs,
    evaluationDelayMs: loaded.runtime.sloEngine.evaluationDelayMs,
    prometheus: createPrometheusSliSource({ timeoutMs: loaded.runtime.sloEngine.prometheus.queryTimeoutMs }),
    prometheusPolling: { delayMs: loaded.runtime.sloEngine.prometheus.delayMs, concurrency: loaded.runtime.sloEngine.prometheus.concurrency, ...options.prometheusPolling },
    onSourceFailure: (slo) => sourceMetrics.failed(slo),
    onRestored: (report, durationMs) => logger.info({ ...report, durationMs }, 'SLO counts restored'),
    onCheckpointWritten: (report) => logger.info({ ...report }, 'SLO checkpoints written'),
    onSourceHealthChange: (slo, health) => {
      if (health.lastError === null) logger.info({ slo }, 'PromQL SLI source recovered');
      else logger.warn({ slo, error: health.lastError }, 'PromQL SLI source failing; missed minutes are asked again while within the lateness');
    },
  });
  registerSloMetrics(metrics.registry, function* () {
    for (const runtime of slos.evaluator.runtimes.values()) {
      const status = runtime.status;
      if (status === null) continue;
      yield { slo: runtime.spec.name, service: runtime.spec.service, sliRatio: status.sli.ratio, budgetRemainingRatio: status.errorBudget.remainingRatio, burnRates: status.burnRates };
    }
  });
  // Read through getters: a reload changes people and schedules for the next escalation level.
  const oncallOverrides = createOncallOverrideService({ store, clock, config: () => loaded.runtime.oncall });
  const escalationTargets = createEscalationTargetResolver({
    people: () => loaded.runtime.oncall.people,
    schedules: () => oncallOverrides.directory().schedules,
    clock,
    onUnresolved: (target, reason, message) => logger.warn({ target, reason }, `escalation target reached nobody: ${message}`),
  });
  // API requests go before bursts of notification work (the HTTP server counts them).
  const priority = createRequestPriority();
  const alerting = createAlertingWiring({
    store, bus, clock, logger, version, latestResults, priority,
    timers,
    settings: loaded.runtime.alerting,
    monitoring: () => monitoring,
    slos: () => slos,
    resolveTargetReceivers: escalationTargets.resolveTargetReceivers,
  });
  registerAlertingMetrics(metrics.registry, {
    alerts: () => alerting.alerting.registry.counts(),
    delivery: () => alerting.alerting.delivery.stats(),
    suppressed: () => alerting.alerting.dispatcher.suppressedCounts().total,
  });
  const incidents = createIncidentsWiring({
    store, bus, clock, logger,
    timers,
    settings: loaded.runtime.incidents,
    alerting: alerting.alerting,
    metrics: metrics.registry,
    resolveTargetReceivers: escalationTargets.resolveTargetReceivers,
  });
  const runbooks = createRunbookService({
    runbooks: () => loaded.runtime.runbooks.runbooks,
    allowCommands: () => loaded.runtime.runbooks.allowCommands,
    incidents: incidents.service,
    timeline: incidents.service,
    runs: store.runbookRuns,
    status: createRunbookStatusSources({ monitors: monitoring.service, slos: slos.service }),
    clock,
    timers,
    onError: (error, context) => logger.warn({ err: error }, `runbook: ${context}`),
  });
  const postmortems = createPostmortemsWiring({
    store, clock, logger,
    timers,
    settings: loaded.runtime.postmortems,
    incidents: incidents.service,
    alertSink: alerting.alerting.registry.sink,
    externalUrl: loaded.runtime.alerting.externalUrl,
    people: () => loaded.runtime.oncall.people.map((person) => person.name),
  });
  const features: Features = { catalog, monitoring, slos };

  try {
    await timed('apply_config', () => applyConfig(loaded.runtime, features, configActor));
    await timed('oncall', () => oncallOverrides.load());
    await timed('alerting', () => alerting.start());
    await timed('incidents', () => incidents.start());
    await timed('runbooks', () => runbooks.resume());
    postmortems.start();
    await timed('monitoring', () => monitoring.start());
    await timed('slos', () => slos.start());
  } catch (error) {
    postmortems.stop();
    await runbooks.stop().catch(() => undefined);
    await incidents.stop().catch(() => undefined);
    await alerting.stop().catch(() => undefined);
    await slos.stop().catch(() => undefined);
    await monitoring.stop().catch(() => undefined);
    await store.close();
    throw error instanceof ValidationError ? new ConfigError(problemsFromValidation(loaded.file, error)) : error;
  }

  const reloadQueue = createSerialQueue();
  const reload = (actor: Actor): Promise<ReloadOutcome> =>
    reloadQueue(async () => {
      const outcome = await reloadConfig(loaded, options, features, actor);
      if (outcome.ok) {
        await alerting.alerting.reconfigure(outcome.loaded.runtime.alerting);
        await incidents.reconfigure(outcome.loaded.runtime.incidents);
        loaded = outcome.loaded;
        logger.level = loaded.runtime.server.logLevel;
        await store.audit.append({
          at: new Date(clock.nowMs()).toISOString(), actor: actor.name, action: 'config.reload', objectType: 'config', objectId: loaded.file,
          before: null, after: { summary: loaded.summary, services: outcome.result.services, monitors: outcome.result.monitors }, requestId: actor.requestId,
        });
        bus.publish('config.reloaded', { file: loaded.file, summary: loaded.summary });
        logger.info({ summary: loaded.summary, restartRequired: outcome.result.restartRequired }, 'config reloaded');
        return outcome.result;
      }
      bus.publish('config.reload_failed', { file: loaded.file, errors: outcome.result.problems.map((p) => p.text) });
      logger.error({ problems: outcome.result.problems.map((p) => p.text) }, 'config reload rejected; the running config stays');
      return outcome.result;
    });

  const health = createSelfHealth({
    store,
    migrationsApplied: () => ({ ok: true, detail: 'all migrations applied at start' }),
    config: () => ({ ok: true, detail: loaded.summary }),
  });
  const server = await timed('http', () => buildHttpServer({
    logger, clock, metrics, bus, store, catalog, tokens, health, monitoring, slos,
    alerting: {
      ...alerting.api,
      receivers: () => alerting.alerting.receivers(),
      configText: () => alertingConfigText(loaded.raw),
      ackLinks: alerting.alerting.ackLinks,
      rules: () => alerting.alerting.rules.rules(),
    },
    incidents: incidents.api,
    runbooks,
    postmortems,
    reloader: { reload },
    version,
    startedAtMs,
    bodyLimitBytes: loaded.runtime.server.bodyLimitBytes,
    requestTimeoutMs: loaded.runtime.server.requestTimeoutMs,
    trustProxy: loaded.runtime.server.trustProxy,
    auth: () => loaded.runtime.auth,
    webRoot: options.webRoot ?? path.join(packageRoot, 'web', 'dist'),
    websocketMaxBufferedBytes: options.websocketMaxBufferedBytes,
    oncall: () => oncallOverrides.directory(),
    oncallOverrides,
    priority,
  }));

  try {
    await timed('listen', () => server.listen({ host: loaded.runtime.server.host, port: loaded.runtime.server.port }));
  } catch (error) {
    await server.close();
    postmortems.stop();
    await runbooks.stop();
    await incidents.stop();
    await alerting.stop();
    await slos.stop();
    await monitoring.stop();
    await store.close();
    throw error;
  }
  // Tokens revoked by another process (`sre-monitor token revoke`) stop working within ~5 s.
  const stopTokenWatch = tokens.watchRevocations(timers, (error) => logger.error({ err: error }, 'token revocation check failed'));
  logger.info({ phasesMs, totalMs: clock.nowMs() - startedAtMs }, 'start phases');
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : loaded.runtime.server.port;
  const host = loaded.runtime.server.host.includes(':') ? `[${loaded.runtime.server.host}]` : loaded.runtime.server.host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    config: () => loaded,
    store, bus, catalog, monitoring, slos, alerting, incidents, runbooks, postmortems, tokens, metrics, server, logger,
    reload,
    stop() {
      stopping ??= (async () => {
        // close() waits for every connection to end. A client holding one open without a
        // complete request (a half-sent request, a stalled keep-alive) kept it waiting up to the
        // 60 s headers timeout: in-flight requests get a grace period, then what is left is cut.
        const cutOff = setTimeout(() => server.server.closeAllConnections(), shutdownGraceMs);
        try {
          await server.close();
        } finally {
          clearTimeout(cutOff);
        }
        stopTokenWatch();
        postmortems.stop();
        await runbooks.stop();
        await incidents.stop();
        await alerting.stop();
        await slos.stop();
        await monitoring.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}
