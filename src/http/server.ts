/**
 * src/http: the Fastify server. One file per resource under routes/, plus auth, errors
 * (problem+json), the WebSocket event stream and the OpenAPI document. This file only puts
 * them together; it constructs nothing of the domain.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import type { Clock } from '../core/clock.js';
import type { AppMetrics } from '../adapters/metrics/metrics-registry.js';
import type { Store } from '../adapters/store/store.js';
import type { EventBus } from '../engine/event-bus.js';
import type { SelfHealth } from '../engine/self-health.js';
import type { ServiceCatalog } from '../engine/service-catalog.js';
import type { Monitoring } from '../engine/monitors/monitoring.js';
import type { SloEngine } from '../engine/slos/slo-engine.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerSloRoutes } from './routes/slos.js';
import type { AckLinks } from '../engine/alerting/ack-links.js';
import type { AlertsApi, SilencesApi } from './alerting-api.js';
import type { RuleStatus } from '../engine/alerting/rules/index.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerAlertGroupRoutes } from './routes/alert-groups.js';
import { registerRuleRoutes } from './routes/rules.js';
import { registerAckRoutes } from './routes/ack.js';
import { registerAlertmanagerV2Routes } from './routes/alertmanager-v2.js';
import { registerNotificationRoutes, type NotificationsApi } from './routes/notifications.js';
import { registerSilenceRoutes } from './routes/silences.js';
import { registerIncidentRoutes, type IncidentsApi } from './routes/incidents.js';
import { registerRunbookRoutes } from './routes/runbooks.js';
import { registerPostmortemRoutes } from './routes/postmortems.js';
import { registerIncidentReportRoutes } from './routes/incident-reports.js';
import type { PostmortemService } from '../engine/postmortems/postmortem-service.js';
import type { ActionItemService } from '../engine/postmortems/action-item-service.js';
import type { IncidentReportService } from '../engine/postmortems/incident-report-service.js';
import type { RunbookService } from '../engine/runbooks/runbook-service.js';
import { registerOncallRoutes, type OncallOverridesApi } from './routes/oncall.js';
import { emptyOncallDirectory, type OncallDirectory } from '../core/oncall/oncall-model.js';
import type { TokenService } from '../engine/token-service.js';
import { registerAuth, type AuthSettings } from './auth.js';
import { createErrorHandler, sendProblem } from './problem.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerReloadRoute, type ConfigReloader } from './routes/reload.js';
import { registerServiceRoutes } from './routes/services.js';
import { registerMonitorRoutes } from './routes/monitors.js';
import { registerBreakerRoutes } from './routes/breakers.js';
import { registerHeartbeatRoutes } from './routes/heartbeats.js';
import { validatorCompiler } from './validator-compiler.js';
import { registerEventStream } from './ws.js';
import { createSessionStore, type SessionStore } from './sessions.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerOverviewRoute } from './routes/overview.js';
import type { RequestPriority } from '../engine/request-priority.js';
import { registerRequestPriority } from './request-priority-hook.js';

export interface HttpServerOptions {
  logger: FastifyBaseLogger;
  /** Counts API requests in flight so background bursts give way to them (request-priority.ts). */
  priority?: RequestPriority;
  clock: Clock;
  metrics: AppMetrics;
  bus: EventBus;
  store: Store;
  catalog: ServiceCatalog;
  monitoring: Monitoring;
  slos: SloEngine;
  alerting: {
    alerts: AlertsApi;
    silences: SilencesApi;
    notifications: NotificationsApi;
    receivers: () => string[];
    configText: () => string;
    ackLinks: AckLinks | null;
    /** sre-monitor's own alerting rules with their state and alerts. */
    rules: () => RuleStatus[];
  };
  /** The incident service (issue 7); without it the incident routes are absent. */
  incidents?: IncidentsApi;
  runbooks?: RunbookService;
  postmortems?: { postmortems: PostmortemService; actionItems: ActionItemService; reports: IncidentReportService };
  tokens: TokenService;
  health: SelfHealth;
  reloader: ConfigReloader;
  version: string;
  startedAtMs: number;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  trustProxy: boolean;
  auth: () => AuthSettings;
  /** Built dashboard (web/dist); served at / when present. */
  webRoot?: string;
  websocketMaxBufferedBytes?: number;
  /** People, teams and schedules as configured now (read per request, so reloads show). */
  oncall?: () => OncallDirectory;
  oncallOverrides?: OncallOverridesApi;
  /** Dashboard login sessions; default: in memory, 12 hours each. */
  sessions?: SessionStore;
}

