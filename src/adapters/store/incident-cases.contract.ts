// Contract cases for incidents: every field round-trips (nulls, empty lists, unicode), ids are
// unique, the per-day counter is atomic, list filters and newest-first keyset pages agree with
// a plain filter over all incidents, `open` and `overlapping` honour their boundaries, and
// timelines come back in (atMs, id) order with their JSON data intact.
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { Incident, NewTimelineEntry } from '../../core/incidents/incident.js';
import type { IncidentListQuery } from './incident-repositories.js';
import { epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

const minute = 60_000;

export function baseIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-2026-0101-001',
    title: 'Checkout errors above 5 %',
    description: 'Payments API returns 502 for a third of requests.',
    severity: 'P1',
    status: 'identified',
    services: ['checkout', 'payments'],
    alerts: ['00000000000000aa', '00000000000000bb'],
    slos: ['checkout-availability'],
    roles: { commander: 'alice', primaryResolver: 'bob', communicationsLead: 'carol', subjectMatterExperts: ['dan', 'erin'] },
    customerImpact: 'Some customers cannot pay.',
    labels: { team: 'payments', env: 'prod' },
    correlationKey: 'service=checkout',
    startedAtMs: epochMs,
    detectedAtMs: epochMs + minute,
    acknowledgedAtMs: epochMs + 2 * minute,
    acknowledgedBy: 'bob',
    resolvedAtMs: null,
    resolvedBy: null,
    createdBy: 'sre-monitor',
    updatedAtMs: epochMs + 3 * minute,
    reopenCount: 0,
    ...overrides,
  };
}

const bare = (id: string, overrides: Partial<Incident> = {}): Incident =>
  baseIncident({
    id,
    services: [],
    alerts: [],
    slos: [],
    roles: { commander: null, primaryResolver: null, communicationsLead: null, subjectMatterExperts: [] },
    labels: {},
    correlationKey: null,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    ...overrides,
  });

const resolvedAt = (atMs: number): Partial<Incident> => ({ status: 'resolved', resolvedAtMs: atMs, resolvedBy: 'bob' });
const ids = (incidents: readonly Incident[]) => incidents.map((incident) => incident.id);

function entry(incidentId: string, atMs: number, overrides: Partial<NewTimelineEntry> = {}): NewTimelineEntry {
  return { incidentId, atMs, actor: 'alice', kind: 'note', message: 'looking at the load balancer', data: {}, ...overrides };
}

export function registerIncidentCases(current: () => Store): void {
  registerRecordCases(current);
  registerDayNumberCases(current);
  registerListCases(current);
  registerTimelineCases(current);
}

