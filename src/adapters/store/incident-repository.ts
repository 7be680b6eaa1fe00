/**
 * Incidents by id, the services they affect and the per-day id counter.
 *
 * `incident_services` mirrors each incident's services and is rewritten in the same transaction
 * as the incident row (like `service_tags`), so the service filter never sees a half-written
 * incident. Pages are keyset pages on (started_at_ms desc, id desc), the order of
 * `incidents_started_idx`, so a page costs the same however deep it is and rows inserted while a
 * client pages never shift it into duplicates or gaps.
 */
import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { Incident, IncidentRoles, IncidentStatus } from '../../core/incidents/incident.js';
import type { Database, IncidentsTable } from './database-schema.js';
import { atomically, checkLimit, type StoreExecutor } from './executor.js';
import type { IncidentListQuery, IncidentRepository } from './incident-repositories.js';
import { parseStringArray } from './json-text.js';
import { isUniqueViolation } from './sql-errors.js';

const openStatuses: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring'];
const dayKeyPattern = /^\d{8}$/;

function toRow(incident: Incident): Insertable<IncidentsTable> {
  return {
    id: incident.id,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    status: incident.status,
    services_json: JSON.stringify(incident.services),
    alerts_json: JSON.stringify(incident.alerts),
    slos_json: JSON.stringify(incident.slos),
    roles_json: JSON.stringify(incident.roles),
    customer_impact: incident.customerImpact,
    labels_json: JSON.stringify(incident.labels),
    correlation_key: incident.correlationKey,
    started_at_ms: incident.startedAtMs,
    detected_at_ms: incident.detectedAtMs,
    acknowledged_at_ms: incident.acknowledgedAtMs,
    acknowledged_by: incident.acknowledgedBy,
    resolved_at_ms: incident.resolvedAtMs,
    resolved_by: incident.resolvedBy,
    created_by: incident.createdBy,
    updated_at_ms: incident.updatedAtMs,
    reopen_count: incident.reopenCount,
  };
}

// int8 arrives as a string from node-postgres; times stay far below 2^53.
const nullableMillis = (value: number | string | null): number | null => (value === null ? null : Number(value));

function fromRow(row: Selectable<IncidentsTable>): Incident {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    services: parseStringArray(row.services_json),
    alerts: parseStringArray(row.alerts_json),
    slos: parseStringArray(row.slos_json),
    roles: JSON.parse(row.roles_json) as IncidentRoles,
    customerImpact: row.customer_impact,
    labels: JSON.parse(row.labels_json) as Record<string, string>,
    correlationKey: row.correlation_key,
    startedAtMs: Number(row.started_at_ms),
    detectedAtMs: Number(row.detected_at_ms),
    acknowledgedAtMs: nullableMillis(row.acknowledged_at_ms),
    acknowledgedBy: row.acknowledged_by,
    resolvedAtMs: nullableMillis(row.resolved_at_ms),
    resolvedBy: row.resolved_by,
    createdBy: row.created_by,
    updatedAtMs: Number(row.updated_at_ms),
    reopenCount: Number(row.reopen_count),
  };
}

function conflict(id: string): ConflictError {
  return new ConflictError(`incident '${id}' already exists`, [{ field: 'id', message: 'already exists' }]);
}

async function writeServices(executor: StoreExecutor, incident: Incident): Promise<void> {
  // A repeated service is harmless in the incident's list but must appear once in the index table.
  const services = [...new Set(incident.services)];
  if (services.length === 0) return;
  await executor
    .insertInto('incident_services')
    .values(services.map((service) => ({ incident_id: incident.id, service })))
    .execute();
}

type IncidentScope = ExpressionBuilder<Database, 'incidents'>;

function affecting(executor: StoreExecutor, service: string) {
  return (eb: IncidentScope) =>
    eb('id', 'in', executor.selectFrom('incident_services').select('incident_id').where('service', '=', service));
}

