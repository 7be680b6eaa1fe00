/**
 * `/api/v1/heartbeats/:token`: where cron jobs and batch runs check in (GET or POST, like
 * healthchecks.io and Uptime Kuma push monitors). The token is the credential, so no API token
 * is needed; `?status=fail&msg=...` reports a failed run.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { heartbeatTokenPattern } from '../../core/monitors/monitor-document.js';
import type { MonitorService } from '../../engine/monitors/monitor-service.js';

const TokenParams = Type.Object({ token: Type.String({ pattern: heartbeatTokenPattern, description: 'The heartbeat token of the monitor.' }) });
const PingQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['ok', 'up', 'fail', 'down'], { description: 'ok (default) or fail.' })),
    msg: Type.Optional(Type.String({ maxLength: 1000, description: 'Message stored with the result.' })),
  },
  { additionalProperties: false },
);
const PingResponse = Type.Object({ ok: Type.Boolean(), monitor: Type.Union([Type.String(), Type.Null()]), status: Type.Union([Type.String(), Type.Null()]) });

export async function registerHeartbeatRoutes(app: FastifyInstance, service: MonitorService): Promise<void> {
  await app.register((scope) => {
    // Jobs ping with whatever curl sends (`-d "$log"`, a JSON summary, nothing): the body is
    // accepted up to the body limit and ignored, never a 415 or a JSON parse error.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
    registerPingRoutes(scope, service);
    return Promise.resolve();
  });
}

function registerPingRoutes(app: FastifyInstance, service: MonitorService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const method of ['GET', 'POST'] as const) {
    api.route({
      method,
      url: '/api/v1/heartbeats/:token',
      config: { requiredRole: 'public' },
      schema: { tags: ['monitors'], summary: 'Heartbeat ping from a job (no API token: the URL is the secret)', params: TokenParams, querystring: PingQuery, response: { 200: PingResponse } },
      handler: async (request) => {
        const failed = request.query.status === 'fail' || request.query.status === 'down';
        const result = await service.heartbeat(request.params.token, { ok: !failed, message: request.query.msg ?? null });
        return { ok: true, monitor: result?.monitor ?? null, status: result?.status ?? null };
      },
    });
  }
}
