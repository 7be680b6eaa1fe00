/**
 * The RunbookStatusSources wait_verify steps read, built over the monitor and SLO services: a
 * monitor's current status, an SLO's SLI and remaining budget from its latest evaluation. An
 * unknown name answers null (the step then fails at once instead of waiting for its timeout).
 */
import { DomainError } from '../../core/errors.js';
import type { MonitorService } from '../monitors/monitor-service.js';
import type { SloService } from '../slos/slo-service.js';
import type { RunbookStatusSources } from './step-actions.js';

function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'not_found';
}

export function createRunbookStatusSources(deps: { monitors: Pick<MonitorService, 'get'>; slos: Pick<SloService, 'get'> }): RunbookStatusSources {
  return {
    async monitorStatus(name) {
      try {
        return (await deps.monitors.get(name)).state.status.status;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    sloStatus(name) {
      try {
        const status = deps.slos.get(name).status;
        return Promise.resolve({ sliRatio: status?.sli.ratio ?? null, budgetRemainingRatio: status?.errorBudget.remainingRatio ?? null });
      } catch (error) {
        if (isNotFound(error)) return Promise.resolve(null);
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}