export function createIncidentRepository(executor: StoreExecutor): IncidentRepository {
  return {
    async nextDayNumber(dayKey) {
      if (!dayKeyPattern.test(dayKey)) {
        throw new ValidationError([{ field: 'dayKey', message: `must be YYYYMMDD, got '${dayKey}'` }]);
      }
      // One statement, so concurrent callers (other connections, other processes) each get their
      // own number: the row lock taken by ON CONFLICT DO UPDATE serialises them in PostgreSQL,
      // and SQLite runs one writer at a time.
      const row = await executor
        .insertInto('incident_day_counters')
        .values({ day_key: dayKey, last_number: 1 })
        .onConflict((onConflict) =>
          onConflict.column('day_key').doUpdateSet((eb) => ({ last_number: eb('incident_day_counters.last_number', '+', 1) })),
        )
        .returning('last_number')
        .executeTakeFirstOrThrow();
      return Number(row.last_number);
    },

    async insert(incident) {
      try {
        await atomically(executor, async (writer) => {
          // ON CONFLICT DO NOTHING rather than catching the violation: in PostgreSQL a failed
          // statement aborts the surrounding transaction, and the caller may carry on in it.
          const result = await writer
            .insertInto('incidents')
            .values(toRow(incident))
            .onConflict((onConflict) => onConflict.column('id').doNothing())
            .executeTakeFirst();
          if (result.numInsertedOrUpdatedRows === 0n) throw conflict(incident.id);
          await writeServices(writer, incident);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(incident.id);
        throw error;
      }
    },

    async update(incident) {
      await atomically(executor, async (writer) => {
        const { id: _id, ...columns } = toRow(incident);
        const result = await writer.updateTable('incidents').set(columns).where('id', '=', incident.id).executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new NotFoundError('incident', incident.id);
        await writer.deleteFrom('incident_services').where('incident_id', '=', incident.id).execute();
        await writeServices(writer, incident);
      });
    },

    async get(id) {
      const row = await executor.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async list(query: IncidentListQuery) {
      const limit = checkLimit(query.limit);
      // An empty set matches nothing (and `in ()` is not valid SQL).
      if (limit === 0 || query.status?.length === 0 || query.severity?.length === 0) return [];
      let select = executor
        .selectFrom('incidents')
        .selectAll()
        .orderBy('started_at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (query.status !== undefined) select = select.where('status', 'in', query.status);
      if (query.severity !== undefined) select = select.where('severity', 'in', query.severity);
      if (query.service !== undefined) select = select.where(affecting(executor, query.service));
      if (query.fromMs !== undefined) select = select.where('started_at_ms', '>=', query.fromMs);
      if (query.toMs !== undefined) select = select.where('started_at_ms', '<', query.toMs);
      const before = query.before;
      if (before !== undefined) {
        select = select.where((eb) =>
          eb.or([
            eb('started_at_ms', '<', before.startedAtMs),
            eb.and([eb('started_at_ms', '=', before.startedAtMs), eb('id', '<', before.id)]),
          ]),
        );
      }
      return (await select.execute()).map(fromRow);
    },

    async open() {
      const rows = await executor
        .selectFrom('incidents')
        .selectAll()
        .where('status', 'in', openStatuses)
        .orderBy('started_at_ms')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async overlapping(fromMs, toMs, service) {
      // Open over [startedAtMs, resolvedAtMs): one resolved exactly at fromMs was not open at
      // fromMs. An incident whose status is open counts as unresolved even if it carries the
      // time of an earlier resolution (reopened).
      let select = executor
        .selectFrom('incidents')
        .selectAll()
        .where('started_at_ms', '<', toMs)
        .where((eb) => eb.or([eb('status', 'in', openStatuses), eb('resolved_at_ms', 'is', null), eb('resolved_at_ms', '>', fromMs)]))
        .orderBy('started_at_ms')
        .orderBy('id');
      if (service !== undefined) select = select.where(affecting(executor, service));
      return (await select.execute()).map(fromRow);
    },
  };
}
