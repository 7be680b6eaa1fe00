/**
 * The `postmortems:` section: the overdue action item check (how often, the severity of its
 * ActionItemOverdue alert, on or off) and the targets incident reports are held to (seeds
 * 001/004: MTTR below 30 minutes, MTBF above 7 days). Ranges are checked by
 * `postmortemsProblems`, called from semantic-checks.ts, so a bad value names its line.
 */
import Type from 'typebox';
import { durationSchemaPattern, formatDurationMs, parseDurationMs } from '../core/duration.js';
import type { PathProblem } from './schema-errors.js';

const strict = { additionalProperties: false } as const;

const Duration = (description: string, defaultValue: string) =>
  Type.String({ pattern: durationSchemaPattern, description: `${description} (Prometheus duration: 30s, 5m, 1h, 7d)`, default: defaultValue });

export const PostmortemsSection = Type.Object(
  {
    overdue_alerts: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Raise ActionItemOverdue alerts for action items past their due date.' }),
        check_interval: Duration('How often to look for overdue action items (1m to 1d); changes to an item are checked at once', '15m'),
        severity: Type.String({ minLength: 1, maxLength: 64, default: 'warning', description: 'The `severity` label of ActionItemOverdue alerts, for routing.' }),
      },
      { ...strict, default: {}, description: 'Alerts for overdue postmortem action items, sent through the alert pipeline.' },
    ),
    targets: Type.Object(
      {
        mttr: Duration('Incident reports mark MTTR (detection to resolution) as met below this', '30m'),
        mtbf: Duration('Incident reports mark MTBF (between incident starts, per service) as met above this', '7d'),
      },
      { ...strict, default: {}, description: 'Targets of GET /api/v1/reports/incidents.' },
    ),
  },
  { ...strict, default: {}, description: 'Postmortems, their action items and incident reports; see docs/postmortems.md.' },
);

export interface PostmortemSettings {
  overdueAlerts: { enabled: boolean; checkIntervalMs: number; severity: string };
  targets: { mttrMs: number; mtbfMs: number };
}

interface RawPostmortems {
  overdue_alerts: { enabled: boolean; check_interval: string; severity: string };
  targets: { mttr: string; mtbf: string };
}

const ranges = (section: RawPostmortems): Array<[string[], string, number, number]> => [
  [['postmortems', 'overdue_alerts', 'check_interval'], section.overdue_alerts.check_interval, 60_000, 86_400_000],
  [['postmortems', 'targets', 'mttr'], section.targets.mttr, 1000, 30 * 86_400_000],
  [['postmortems', 'targets', 'mtbf'], section.targets.mtbf, 60_000, 366 * 86_400_000],
];

export function postmortemsProblems(section: RawPostmortems): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const [path, text, min, max] of ranges(section)) {
    const value = parseDurationMs(text);
    if (value === undefined || value < min || value > max) problems.push({ path, message: `must be a duration from ${formatDurationMs(min)} to ${formatDurationMs(max)}, got ${text}` });
  }
  return problems;
}

export function toPostmortemSettings(section: RawPostmortems): PostmortemSettings {
  const ms = (text: string) => parseDurationMs(text) ?? 0;
  return {
    overdueAlerts: { enabled: section.overdue_alerts.enabled, checkIntervalMs: ms(section.overdue_alerts.check_interval), severity: section.overdue_alerts.severity },
    targets: { mttrMs: ms(section.targets.mttr), mtbfMs: ms(section.targets.mtbf) },
  };
}
