/**
 * Alerts by fingerprint, kept so a restart resumes the pipeline with every firing alert (and
 * recently resolved ones) instead of waiting for senders to re-send them. Upserts are chunked
 * multi-row statements: one Prometheus push may carry thousands of alerts.
 */
import type { Selectable } from 'kysely';
import type { Alert } from '../../core/alerting/alert.js';
import type { LabelSet } from '../../core/alerting/label-matcher.js';
import type { AlertRepository } from './alerting-repositories.js';
import { lastPerKey, writeInChunks } from './batched-writes.js';
import type { AlertsTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';

const parametersPerRow = 11;

function toRow(alert: Alert) {
  return {
    fingerprint: alert.fingerprint,
    labels_json: JSON.stringify(alert.labels),
    annotations_json: JSON.stringify(alert.annotations),
    starts_at_ms: alert.startsAtMs,
    ends_at_ms: alert.endsAtMs,
    ends_at_from_timeout: alert.endsAtFromTimeout ? 1 : 0,
    updated_at_ms: alert.updatedAtMs,
    generator_url: alert.generatorUrl,
    source: alert.source,
    acknowledged_by: alert.acknowledgedBy,
    acknowledged_at_ms: alert.acknowledgedAtMs,
  };
}

function fromRow(row: Selectable<AlertsTable>): Alert {
  return {
    fingerprint: row.fingerprint,
    labels: JSON.parse(row.labels_json) as LabelSet,
    annotations: JSON.parse(row.annotations_json) as LabelSet,
    // int8 arrives as a string from node-postgres.
    startsAtMs: Number(row.starts_at_ms),
    endsAtMs: Number(row.ends_at_ms),
    endsAtFromTimeout: row.ends_at_from_timeout === 1,
    updatedAtMs: Number(row.updated_at_ms),
    generatorUrl: row.generator_url,
    source: row.source,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAtMs: row.acknowledged_at_ms === null ? null : Number(row.acknowledged_at_ms),
  };
}

export function createAlertRepository(executor: StoreExecutor): AlertRepository {
  return {
    async upsert(alerts) {
      const rows = lastPerKey(alerts, (alert) => alert.fingerprint).map(toRow);
      await writeInChunks(executor, rows, parametersPerRow, async (writer, chunk) => {
        await writer
          .insertInto('alerts')
          .values(chunk)
          .onConflict((onConflict) =>
            onConflict.column('fingerprint').doUpdateSet((eb) => ({
              labels_json: eb.ref('excluded.labels_json'),
              annotations_json: eb.ref('excluded.annotations_json'),
              starts_at_ms: eb.ref('excluded.starts_at_ms'),
              ends_at_ms: eb.ref('excluded.ends_at_ms'),
              ends_at_from_timeout: eb.ref('excluded.ends_at_from_timeout'),
              updated_at_ms: eb.ref('excluded.updated_at_ms'),
              generator_url: eb.ref('excluded.generator_url'),
              source: eb.ref('excluded.source'),
              acknowledged_by: eb.ref('excluded.acknowledged_by'),
              acknowledged_at_ms: eb.ref('excluded.acknowledged_at_ms'),
            })),
          )
          .execute();
      });
    },

    async all() {
      const rows = await executor.selectFrom('alerts').selectAll().orderBy('fingerprint').execute();
      return rows.map(fromRow);
    },

    async get(fingerprint) {
      const row = await executor.selectFrom('alerts').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async deleteResolvedBefore(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      // Neither dialect has a portable DELETE ... LIMIT; the key subquery is the bounded batch.
      const oldest = executor
        .selectFrom('alerts')
        .select('fingerprint')
        .where('ends_at_ms', '<', beforeMs)
        .orderBy('ends_at_ms')
        .orderBy('fingerprint')
        .limit(limit);
      const result = await executor.deleteFrom('alerts').where('fingerprint', 'in', oldest).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
