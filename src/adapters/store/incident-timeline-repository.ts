/**
 * Incident timelines: append-only, read in (at_ms, id) order, the order of
 * `incident_timeline_incident_idx`. Ids come from the table's identity / AUTOINCREMENT column,
 * so they increase in append order and break ties between entries of the same millisecond.
 */
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { TimelineEntry } from '../../core/incidents/incident.js';
import type { IncidentTimelineTable } from './database-schema.js';
import { atomically, type StoreExecutor } from './executor.js';
import type { IncidentTimelineRepository } from './incident-repositories.js';
import { isForeignKeyViolation } from './sql-errors.js';

function fromRow(row: Selectable<IncidentTimelineTable>): TimelineEntry {
  return {
    // int8 arrives as a string from node-postgres; ids and times stay far below 2^53.
    id: Number(row.id),
    incidentId: row.incident_id,
    atMs: Number(row.at_ms),
    actor: row.actor,
    kind: row.kind,
    message: row.message,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
  };
}

export function createIncidentTimelineRepository(executor: StoreExecutor): IncidentTimelineRepository {
  return {
    async append(entries) {
      if (entries.length === 0) return [];
      try {
        // One statement per entry: neither dialect promises that a multi-row RETURNING comes
        // back in VALUES order, and a timeline append is a handful of entries at most.
        return await atomically(executor, async (writer) => {
          const appended: TimelineEntry[] = [];
          for (const entry of entries) {
            const { id } = await writer
              .insertInto('incident_timeline')
              .values({
                incident_id: entry.incidentId,
                at_ms: entry.atMs,
                actor: entry.actor,
                kind: entry.kind,
                message: entry.message,
                data_json: JSON.stringify(entry.data),
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            appended.push({ ...entry, id: Number(id) });
          }
          return appended;
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          const missing = [...new Set(entries.map((entry) => entry.incidentId))].join(', ');
          throw new NotFoundError('incident', missing);
        }
        throw error;
      }
    },

    async list(incidentId) {
      const rows = await executor
        .selectFrom('incident_timeline')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('at_ms')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },
  };
}