const defaultSessionTtlMs = 12 * 3_600_000;

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger,
    // Per-request lines would cost more than the fast endpoints themselves; request-metrics.ts
    // logs failures at warn and every request at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Signed acknowledgement links carry a ~200-character token as a path parameter.
    routerOptions: { maxParamLength: 2048 },
    requestTimeout: options.requestTimeoutMs,
    trustProxy: options.trustProxy,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(createErrorHandler({ bodyLimitBytes: options.bodyLimitBytes }));
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  registerRequestMetrics(app, options.metrics);
  if (options.priority !== undefined) registerRequestPriority(app, options.priority);
  const sessions = options.sessions ?? createSessionStore({ clock: options.clock, ttlMs: defaultSessionTtlMs });
  registerAuth(app, { tokens: options.tokens, clock: options.clock, bus: options.bus, metrics: options.metrics, settings: options.auth, sessions });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'sre-monitor API', version: options.version, description: 'REST API of sre-monitor. Errors are application/problem+json (RFC 9457).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token from `sre-monitor token create`.' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), requiredRole: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
    docs.get('/openapi.json', { schema: { hide: true } }, (_request, reply) => reply.send(app.swagger()));
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  registerHealthRoutes(app, options.health, { version: options.version, startedAtMs: options.startedAtMs, nowMs: () => options.clock.nowMs() });
  registerMetricsRoute(app, options.metrics);
  registerServiceRoutes(app, options.catalog);
  registerMonitorRoutes(app, { monitoring: options.monitoring, catalog: options.catalog, clock: options.clock });
  registerBreakerRoutes(app, options.monitoring.service);
  await registerHeartbeatRoutes(app, options.monitoring.service);
  await registerSloRoutes(app, { slos: options.slos, store: options.store, clock: options.clock });
  const { alerting } = options;
  registerAlertRoutes(app, { alerts: alerting.alerts, clock: options.clock });
  registerAlertGroupRoutes(app, { alerts: alerting.alerts, clock: options.clock });
  registerRuleRoutes(app, { rules: alerting.rules });
  registerSilenceRoutes(app, { silences: alerting.silences, clock: options.clock });
  registerNotificationRoutes(app, { notifications: alerting.notifications });
  await registerAckRoutes(app, { ackLinks: alerting.ackLinks, alerts: alerting.alerts, incidents: options.incidents });
  if (options.runbooks !== undefined) registerRunbookRoutes(app, { runbooks: options.runbooks });
  if (options.postmortems !== undefined) {
    registerPostmortemRoutes(app, { postmortems: options.postmortems.postmortems, actionItems: options.postmortems.actionItems, clock: options.clock });
    registerIncidentReportRoutes(app, { reports: options.postmortems.reports, clock: options.clock });
  }
  if (options.incidents !== undefined) registerIncidentRoutes(app, { incidents: options.incidents, alertLabels: (fingerprint) => alerting.alerts.get(fingerprint)?.labels });
  registerAlertmanagerV2Routes(app, {
    alerts: alerting.alerts, silences: alerting.silences, clock: options.clock, receivers: alerting.receivers, configText: alerting.configText, version: options.version, startedAtMs: options.startedAtMs,
  });
  registerReportRoutes(app, { slos: options.slos, store: options.store, clock: options.clock });
  registerOncallRoutes(app, { oncall: options.oncall ?? (() => emptyOncallDirectory), clock: options.clock, overrides: options.oncallOverrides });
  registerAuditRoutes(app, options.store);
  registerReloadRoute(app, options.reloader);
  registerSessionRoutes(app, { sessions });
  registerOverviewRoute(app, { catalog: options.catalog, monitoring: options.monitoring, slos: options.slos, alerts: alerting.alerts, clock: options.clock });
  registerEventStream(app, { bus: options.bus, clock: options.clock, metrics: options.metrics, maxBufferedBytes: options.websocketMaxBufferedBytes });
  await registerDashboard(app, options.webRoot);
  return app;
}

/** Serves the built dashboard with deep links falling back to index.html; API paths stay 404s. */
async function registerDashboard(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  const hasDashboard = webRoot !== undefined && existsSync(`${webRoot}/index.html`);
  // Read once: the static file routes are fixed at start too (wildcard: false), and the not-found
  // handler lives outside the static plugin's scope, so it has no reply.sendFile.
  const indexHtml = hasDashboard ? readFileSync(`${webRoot}/index.html`) : undefined;
  if (hasDashboard) {
    await app.register(async (web) => {
      web.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), requiredRole: 'public' };
      });
      await web.register(fastifyStatic, {
        root: webRoot,
        wildcard: false,
        cacheControl: false,
        // Vite names every asset by its content hash: a browser may keep it for good. index.html
        // is revalidated each time so a new build's assets are picked up.
        setHeaders: (response, filePath) => {
          response.setHeader('cache-control', /[\\/]assets[\\/]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    });
  } else {
    app.get('/', { config: { requiredRole: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));
  }
  app.setNotFoundHandler(async (request, reply) => {
    // Only these prefixes (as whole path segments) keep their own 404; every other GET is a
    // dashboard deep link answered with index.html.
    const isApi = /^\/(api|ws|health|metrics|docs|openapi\.json|assets)(\/|\?|$)/.test(request.url);
    if (indexHtml && !isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    }
    return sendProblem(reply, request, 404, 'not-found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}; the API is under /api/v1 (see /docs)`);
  });
}
