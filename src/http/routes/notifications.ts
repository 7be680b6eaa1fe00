/**
 * `/api/v1/notifications`: the durable outbox. Every notification is stored before it is sent;
 * this lists them by status (`pending`, `sent`, `dead`), shows why a dead one failed, and puts a
 * dead one back in line by hand (`POST /:id/retry`) once its receiver is fixed.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { OutboxItem, OutboxRepository } from '../../adapters/store/alerting-repositories.js';
import { iso } from '../alerting-api.js';
import { PaginationQuery, decodeCursor, defaultPageSize, pageOf } from '../pagination.js';

export interface NotificationsApi {
  outbox: Pick<OutboxRepository, 'list' | 'get' | 'countByStatus'>;
  /** Puts a dead notification back to pending and wakes the delivery loop; false when it is not dead. */
  retryDead(id: number): Promise<boolean>;
}

const ListQuery = Type.Object(
  {
    ...PaginationQuery,
    status: Type.Optional(Type.Enum(['pending', 'sent', 'dead'])),
    receiver: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export function notificationJson(item: OutboxItem) {
  const { notification } = item;
  return {
    id: item.id,
    status: item.status,
    receiver: notification.integration.receiver,
    integration: `${notification.integration.key}[${notification.integration.index}]`,
    group_key: notification.groupKey,
    notification_status: notification.status,
    acknowledged: notification.acknowledged,
    alerts: notification.alerts.length,
    alert_names: [...new Set(notification.alerts.map((alert) => alert.labels.alertname ?? ''))].filter((name) => name !== ''),
    idempotency_key: notification.idempotencyKey,
    attempts: item.attempts,
    next_attempt_at: item.status === 'pending' ? iso(item.nextAttemptAtMs) : null,
    last_error: item.lastError,
    last_reason: item.lastReason,
    created_at: iso(item.createdAtMs),
    finished_at: item.finishedAtMs === null ? null : iso(item.finishedAtMs),
  };
}

export function registerNotificationRoutes(app: FastifyInstance, deps: { notifications: NotificationsApi }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['notifications'];
  const { outbox } = deps.notifications;

  api.get('/api/v1/notifications', { schema: { tags, summary: 'The outbox, newest first; status=dead is the dead-letter list', querystring: ListQuery } }, async (request) => {
    const limit = request.query.limit ?? defaultPageSize;
    const rows = await outbox.list({ status: request.query.status, receiver: request.query.receiver, beforeId: decodeCursor(request.query.cursor, 'number'), limit: limit + 1 });
    const page = pageOf(rows, limit, (item) => item.id);
    return { items: page.items.map(notificationJson), next_cursor: page.next_cursor, counts: await outbox.countByStatus() };
  });

  api.get('/api/v1/notifications/:id', { schema: { tags, summary: 'One notification with its payload', params: IdParams } }, async (request) => {
    const item = await outbox.get(request.params.id);
    if (item === undefined) throw new NotFoundError('notification', String(request.params.id));
    // Ack links act without a login: a viewer reading the payload must not get them.
    const notification = { ...item.notification, alerts: item.notification.alerts.map((alert) => ({ ...alert, ackUrl: alert.ackUrl === null ? null : '<hidden>' })) };
    return { ...notificationJson(item), notification };
  });

  api.post('/api/v1/notifications/:id/retry', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Send a dead notification again', params: IdParams } }, async (request) => {
    const item = await outbox.get(request.params.id);
    if (item === undefined) throw new NotFoundError('notification', String(request.params.id));
    if (!(await deps.notifications.retryDead(item.id))) throw new ConflictError(`notification ${item.id} is ${item.status}, not dead; only dead notifications can be retried`);
    const after = await outbox.get(item.id);
    return notificationJson(after ?? item);
  });
}
