/** `GET /metrics`: Prometheus text exposition of sre-monitor's own metrics. Public for scrapers. */
import type { FastifyInstance } from 'fastify';
import type { AppMetrics } from '../../adapters/metrics/metrics-registry.js';

export function registerMetricsRoute(app: FastifyInstance, metrics: AppMetrics): void {
  app.get('/metrics', { config: { requiredRole: 'public' }, schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