function registerRecordCases(current: () => Store): void {
  describe('incidents', () => {
    it.each([
      ['every field set', baseIncident({ ...resolvedAt(epochMs + 40 * minute), reopenCount: 2 })],
      ['nulls and empty lists', bare('INC-2026-0101-002')],
      [
        'unicode text',
        baseIncident({
          id: 'INC-2026-0101-003',
          title: 'Zahlungen schlagen fehl — 決済エラー 🔥',
          description: 'line one\nline "two" \\ backslash\ttab \'quoted\'',
          customerImpact: 'Ünïcödé customers: ~12 % 💳',
          labels: { 'région': 'eu-west', emoji: '🚨' },
          roles: { commander: 'Zoë', primaryResolver: null, communicationsLead: '李雷', subjectMatterExperts: ['Ørjan'] },
          services: ['checkout-ü'],
        }),
      ],
    ])('returns an incident with %s exactly as inserted', async (_case, incident) => {
      await current().incidents.insert(incident);
      expect(await current().incidents.get(incident.id)).toEqual(incident);
    });

    it('answers undefined for an unknown id', async () => {
      expect(await current().incidents.get('INC-2026-0101-999')).toBeUndefined();
    });

    it('refuses a second incident with the same id and keeps the first', async () => {
      await current().incidents.insert(baseIncident());
      await expect(current().incidents.insert(baseIncident({ title: 'other' }))).rejects.toBeInstanceOf(ConflictError);
      expect(await current().incidents.get(baseIncident().id)).toEqual(baseIncident());
    });

    it('replaces every field on update, the service filter included', async () => {
      await current().incidents.insert(baseIncident());
      const changed = bare(baseIncident().id, {
        title: 'renamed',
        severity: 'P3',
        services: ['search', 'search'],
        ...resolvedAt(epochMs + 9 * minute),
        updatedAtMs: epochMs + 9 * minute,
        reopenCount: 1,
      });
      await current().incidents.update(changed);
      expect(await current().incidents.get(changed.id)).toEqual(changed);
      expect(ids(await current().incidents.list({ service: 'checkout', limit: 10 }))).toEqual([]);
      expect(ids(await current().incidents.list({ service: 'search', limit: 10 }))).toEqual([changed.id]);
    });

    it('refuses to update an incident that does not exist, and creates nothing', async () => {
      await expect(current().incidents.update(baseIncident())).rejects.toBeInstanceOf(NotFoundError);
      expect(await current().incidents.get(baseIncident().id)).toBeUndefined();
    });

    it('commits an incident and its first timeline entry together, or neither', async () => {
      await expect(
        current().transaction(async (repositories) => {
          await repositories.incidents.insert(baseIncident());
          await repositories.incidentTimeline.append([entry(baseIncident().id, epochMs, { kind: 'created' })]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await current().incidents.get(baseIncident().id)).toBeUndefined();
      await current().transaction(async (repositories) => {
        await repositories.incidents.insert(baseIncident());
        await repositories.incidentTimeline.append([entry(baseIncident().id, epochMs, { kind: 'created' })]);
      });
      expect(await current().incidentTimeline.list(baseIncident().id)).toHaveLength(1);
    });
  });
}

function registerDayNumberCases(current: () => Store): void {
  describe('incident day numbers', () => {
    it('counts 1, 2, 3 per day, each day on its own', async () => {
      const { incidents } = current();
      expect(await incidents.nextDayNumber('20260101')).toBe(1);
      expect(await incidents.nextDayNumber('20260101')).toBe(2);
      expect(await incidents.nextDayNumber('20260102')).toBe(1);
      expect(await incidents.nextDayNumber('20260101')).toBe(3);
      expect(await incidents.nextDayNumber('20260102')).toBe(2);
    });

    it('gives 20 concurrent callers 20 distinct numbers, 1 to 20', async () => {
      const numbers = await Promise.all(Array.from({ length: 20 }, () => current().incidents.nextDayNumber('20261123')));
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(await current().incidents.nextDayNumber('20261123')).toBe(21);
    });

    it.each(['2026-11-23', '', '2026112', 'day'])('rejects the day key %j', async (dayKey) => {
      await expect(current().incidents.nextDayNumber(dayKey)).rejects.toBeInstanceOf(ValidationError);
    });
  });
}

function registerListCases(current: () => Store): void {
  describe('incident lists', () => {
    // Started at minutes 0..5 (two at minute 3), mixed statuses, severities and services.
    const fixture = [
      bare('INC-2026-0101-001', { startedAtMs: epochMs, severity: 'P1', services: ['checkout'], ...resolvedAt(epochMs + 10 * minute) }),
      bare('INC-2026-0101-002', { startedAtMs: epochMs + minute, severity: 'P2', status: 'investigating', services: ['search'] }),
      bare('INC-2026-0101-003', { startedAtMs: epochMs + 2 * minute, severity: 'P1', status: 'monitoring', services: ['checkout', 'search'] }),
      bare('INC-2026-0101-004', { startedAtMs: epochMs + 3 * minute, severity: 'P3', status: 'identified', services: [] }),
      bare('INC-2026-0101-005', { startedAtMs: epochMs + 3 * minute, severity: 'P2', services: ['checkout'], ...resolvedAt(epochMs + 4 * minute) }),
      bare('INC-2026-0101-006', { startedAtMs: epochMs + 5 * minute, severity: 'P1', status: 'investigating', services: ['payments'] }),
    ];
    const insertAll = async (incidents: readonly Incident[]) => {
      for (const incident of incidents) await current().incidents.insert(incident);
    };

    const filterCases: Array<[string, Omit<IncidentListQuery, 'limit'>, string[]]> = [
      ['no filter, newest first, ties by id descending', {}, ['006', '005', '004', '003', '002', '001']],
      ['a status set', { status: ['investigating', 'monitoring'] }, ['006', '003', '002']],
      ['a severity set', { severity: ['P1', 'P3'] }, ['006', '004', '003', '001']],
      ['a service', { service: 'checkout' }, ['005', '003', '001']],
      ['an unknown service', { service: 'nothing' }, []],
      ['from (inclusive) and to (exclusive)', { fromMs: epochMs + minute, toMs: epochMs + 3 * minute }, ['003', '002']],
      ['every filter at once', { status: ['resolved'], severity: ['P2'], service: 'checkout', fromMs: epochMs + 3 * minute, toMs: epochMs + 4 * minute }, ['005']],
      ['an empty status set', { status: [] }, []],
      ['an empty severity set', { severity: [] }, []],
    ];

    it.each(filterCases)('filters by %s', async (_case, filter, expected) => {
      await insertAll(fixture);
      const listed = await current().incidents.list({ ...filter, limit: 100 });
      expect(ids(listed)).toEqual(expected.map((suffix) => `INC-2026-0101-${suffix}`));
    });

    it('pages newest first without duplicates or gaps, ties broken by id', async () => {
      // 23 incidents over 8 distinct start times, so pages end in the middle of a tie.
      const incidents = Array.from({ length: 23 }, (_, index) =>
        bare(`INC-2026-0101-${String(index + 1).padStart(3, '0')}`, { startedAtMs: epochMs + (index % 8) * minute, services: index % 2 === 0 ? ['checkout'] : ['search'] }),
      );
      await insertAll(incidents);
      for (const [service, pageSize] of [[undefined, 4], [undefined, 1], ['checkout', 5]] as const) {
        const seen: Incident[] = [];
        let before: { startedAtMs: number; id: string } | undefined;
        for (;;) {
          const page = await current().incidents.list({ service, before, limit: pageSize });
          expect(page.length).toBeLessThanOrEqual(pageSize);
          seen.push(...page);
          const last = page.at(-1);
          if (page.length < pageSize || last === undefined) break;
          before = { startedAtMs: last.startedAtMs, id: last.id };
        }
        const expected = incidents
          .filter((incident) => service === undefined || incident.services.includes(service))
          .sort((a, b) => b.startedAtMs - a.startedAtMs || (a.id < b.id ? 1 : -1));
        expect(ids(seen)).toEqual(ids(expected));
      }
    });

    it('lists every incident not resolved, oldest first', async () => {
      await insertAll(fixture);
      expect(ids(await current().incidents.open())).toEqual(['INC-2026-0101-002', 'INC-2026-0101-003', 'INC-2026-0101-004', 'INC-2026-0101-006']);
    });

    describe('overlapping [from, to)', () => {
      const from = epochMs + 10 * minute;
      const to = epochMs + 20 * minute;
      const cases: Array<[string, boolean, Partial<Incident>]> = [
        ['resolved exactly at from', false, { startedAtMs: epochMs, ...resolvedAt(from) }],
        ['resolved 1 ms after from', true, { startedAtMs: epochMs, ...resolvedAt(from + 1) }],
        ['resolved before from', false, { startedAtMs: epochMs, ...resolvedAt(from - minute) }],
        ['started exactly at to', false, { startedAtMs: to, status: 'investigating' }],
        ['started 1 ms before to', true, { startedAtMs: to - 1, status: 'investigating' }],
        ['started and resolved inside', true, { startedAtMs: from + minute, ...resolvedAt(from + 2 * minute) }],
        ['started before, resolved after', true, { startedAtMs: epochMs, ...resolvedAt(to + minute) }],
        ['still open, started long before', true, { startedAtMs: epochMs - 100 * minute, status: 'monitoring' }],
        ['reopened, carrying an old resolution time', true, { startedAtMs: epochMs, status: 'investigating', resolvedAtMs: from - minute, reopenCount: 1 }],
        ['started after to', false, { startedAtMs: to + minute, status: 'investigating' }],
      ];

      it.each(cases)('%s: included %s', async (_case, included, overrides) => {
        await current().incidents.insert(bare('INC-2026-0101-001', overrides));
        expect(ids(await current().incidents.overlapping(from, to))).toEqual(included ? ['INC-2026-0101-001'] : []);
      });

      it('narrows to one service and orders by start', async () => {
        await insertAll([
          bare('INC-2026-0101-001', { startedAtMs: from + minute, status: 'investigating', services: ['checkout'] }),
          bare('INC-2026-0101-002', { startedAtMs: from, status: 'investigating', services: ['search', 'checkout'] }),
          bare('INC-2026-0101-003', { startedAtMs: from, status: 'investigating', services: ['search'] }),
        ]);
        expect(ids(await current().incidents.overlapping(from, to, 'checkout'))).toEqual(['INC-2026-0101-002', 'INC-2026-0101-001']);
        expect(ids(await current().incidents.overlapping(from, to))).toEqual(['INC-2026-0101-002', 'INC-2026-0101-003', 'INC-2026-0101-001']);
      });
    });

    it('rejects a negative or fractional limit', async () => {
      await expect(current().incidents.list({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(current().incidents.list({ limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}

function registerTimelineCases(current: () => Store): void {
  describe('incident timelines', () => {
    it('appends entries in order, returning them with increasing ids', async () => {
      await current().incidents.insert(baseIncident());
      const id = baseIncident().id;
      const batch = [entry(id, epochMs, { kind: 'created', actor: 'sre-monitor' }), entry(id, epochMs), entry(id, epochMs + 5)];
      const appended = await current().incidentTimeline.append(batch);
      expect(appended.map(({ id: _id, ...rest }) => rest)).toEqual(batch);
      const entryIds = appended.map((appendedEntry) => appendedEntry.id);
      expect(entryIds.every((entryId, index) => index === 0 || entryId > entryIds[index - 1]!)).toBe(true);
      const [later] = await current().incidentTimeline.append([entry(id, epochMs + 9)]);
      expect(later!.id).toBeGreaterThan(entryIds.at(-1)!);
      expect(await current().incidentTimeline.append([])).toEqual([]);
    });

    it('lists one incident\'s entries by time, then by id, with their data intact', async () => {
      await current().incidents.insert(baseIncident());
      await current().incidents.insert(bare('INC-2026-0101-002'));
      const id = baseIncident().id;
      const data = { from: 'investigating', to: 'identified', nested: { list: [1, 'two', null, true], note: 'ünï 🔧' }, empty: {} };
      const first = await current().incidentTimeline.append([
        entry(id, epochMs + 2 * minute, { kind: 'status_changed', message: 'status investigating -> identified', data }),
        entry(id, epochMs),
        entry('INC-2026-0101-002', epochMs + minute),
      ]);
      const second = await current().incidentTimeline.append([entry(id, epochMs + 2 * minute, { kind: 'runbook_step', actor: 'Zoë' }), entry(id, epochMs + minute)]);
      const listed = await current().incidentTimeline.list(id);
      expect(listed).toEqual([first[1], second[1], first[0], second[0]]);
      expect(listed[2]!.data).toEqual(data);
      expect(await current().incidentTimeline.list('INC-2026-0101-999')).toEqual([]);
    });

    it('refuses entries for an incident that does not exist and stores none of the batch', async () => {
      await current().incidents.insert(baseIncident());
      const batch = [entry(baseIncident().id, epochMs), entry('INC-2026-0101-999', epochMs)];
      await expect(current().incidentTimeline.append(batch)).rejects.toBeInstanceOf(NotFoundError);
      expect(await current().incidentTimeline.list(baseIncident().id)).toEqual([]);
    });
  });
}

/** Incidents, timelines and day counters are still there after closing and reopening the store. */
export async function checkIncidentsSurviveReopen(store: Store, reopen: () => Promise<Store>): Promise<void> {
  await store.incidents.insert(baseIncident());
  const appended = await store.incidentTimeline.append([entry(baseIncident().id, epochMs, { kind: 'created', data: { severity: 'P1' } })]);
  expect(await store.incidents.nextDayNumber('20260101')).toBe(1);
  await store.close();
  const reopened = await reopen();
  try {
    expect(await reopened.incidents.get(baseIncident().id)).toEqual(baseIncident());
    expect(await reopened.incidentTimeline.list(baseIncident().id)).toEqual(appended);
    expect(await reopened.incidents.nextDayNumber('20260101')).toBe(2);
  } finally {
    await reopened.close();
  }
}
