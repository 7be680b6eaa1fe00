/** `/api/v1/breakers`: circuit breakers of the monitors, and a manual reset for responders. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { MonitorService } from '../../engine/monitors/monitor-service.js';
import { BreakerResource, toBreakerResource } from './monitor-resource.js';

const NameParams = Type.Object({ name: Type.String({ maxLength: 200 }) });
const StateQuery = Type.Object({ state: Type.Optional(Type.Enum(['closed', 'open', 'half_open'])) }, { additionalProperties: false });

export function registerBreakerRoutes(app: FastifyInstance, service: MonitorService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['breakers'];

  api.get('/api/v1/breakers', {
    schema: { tags, summary: 'List circuit breakers (one per monitor that has one)', querystring: StateQuery, response: { 200: Type.Object({ items: Type.Array(BreakerResource) }) } },
  }, (request) => {
    const wanted = request.query.state;
    const items = service.breakers().filter((view) => wanted === undefined || view.breaker.state === wanted);
    return Promise.resolve({ items: items.map(toBreakerResource) });
  });

  api.post('/api/v1/breakers/:name/reset', {
    config: { requiredRole: 'responder' },
    schema: { tags, summary: 'Close a breaker now and clear its counters', params: NameParams, response: { 200: BreakerResource } },
  }, async (request) => toBreakerResource(await service.resetBreaker(request.params.name, request.actor)));
}
