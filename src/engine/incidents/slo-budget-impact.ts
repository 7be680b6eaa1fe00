/**
 * The error budget an incident cost each of its linked SLOs: the budget left at the SLO
 * evaluation just before the incident started, minus what was left at its resolution (or now,
 * while it is open). Read from the SLO history the evaluator keeps, so nothing is stored twice.
 * On a rolling window the figure is net: old bad minutes leaving the window during a long
 * incident give some budget back.
 */
import type { Incident } from '../../core/incidents/incident.js';
import type { SloHistoryRepository } from '../../adapters/store/store.js';

export interface SloBudgetImpact {
  slo: string;
  /** Ratio of the whole budget left just before the start, or null when the SLO had no evaluation then. */
  budgetRemainingAtStart: number | null;
  /** Ratio left at the resolution (or now). */
  budgetRemainingAtEnd: number | null;
  /** start - end, as a ratio of the whole budget; null when either end is unknown. */
  budgetBurnedRatio: number | null;
  /** The same in minutes of allowed downtime. */
  budgetBurnedMinutes: number | null;
}

interface BudgetReading {
  ratio: number | null;
  minutes: number | null;
}

function readingOf(data: Record<string, unknown> | undefined): BudgetReading {
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return { ratio: number(data?.budget_remaining), minutes: number(data?.budget_remaining_minutes) };
}

const difference = (start: number | null, end: number | null) => (start === null || end === null ? null : start - end);

export function createSloBudgetImpact(history: Pick<SloHistoryRepository, 'latestAtOrBefore'>) {
  return async function sloBudgetImpact(incident: Incident, nowMs: number): Promise<SloBudgetImpact[]> {
    const endMs = incident.resolvedAtMs ?? nowMs;
    return Promise.all(
      incident.slos.map(async (slo) => {
        const start = readingOf((await history.latestAtOrBefore(slo, incident.startedAtMs))?.data);
        const end = readingOf((await history.latestAtOrBefore(slo, endMs))?.data);
        return {
          slo,
          budgetRemainingAtStart: start.ratio,
          budgetRemainingAtEnd: end.ratio,
          budgetBurnedRatio: difference(start.ratio, end.ratio),
          budgetBurnedMinutes: difference(start.minutes, end.minutes),
        };
      }),
    );
  };
}
