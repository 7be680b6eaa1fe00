/**
 * Aggregation groups as the dispatcher holds them: which alerts each receiver is told about
 * together. `GET /api/v1/alerts/groups` in sre-monitor's JSON and `GET /api/v2/alerts/groups` in
 * Alertmanager's shape (what amtool and Alertmanager UIs read). As in Alertmanager, resolved
 * alerts are left out and a group whose alerts are all filtered out is not listed.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { matchersMatch, type LabelMatcher } from '../../core/alerting/index.js';
import { compileAnchoredRegex } from '../../core/alerting/label-matcher.js';
import type { Alert } from '../../core/alerting/alert.js';
import { ValidationError } from '../../core/errors.js';
import { alertJson, gettableAlert, iso, type AlertDisposition, type AlertsApi } from '../alerting-api.js';
import { filterMatchers } from './alerts.js';

const flag = (description: string) => Type.Optional(Type.Boolean({ default: true, description }));
const FilterLines = Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 64 })]));

const GroupsQuery = Type.Object({
  active: flag('Include alerts that are neither silenced, inhibited nor muted.'),
  silenced: flag('Include silenced alerts.'),
  inhibited: flag('Include inhibited alerts.'),
  muted: flag('Include alerts muted by a time interval.'),
  filter: FilterLines,
  receiver: Type.Optional(Type.String({ maxLength: 1024, description: "Regex (fully anchored) on the group's receiver." })),
});

interface AlertFilterOptions {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  muted: boolean;
  matchers: LabelMatcher[];
}

/** Alertmanager's alert filter: the state flags and the label matchers. */
function keepAlert(alert: Alert, disposition: AlertDisposition, options: AlertFilterOptions): boolean {
  const isSilenced = disposition.silencedBy.length > 0;
  const isInhibited = disposition.inhibitedBy.length > 0;
  const isMuted = disposition.mutedBy.length > 0;
  if (!options.silenced && isSilenced) return false;
  if (!options.inhibited && isInhibited) return false;
  if (!options.muted && isMuted) return false;
  if (!options.active && !isSilenced && !isInhibited && !isMuted) return false;
  return options.matchers.length === 0 || matchersMatch(options.matchers, alert.labels);
}

function receiverRegex(source: string | undefined) {
  if (source === undefined) return undefined;
  try {
    return compileAnchoredRegex(source);
  } catch (error) {
    throw new ValidationError([{ field: 'receiver', message: error instanceof Error ? error.message : String(error) }]);
  }
}

function matchersOf(filter: string | string[] | undefined): LabelMatcher[] {
  if (filter === undefined) return [];
  if (!Array.isArray(filter)) return filterMatchers(filter) ?? [];
  return filter.flatMap((line, index) => filterMatchers(line, `filter[${index}]`) ?? []);
}

export function registerAlertGroupRoutes(app: FastifyInstance, deps: { alerts: AlertsApi; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  /** Groups with their kept alerts (firing only), each alert with its disposition. */
  const filteredGroups = (query: { active?: boolean; silenced?: boolean; inhibited?: boolean; muted?: boolean; filter?: string | string[]; receiver?: string }) => {
    const nowMs = deps.clock.nowMs();
    const options: AlertFilterOptions = {
      active: query.active ?? true,
      silenced: query.silenced ?? true,
      inhibited: query.inhibited ?? true,
      muted: query.muted ?? true,
      matchers: matchersOf(query.filter),
    };
    const receiver = receiverRegex(query.receiver);
    return deps.alerts
      .groups()
      .filter((group) => receiver === undefined || receiver.matches(group.receiver))
      .map((group) => ({
        group,
        alerts: group.alerts
          .filter((alert) => alert.endsAtMs > nowMs)
          .map((alert) => ({ alert, disposition: deps.alerts.disposition(alert) }))
          .filter(({ alert, disposition }) => keepAlert(alert, disposition, options)),
      }))
      .filter(({ alerts }) => alerts.length > 0);
  };

  api.get('/api/v1/alerts/groups', { schema: { tags: ['alerts'], summary: 'Aggregation groups: which firing alerts each receiver is told about together', querystring: GroupsQuery } }, (request) => {
    const nowMs = deps.clock.nowMs();
    const items = filteredGroups(request.query).map(({ group, alerts }) => ({
      group_key: group.groupKey,
      receiver: group.receiver,
      labels: group.labels,
      next_flush_at: iso(group.nextFlushAtMs),
      last_flush_at: group.lastFlushAtMs === null ? null : iso(group.lastFlushAtMs),
      alerts: alerts.map(({ alert, disposition }) => alertJson(alert, disposition, nowMs)),
    }));
    return Promise.resolve({ items });
  });

  api.get('/api/v2/alerts/groups', { schema: { tags: ['alertmanager v2'], summary: 'Alert groups (Alertmanager v2)', querystring: GroupsQuery } }, (request) =>
    Promise.resolve(
      filteredGroups(request.query).map(({ group, alerts }) => ({
        labels: group.labels,
        receiver: { name: group.receiver },
        alerts: alerts.map(({ alert, disposition }) => gettableAlert(alert, disposition)),
      })),
    ),
  );
}
