/**
 * Part of the composition root: postmortems, action items (with their overdue alerts through
 * the alert pipeline) and the incident report, over the incident service. Only app.ts calls it.
 */
import type { Logger } from 'pino';
import type { AlertSink } from './core/alerting/alert.js';
import type { Clock } from './core/clock.js';
import type { Store } from './adapters/store/store.js';
import type { PostmortemSettings } from './config/postmortems-section.js';
import type { IncidentReader, IncidentTimelineWriter } from './engine/incidents/incident-ports.js';
import { createActionItemService, type ActionItemService } from './engine/postmortems/action-item-service.js';
import { createIncidentReportService, type IncidentReportService } from './engine/postmortems/incident-report-service.js';
import { createOverdueActionItemChecker, type OverdueActionItemChecker } from './engine/postmortems/overdue-action-item-checker.js';
import { createPostmortemService, type PostmortemService } from './engine/postmortems/postmortem-service.js';
import type { Timers } from './engine/timers.js';

export interface PostmortemsWiring {
  postmortems: PostmortemService;
  actionItems: ActionItemService;
  reports: IncidentReportService;
  /** Null when `postmortems.overdue_alerts.enabled` is false. */
  overdueChecker: OverdueActionItemChecker | null;
  /** Call after the alert pipeline has started: overdue alerts go into it. */
  start(): void;
  stop(): void;
}

export interface PostmortemsWiringOptions {
  store: Store;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  settings: PostmortemSettings;
  incidents: IncidentReader & IncidentTimelineWriter;
  alertSink: AlertSink;
  externalUrl: string;
  /** The configured people (action item owners are checked against them when there are any). */
  people: () => readonly string[];
}

export function createPostmortemsWiring(options: PostmortemsWiringOptions): PostmortemsWiring {
  const { store, clock, settings } = options;
  const onError = (error: unknown, context: string): void => options.logger.error({ err: error }, context);
  const overdueChecker = settings.overdueAlerts.enabled
    ? createOverdueActionItemChecker({
        actionItems: store.actionItems,
        sink: options.alertSink,
        clock,
        timers: options.timers,
        intervalMs: settings.overdueAlerts.checkIntervalMs,
        severity: settings.overdueAlerts.severity,
        incidentUrlOf: (id) => `${options.externalUrl}/api/v1/incidents/${encodeURIComponent(id)}/postmortem`,
        onError,
      })
    : null;
  const postmortems = createPostmortemService({ store, incidents: options.incidents, timeline: options.incidents, clock, onError });
  const actionItems = createActionItemService({
    store,
    incidents: options.incidents,
    clock,
    knownPeople: () => {
      const people = options.people();
      return people.length === 0 ? null : new Set(people);
    },
    onChange: overdueChecker === null ? undefined : () => overdueChecker.checkSoon(),
  });
  const reports = createIncidentReportService({ incidents: options.incidents, actionItems: store.actionItems, clock, targets: settings.targets });
  return {
    postmortems,
    actionItems,
    reports,
    overdueChecker,
    start: () => overdueChecker?.start(),
    stop: () => overdueChecker?.stop(),
  };
}
