/**
 * Health of sre-monitor itself: liveness (the process answers), readiness (it can do its job)
 * and a detailed report. Public, like Prometheus' own /-/healthy and /-/ready.
 */
import type { FastifyInstance } from 'fastify';
import type { SelfHealth } from '../../engine/self-health.js';

export function registerHealthRoutes(app: FastifyInstance, health: SelfHealth, info: { version: string; startedAtMs: number; nowMs: () => number }): void {
  const config = { requiredRole: 'public' as const };
  const tags = ['health'];
  const liveBody = JSON.stringify({ status: 'up' });

  app.get('/health/live', { config, schema: { tags, summary: 'Liveness: the process is up' } }, async (_request, reply) =>
    reply.type('application/json').send(liveBody),
  );

  app.get('/health/ready', { config, schema: { tags, summary: 'Readiness: store reachable, migrations applied, config loaded' } }, async (_request, reply) => {
    const report = await health.check();
    const failing = report.components.filter((c) => c.status === 'down').map((c) => ({ component: c.name, detail: c.detail }));
    return reply.code(report.status === 'up' ? 200 : 503).send(report.status === 'up' ? { status: 'ready' } : { status: 'not_ready', failing });
  });

  app.get('/health', { config, schema: { tags, summary: 'Status of each component with its latency' } }, async (_request, reply) => {
    const report = await health.check();
    return reply.code(report.status === 'up' ? 200 : 503).send({
      status: report.status,
      version: info.version,
      uptime_seconds: Math.round((info.nowMs() - info.startedAtMs) / 1000),
      components: Object.fromEntries(
        report.components.map((c) => [c.name, { status: c.status, latency_ms: Math.round(c.latencyMs * 1000) / 1000, detail: c.detail }]),
      ),
    });
  });
}
