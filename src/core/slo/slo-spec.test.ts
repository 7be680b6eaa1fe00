import { describe, expect, it } from 'vitest';
import { defaultBurnRateAlerting } from './burn-rate-alerting.js';
import type { SloDocument } from './slo-document.js';
import { sloDocumentFromSpec, sloSpecFromDocument } from './slo-spec.js';
import { dayMs, hourMs, minuteMs } from './slo-window.js';

const base: SloDocument = { name: 'api-availability', service: 'api', objective: '99.9%', sli: { events: {} } };

describe('SLO spec from its written form', () => {
  it('fills the defaults: 30d rolling, occurrences, no labels, the standard alert tables', () => {
    const { spec, problems } = sloSpecFromDocument(base);
    expect(problems).toEqual([]);
    expect(spec).toEqual({
      name: 'api-availability',
      service: 'api',
      description: null,
      objectiveRatio: 0.999,
      window: { kind: 'rolling', durationMs: 30 * dayMs },
      budgeting: { kind: 'occurrences' },
      labels: {},
      alerting: defaultBurnRateAlerting,
      sli: { kind: 'events', goodWhen: null },
    });
  });

  it.each<[Partial<SloDocument>, Partial<ReturnType<typeof sloSpecFromDocument>['spec']>]>([
    [{ objective: 0.995 }, { objectiveRatio: 0.995 }],
    [{ objective: 99.5 }, { objectiveRatio: 0.995 }],
    [{ window: '7d' }, { window: { kind: 'rolling', durationMs: 7 * dayMs } }],
    [{ window: { calendar: 'month' } }, { window: { kind: 'calendar', unit: 'month', timeZone: 'UTC' } }],
    [{ window: { calendar: 'week', time_zone: 'Europe/Berlin' } }, { window: { kind: 'calendar', unit: 'week', timeZone: 'Europe/Berlin' } }],
    [{ budgeting: { timeslices: { slice: '1m', target: '95%' } } }, { budgeting: { kind: 'timeslices', sliceMs: minuteMs, sliceTargetRatio: 0.95 } }],
    [{ alerting: false }, { alerting: null }],
    [{ alerting: { page: false } }, { alerting: { page: [], ticket: defaultBurnRateAlerting.ticket } }],
    [{ alerting: { ticket: [{ long: '6h', short: '30m', factor: 2 }] } }, { alerting: { page: defaultBurnRateAlerting.page, ticket: [{ longWindowMs: 6 * hourMs, shortWindowMs: 30 * minuteMs, factor: 2 }] } }],
    [{ sli: { monitor: { name: 'api-health', metric: 'availability' } } }, { sli: { kind: 'monitor', monitor: 'api-health', metric: 'availability' } }],
    [{ sli: { monitor: { name: 'api-health', metric: 'latency', threshold: '500ms' } } }, { sli: { kind: 'monitor', monitor: 'api-health', metric: 'latency', thresholdMs: 500 } }],
    [{ sli: { events: { good_when: 'status < 500' } } }, { sli: { kind: 'events', goodWhen: 'status < 500' } }],
    [{ sli: { prometheus: { url: 'http://127.0.0.1:9090', good: 'a', total: 'b' } } }, { sli: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'good_total', good: 'a', total: 'b' } } }],
    [{ sli: { prometheus: { url: 'http://127.0.0.1:9090', bad: 'a', total: 'b' } } }, { sli: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'bad_total', bad: 'a', total: 'b' } } }],
    [{ sli: { prometheus: { url: 'http://127.0.0.1:9090', error_ratio: 'r' } } }, { sli: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'error_ratio', errorRatio: 'r' } } }],
    [
      { sli: { prometheus: { url: 'http://127.0.0.1:9090', threshold: { query: 'q', op: 'lt', value: 0.5 } } } },
      { sli: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'threshold', query: 'q', operator: 'lt', threshold: 0.5 } } },
    ],
  ])('reads %j', (change, expected) => {
    const { spec, problems } = sloSpecFromDocument({ ...base, ...change });
    expect(problems).toEqual([]);
    expect(spec).toMatchObject(expected);
  });

  it.each<[Partial<SloDocument>, string, string]>([
    [{ objective: 100 }, 'objective', 'below 100%'],
    [{ objective: 0 }, 'objective', 'above 0'],
    [{ objective: '99.9 percent' }, 'objective', 'must be a number'],
    [{ window: '30 days' }, 'window', 'must be a duration from 1h to 90d'],
    [{ window: '91d' }, 'window', 'from 1h to 90d'],
    [{ window: { calendar: 'month', time_zone: 'Nowhere/Town' } }, 'window.time_zone', 'unknown time zone'],
    [{ window: '1d' }, 'alerting', 'the default ticket alerts read windows up to 3d, longer than the SLO window (1d)'],
    [{ window: '2h', alerting: { ticket: false } }, 'alerting.page', 'read windows up to 6h'],
    [{ window: '1d', alerting: { page: false, ticket: [{ long: '2d', short: '1h', factor: 1 }] } }, 'alerting.ticket[0].long', 'longer than the SLO window (1d)'],
    [{ alerting: { page: [{ long: '5m', short: '1h', factor: 14.4 }] } }, 'alerting.page[0].short', 'shorter than the long window'],
    [{ budgeting: { timeslices: { slice: '30s', target: 0.95 } } }, 'budgeting.timeslices.slice', 'from 1m to 1h'],
    [{ budgeting: { timeslices: { slice: '1m', target: 0 } } }, 'budgeting.timeslices.target', 'above 0'],
    [{ labels: { severity: 'high' } }, 'labels.severity', 'set by sre-monitor'],
    [{ sli: {} }, 'sli', 'must set one of monitor, events, prometheus'],
    [{ sli: { events: {}, monitor: { name: 'm', metric: 'availability' } } }, 'sli', 'sets monitor and events; set exactly one'],
    [{ sli: { monitor: { name: 'm', metric: 'latency' } } }, 'sli.monitor.threshold', 'is required for a latency SLI'],
    [{ sli: { monitor: { name: 'm', metric: 'availability', threshold: '1s' } } }, 'sli.monitor.threshold', 'latency SLIs only'],
    [{ sli: { events: { good_when: 'status <' } } }, 'sli.events.good_when', 'not a valid expression'],
    [{ sli: { prometheus: { url: 'ftp://x', error_ratio: 'r' } } }, 'sli.prometheus.url', 'http or https'],
    [{ sli: { prometheus: { url: 'http://x', good: 'g' } } }, 'sli.prometheus', 'got good'],
    [{ sli: { prometheus: { url: 'http://x', good: 'g', total: 't', error_ratio: 'r' } } }, 'sli.prometheus', 'set exactly one of'],
  ])('reports %j at %s', (change, field, message) => {
    const { problems } = sloSpecFromDocument({ ...base, ...change });
    const problem = problems.find((entry) => entry.field === field);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem?.message).toContain(message);
  });

  it.each<Partial<SloDocument>>([
    {},
    { window: { calendar: 'month', time_zone: 'Europe/Berlin' }, budgeting: { timeslices: { slice: '5m', target: 0.99 } }, labels: { team: 'web' }, description: 'd' },
    { alerting: false, sli: { monitor: { name: 'm', metric: 'latency', threshold: '250ms' } } },
    { alerting: { page: false, ticket: [{ long: '1d', short: '2h', factor: 3 }] }, sli: { prometheus: { url: 'http://127.0.0.1:9090', threshold: { query: 'q', op: 'gte', value: 1 } } } },
  ])('writes the spec back so it reads the same: %j', (change) => {
    const { spec } = sloSpecFromDocument({ ...base, ...change });
    const again = sloSpecFromDocument(sloDocumentFromSpec(spec));
    expect(again.problems).toEqual([]);
    expect(again.spec).toEqual(spec);
  });
});
