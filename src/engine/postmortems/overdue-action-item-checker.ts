/**
 * Overdue action items into the alert pipeline: every `intervalMs` (and soon after any change
 * to an item) open items past their due time raise `ActionItemOverdue` (labels alertname,
 * incident, action_item, owner, priority, severity) through the alert sink, like the monitor
 * and SLO bridges; the FiringAlertKeeper re-sends them every refresh while they stay overdue.
 * An item that is done, won't be done, deleted or due later again has its alert resolved.
 *
 * Each alerted item is marked in the store (`overdue_alerted_at_ms`), so after a restart the
 * checker still resolves alerts it raised before; the ones it can no longer name (a deleted
 * item) end by themselves once they are no longer re-sent.
 */
import type { ActionItemRepository } from '../../adapters/store/postmortem-repositories.js';
import type { AlertInput, AlertSink } from '../../core/alerting/alert.js';
import type { Clock } from '../../core/clock.js';
import { isOverdue, type ActionItem } from '../../core/postmortems/action-item.js';
import { createFiringAlertKeeper } from '../alerting/rules/firing-alert-keeper.js';
import type { TimerHandle, Timers } from '../timers.js';

export const actionItemOverdueAlertName = 'ActionItemOverdue';

export interface OverdueActionItemCheckerOptions {
  actionItems: Pick<ActionItemRepository, 'overdueCandidates' | 'setOverdueAlerted'>;
  sink: AlertSink;
  clock: Clock;
  timers: Timers;
  /** How often to look for overdue items (default 15 minutes). */
  intervalMs?: number;
  /** `severity` label of the alert (default `warning`). */
  severity?: string;
  /** How often firing alerts are re-sent (default 1 minute, as the other bridges). */
  refreshIntervalMs?: number;
  /** Link to the incident's postmortem, sent as generatorURL. */
  incidentUrlOf?: (incidentId: string) => string;
  onError?: (error: unknown, context: string) => void;
}

export interface OverdueCheckResult {
  /** Items whose alert was raised (or re-raised with new labels) by this check. */
  fired: string[];
  /** Items whose alert was resolved by this check. */
  resolved: string[];
}

export interface OverdueActionItemChecker {
  start(): void;
  stop(): void;
  /** Runs one check now (checks never overlap: a call during a check waits for it and runs after). */
  checkNow(): Promise<OverdueCheckResult>;
  /** Runs a check soon without waiting for it: what ActionItemService's `onChange` calls. */
  checkSoon(): void;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function createOverdueActionItemChecker(options: OverdueActionItemCheckerOptions): OverdueActionItemChecker {
  const { clock, timers } = options;
  const intervalMs = options.intervalMs ?? 15 * 60_000;
  const severity = options.severity ?? 'warning';
  const keeper = createFiringAlertKeeper({ sink: options.sink, source: 'meta', clock, timers, refreshIntervalMs: options.refreshIntervalMs, onError: options.onError });
  let timer: TimerHandle | null = null;
  let started = false;
  let running: Promise<OverdueCheckResult> = Promise.resolve({ fired: [], resolved: [] });

  function alertOf(item: ActionItem): AlertInput {
    const url = options.incidentUrlOf?.(item.incidentId);
    return {
      labels: { alertname: actionItemOverdueAlertName, incident: item.incidentId, action_item: item.id, owner: item.owner, priority: item.priority, severity },
      annotations: {
        summary: `Action item "${item.title}" of ${item.incidentId} is overdue (due ${dayOf(item.dueAtMs)}, owner ${item.owner})`,
        description: `Postmortem action item ${item.id} (${item.priority} priority) is ${item.status.replace('_', ' ')} and was due at ${new Date(item.dueAtMs).toISOString()}.`,
      },
      startsAtMs: item.dueAtMs,
      ...(url === undefined ? {} : { generatorUrl: url }),
    };
  }

  const sameLabels = (a: AlertInput, b: AlertInput) => JSON.stringify(a.labels) === JSON.stringify(b.labels);

  async function check(): Promise<OverdueCheckResult> {
    const nowMs = clock.nowMs();
    const result: OverdueCheckResult = { fired: [], resolved: [] };
    const candidates = await options.actionItems.overdueCandidates(nowMs);
    const seen = new Set<string>();
    for (const item of candidates) {
      seen.add(item.id);
      const firing = keeper.firing().get(item.id);
      if (isOverdue(item, nowMs)) {
        const alert = alertOf(item);
        if (firing !== undefined && sameLabels(firing, alert)) continue;
        // New owner or priority: the old alert is another alert; end it before raising this one.
        if (firing !== undefined) await keeper.resolve(item.id);
        await keeper.fire(item.id, alert);
        result.fired.push(item.id);
        if (item.overdueAlertedAtMs === null) await options.actionItems.setOverdueAlerted(item.id, nowMs);
      } else {
        await keeper.resolve(item.id, { labels: alertOf(item).labels });
        await options.actionItems.setOverdueAlerted(item.id, null);
        result.resolved.push(item.id);
      }
    }
    // Deleted items: firing here but no longer in the store.
    for (const id of [...keeper.firing().keys()].filter((key) => !seen.has(key))) {
      await keeper.resolve(id);
      result.resolved.push(id);
    }
    return result;
  }

  function checkNow(): Promise<OverdueCheckResult> {
    running = running.catch(() => ({ fired: [], resolved: [] })).then(check);
    return running;
  }

  function arm(): void {
    if (!started) return;
    timer = timers.after(intervalMs, () => {
      timer = null;
      void checkNow()
        .catch((error: unknown) => options.onError?.(error, 'checking for overdue action items (retried at the next interval)'))
        .finally(arm);
    });
  }

  return {
    start() {
      if (started) return;
      started = true;
      keeper.start();
      void checkNow()
        .catch((error: unknown) => options.onError?.(error, 'checking for overdue action items at start'))
        .finally(arm);
    },
    stop() {
      started = false;
      timer?.cancel();
      timer = null;
      keeper.stop();
    },
    checkNow,
    checkSoon() {
      void checkNow().catch((error: unknown) => options.onError?.(error, 'checking for overdue action items after a change'));
    },
  };
}
