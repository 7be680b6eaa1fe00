/**
 * Postmortem action items: `/api/v1/incidents/:id/action-items` (an incident's items, and
 * creating one) and `/api/v1/action-items` (everyone's, filtered by status, owner, incident or
 * overdue, paged; one item; PATCH and DELETE). Registered by registerPostmortemRoutes.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';
import { actionItemPriorities, actionItemStatuses, isOverdue, parseDueTime, type ActionItem, type ActionItemFields, type ActionItemStatus } from '../../core/postmortems/action-item.js';
import type { ActionItemService } from '../../engine/postmortems/action-item-service.js';
import { PaginationQuery, decodeCursor, defaultPageSize, pageOf } from '../pagination.js';

const iso = (ms: number) => new Date(ms).toISOString();
const optionalIso = (ms: number | null) => (ms === null ? null : iso(ms));

export const IncidentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'Incident id, e.g. INC-2026-1123-001.' }) });
const ItemParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'Action item id.' }) });

const Due = Type.String({ minLength: 1, maxLength: 64, description: 'Due date `2026-12-07` (due by the end of that UTC day) or an RFC 3339 time.' });
const Priority = Type.Enum([...actionItemPriorities], { description: 'high, medium or low (seed 004\'s action-item table).' });
const Status = Type.Enum([...actionItemStatuses]);

const NewItem = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500 }),
    owner: Type.String({ minLength: 1, maxLength: 200, description: 'A configured person when people are configured.' }),
    due: Due,
    priority: Type.Optional(Priority),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
const ItemPatch = Type.Partial(Type.Object({ title: Type.String({ minLength: 1, maxLength: 500 }), owner: Type.String({ minLength: 1, maxLength: 200 }), due: Due, priority: Priority, status: Status }, { additionalProperties: false }));

const ListQuery = Type.Object(
  {
    ...PaginationQuery,
    status: Type.Optional(Type.String({ maxLength: 100, description: 'One status or a comma-separated list: open,in_progress.' })),
    owner: Type.Optional(Type.String({ maxLength: 200 })),
    incident: Type.Optional(Type.String({ maxLength: 64 })),
    overdue: Type.Optional(Type.Enum(['true'], { description: 'Only overdue items (open or in progress, due before now).' })),
  },
  { additionalProperties: false },
);
const IncidentListQuery = Type.Object({ ...PaginationQuery }, { additionalProperties: false });

export function actionItemJson(item: ActionItem, nowMs: number) {
  return {
    id: item.id,
    incident_id: item.incidentId,
    title: item.title,
    owner: item.owner,
    due_at: iso(item.dueAtMs),
    priority: item.priority,
    status: item.status,
    overdue: isOverdue(item, nowMs),
    created_at: iso(item.createdAtMs),
    updated_at: iso(item.updatedAtMs),
    completed_at: optionalIso(item.completedAtMs),
    overdue_alerted_at: optionalIso(item.overdueAlertedAtMs),
  };
}

function parseStatuses(text: string | undefined): ActionItemStatus[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((value) => value.trim());
  const bad = values.filter((value) => !(actionItemStatuses as readonly string[]).includes(value));
  if (bad.length > 0) throw new ValidationError([{ field: 'status', message: `unknown status ${bad.map((value) => JSON.stringify(value)).join(', ')}; use ${actionItemStatuses.join(', ')}` }]);
  return values as ActionItemStatus[];
}

/** The cursor holds the last item's (creation time, id): the list's order. */
const cursorKey = (item: ActionItem) => `${item.createdAtMs}:${item.id}`;

function parseCursor(cursor: string | undefined): { createdAtMs: number; id: string } | undefined {
  const key = decodeCursor(cursor, 'string');
  if (key === undefined) return undefined;
  const at = key.indexOf(':');
  const createdAtMs = Number(key.slice(0, at));
  if (at < 0 || !Number.isSafeInteger(createdAtMs)) throw new ValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API; start again without it' }]);
  return { createdAtMs, id: key.slice(at + 1) };
}

export function registerActionItemRoutes(app: FastifyInstance, deps: { actionItems: ActionItemService; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['postmortems'];
  const json = (item: ActionItem) => actionItemJson(item, deps.clock.nowMs());

  async function page(query: Parameters<ActionItemService['list']>[0]) {
    const rows = await deps.actionItems.list({ ...query, limit: query.limit + 1 });
    const { items, next_cursor } = pageOf(rows, query.limit, cursorKey);
    return { items: items.map(json), next_cursor };
  }

  api.get('/api/v1/incidents/:id/action-items', { schema: { tags, summary: "An incident's action items, oldest first", params: IncidentParams, querystring: IncidentListQuery } }, (request) =>
    page({ incidentId: request.params.id, after: parseCursor(request.query.cursor), limit: request.query.limit ?? defaultPageSize }),
  );

  api.post('/api/v1/incidents/:id/action-items', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Add an action item to an incident', params: IncidentParams, body: NewItem } }, async (request, reply) => {
    const { body } = request;
    const item = await deps.actionItems.create(
      request.params.id,
      { title: body.title, owner: body.owner, dueAtMs: parseDueTime(body.due), priority: body.priority, status: body.status },
      request.actor,
    );
    return reply.code(201).header('location', `/api/v1/action-items/${encodeURIComponent(item.id)}`).send(json(item));
  });

  api.get('/api/v1/action-items', { schema: { tags, summary: 'Action items of all incidents, oldest first; filter by status, owner, incident or overdue', querystring: ListQuery } }, (request) => {
    const { query } = request;
    return page({ incidentId: query.incident, status: parseStatuses(query.status), owner: query.owner, overdue: query.overdue === 'true', after: parseCursor(query.cursor), limit: query.limit ?? defaultPageSize });
  });

  api.get('/api/v1/action-items/:id', { schema: { tags, summary: 'One action item', params: ItemParams } }, async (request) => json(await deps.actionItems.get(request.params.id)));

  api.patch('/api/v1/action-items/:id', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Change an action item (title, owner, due, priority, status)', params: ItemParams, body: ItemPatch } }, async (request) => {
    const { due, ...rest } = request.body;
    const change: Partial<ActionItemFields> = { ...rest, ...(due === undefined ? {} : { dueAtMs: parseDueTime(due) }) };
    return json(await deps.actionItems.update(request.params.id, change, request.actor));
  });

  api.delete('/api/v1/action-items/:id', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Delete an action item', params: ItemParams } }, async (request, reply) => {
    await deps.actionItems.delete(request.params.id, request.actor);
    return reply.code(204).send();
  });
}
