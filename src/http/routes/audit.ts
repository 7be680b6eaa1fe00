/** `GET /api/v1/audit`: who changed what, newest first (admin only). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Store } from '../../adapters/store/store.js';
import { PaginationQuery, decodeCursor, defaultPageSize, pageOf } from '../pagination.js';

const AuditQuery = Type.Object(
  {
    ...PaginationQuery,
    actor: Type.Optional(Type.String({ maxLength: 100 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    object_type: Type.Optional(Type.String({ maxLength: 100 })),
    object_id: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export function registerAuditRoutes(app: FastifyInstance, store: Store): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/v1/audit', {
    config: { requiredRole: 'admin' },
    schema: { tags: ['audit'], summary: 'Audit log of every mutation, newest first', querystring: AuditQuery },
  }, async (request) => {
    const limit = request.query.limit ?? defaultPageSize;
    const rows = await store.audit.list({
      limit: limit + 1,
      beforeId: decodeCursor(request.query.cursor, 'number'),
      actor: request.query.actor,
      action: request.query.action,
      objectType: request.query.object_type,
      objectId: request.query.object_id,
    });
    const page = pageOf(rows, limit, (entry) => entry.id);
    return {
      items: page.items.map((entry) => ({
        id: entry.id,
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        object_type: entry.objectType,
        object_id: entry.objectId,
        before: entry.before,
        after: entry.after,
        request_id: entry.requestId,
      })),
      next_cursor: page.next_cursor,
    };
  });
}
