/**
 * The rules as Prometheus' `GET /api/v1/rules` answers them (`data.groups[].rules[]`), so
 * Grafana and other tools that read a Prometheus' rules can read sre-monitor's. One group per
 * evaluation interval; alerts are the pending and firing ones (Prometheus leaves resolved
 * alerts out); durations in seconds, times RFC 3339, values as Go's `%e` shortest form.
 */
import { formatGoE, formatRuleExpression } from '../../../core/alerting/rules/index.js';
import { formatDurationMs } from '../../../core/duration.js';
import type { RuleStatus } from './rule-evaluator.js';

export interface PrometheusRuleAlertJson {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  keepFiringSince?: string;
  value: string;
}

export interface PrometheusAlertingRuleJson {
  type: 'alerting';
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: PrometheusRuleAlertJson[];
  state: 'inactive' | 'pending' | 'firing';
  health: 'unknown' | 'ok' | 'err';
  /** Left out when there is none, as Prometheus does. */
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface PrometheusRuleGroupJson {
  name: string;
  file: string;
  interval: number;
  limit: number;
  rules: PrometheusAlertingRuleJson[];
  evaluationTime: number;
  lastEvaluation: string;
}

/** Go's zero time, which Prometheus prints for "never evaluated". */
const zeroTime = '0001-01-01T00:00:00Z';

const iso = (ms: number | null): string => (ms === null ? zeroTime : new Date(ms).toISOString());

export function prometheusRuleGroups(statuses: readonly RuleStatus[]): { groups: PrometheusRuleGroupJson[] } {
  const byInterval = new Map<number, RuleStatus[]>();
  for (const status of statuses) byInterval.set(status.spec.intervalMs, [...(byInterval.get(status.spec.intervalMs) ?? []), status]);
  const groups = [...byInterval.entries()]
    .sort(([a], [b]) => a - b)
    .map(([intervalMs, members]): PrometheusRuleGroupJson => {
      const rules = members.map(ruleJson);
      const last = Math.max(...members.map((member) => member.lastEvaluationAtMs ?? Number.NEGATIVE_INFINITY));
      return {
        name: `every ${formatDurationMs(intervalMs)}`,
        file: 'alerting.rules',
        interval: intervalMs / 1000,
        limit: 0,
        rules,
        evaluationTime: rules.reduce((sum, rule) => sum + rule.evaluationTime, 0),
        lastEvaluation: Number.isFinite(last) ? iso(last) : zeroTime,
      };
    });
  return { groups };
}

function ruleJson(status: RuleStatus): PrometheusAlertingRuleJson {
  const json: PrometheusAlertingRuleJson = {
    type: 'alerting',
    name: status.name,
    query: formatRuleExpression(status.spec.expr),
    duration: status.spec.forMs / 1000,
    keepFiringFor: status.spec.keepFiringForMs / 1000,
    labels: { ...status.labels },
    annotations: { ...status.annotations },
    alerts: status.alerts.flatMap((alert): PrometheusRuleAlertJson[] => {
      if (alert.state === 'resolved') return [];
      const json: PrometheusRuleAlertJson = { labels: { ...alert.labels }, annotations: { ...alert.annotations }, state: alert.state, activeAt: iso(alert.activeAtMs), value: formatGoE(alert.value, null) };
      if (alert.keepFiringSinceMs !== null) json.keepFiringSince = iso(alert.keepFiringSinceMs);
      return [json];
    }),
    state: status.state,
    health: status.health,
    evaluationTime: (status.lastEvaluationDurationMs ?? 0) / 1000,
    lastEvaluation: iso(status.lastEvaluationAtMs),
  };
  if (status.lastError !== null) json.lastError = status.lastError;
  return json;
}
