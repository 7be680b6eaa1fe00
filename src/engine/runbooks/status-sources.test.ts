import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import type { MonitorService } from '../monitors/monitor-service.js';
import type { SloService } from '../slos/slo-service.js';
import { createRunbookStatusSources } from './status-sources.js';

type MonitorView = Awaited<ReturnType<MonitorService['get']>>;
type SloView = ReturnType<SloService['get']>;

describe('createRunbookStatusSources', () => {
  const sources = createRunbookStatusSources({
    monitors: {
      get: (name) => (name === 'api-health' ? Promise.resolve({ state: { status: { status: 'down' } } } as unknown as MonitorView) : Promise.reject(new NotFoundError('monitor', name))),
    },
    slos: {
      get: (name) => {
        if (name === 'fresh') return { status: null } as unknown as SloView;
        if (name === 'api') return { status: { sli: { ratio: 0.998 }, errorBudget: { remainingRatio: 0.25 } } } as unknown as SloView;
        throw new NotFoundError('SLO', name);
      },
    },
  });

  it.each([
    ['a known monitor', () => sources.monitorStatus('api-health'), 'down'],
    ['an unknown monitor', () => sources.monitorStatus('nope'), null],
    ['an evaluated SLO', () => sources.sloStatus('api'), { sliRatio: 0.998, budgetRemainingRatio: 0.25 }],
    ['an SLO not evaluated yet', () => sources.sloStatus('fresh'), { sliRatio: null, budgetRemainingRatio: null }],
    ['an unknown SLO', () => sources.sloStatus('nope'), null],
  ])('%s', async (_name, read, expected) => {
    expect(await read()).toEqual(expected);
  });
});
