import { describe, expect, it } from 'vitest';
import { parseMatchers } from '../../core/alerting/matcher-parser.js';
import { silencesMuting } from '../../core/alerting/silence.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { AnyDomainEvent } from '../../core/events/domain-events.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import { createEventBus } from '../event-bus.js';
import { createSilenceService, type SilenceInput } from './silence-service.js';

const hour = 3600_000;
const newStoreFile = useTestStoreFiles();

async function setup() {
  const storeFile = await newStoreFile();
  const store = await storeFile.open();
  const timers = createManualTimers();
  const clock = timers.clock;
  const bus = createEventBus({ clock });
  const events: AnyDomainEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const repository = store.silences;
  let next = 0;
  const service = createSilenceService({ repository, bus, clock, timers, newId: () => `s${++next}` });
  const input = (overrides: Partial<SilenceInput> = {}): SilenceInput => ({
    matchers: parseMatchers('service="api"'), endsAtMs: clock.nowMs() + hour, createdBy: 'ann', comment: 'deploy', ...overrides,
  });
  const types = () => events.map((event) => `${event.type} ${(event.data as { id: string }).id}`);
  return { timers, clock, storeFile, repository, service, input, types };
}

describe('silence service', () => {
  it('creates: stored, published, start in the past becomes now, and it mutes', async () => {
    const { service, repository, input, clock, types } = await setup();
    const silence = await service.create(input({ startsAtMs: clock.nowMs() - hour }));
    expect(silence).toMatchObject({ id: 's1', startsAtMs: clock.nowMs(), createdBy: 'ann' });
    expect(await repository.get('s1')).toMatchObject({ id: 's1', startsAtMs: clock.nowMs(), createdBy: 'ann' });
    expect(types()).toEqual(['silence.created s1']);
    expect(silencesMuting(service.current(), { service: 'api', alertname: 'X' }, clock.nowMs())).toEqual(['s1']);
  });

  it.each<[string, (now: number) => Partial<SilenceInput>, string[]]>([
    ['no matchers', () => ({ matchers: [] }), ['matchers']],
    ['only matchers that match the empty string', () => ({ matchers: parseMatchers('a=~".*", b=""') }), ['matchers']],
    ['end before start', (now) => ({ startsAtMs: now + 2 * hour, endsAtMs: now + hour }), ['endsAt']],
    ['end in the past', (now) => ({ startsAtMs: now - 2 * hour, endsAtMs: now - hour }), ['endsAt']],
    ['no creator, no comment', () => ({ createdBy: ' ', comment: '' }), ['createdBy', 'comment']],
  ])('refuses %s, naming the field', async (_name, overrides, fields) => {
    const { service, input, clock, repository } = await setup();
    const error = await service.create(input(overrides(clock.nowMs()))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((problem) => problem.field)).toEqual(fields);
    expect(await repository.all()).toEqual([]);
  });

  it('expires by hand: at once, and a second time is a conflict', async () => {
    const { service, input, clock, types } = await setup();
    await service.create(input());
    const expired = await service.expire('s1');
    expect(expired.endsAtMs).toBe(clock.nowMs());
    expect(service.current()).toEqual([]);
    expect(types()).toEqual(['silence.created s1', 'silence.expired s1']);
    await expect(service.expire('s1')).rejects.toBeInstanceOf(ConflictError);
    await expect(service.expire('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('announces a silence that expires on its own, exactly at its end', async () => {
    const { service, input, timers, types } = await setup();
    service.start();
    await service.create(input());
    await timers.advanceMs(hour - 1);
    expect(types()).toEqual(['silence.created s1']);
    expect(service.current()).toHaveLength(1);
    await timers.advanceMs(1);
    expect(types()).toEqual(['silence.created s1', 'silence.expired s1']);
    expect(service.current()).toEqual([]);
    expect(service.list({ state: 'expired' }).map((silence) => silence.id)).toEqual(['s1']);
    service.stop();
  });

  it('deletes expired silences after the retention', async () => {
    const { service, input, timers, repository } = await setup();
    service.start();
    await service.create(input());
    await service.expire('s1');
    await timers.advanceMs(120 * hour);
    expect(service.get('s1')).toBeDefined();
    await timers.advanceMs(1);
    expect(service.get('s1')).toBeUndefined();
    expect(await repository.all()).toEqual([]);
    service.stop();
  });

  it('updates in place when Alertmanager would, else replaces with a new id', async () => {
    const { service, input, clock, types } = await setup();
    const first = await service.create(input());
    const longer = await service.update(first.id, input({ endsAtMs: clock.nowMs() + 3 * hour, comment: 'longer' }));
    expect(longer).toMatchObject({ id: 's1', startsAtMs: first.startsAtMs, comment: 'longer' });
    const replaced = await service.update('s1', input({ matchers: parseMatchers('service="db"') }));
    expect(replaced.id).toBe('s2');
    expect(service.get('s1')?.endsAtMs).toBe(clock.nowMs());
    expect(types()).toEqual(['silence.created s1', 'silence.updated s1', 'silence.expired s1', 'silence.created s2']);
  });

  it('a refused update leaves the old silence running', async () => {
    const { service, input } = await setup();
    await service.create(input());
    await expect(service.update('s1', input({ matchers: parseMatchers('service="db"'), comment: '' }))).rejects.toBeInstanceOf(ValidationError);
    expect(service.current().map((silence) => silence.id)).toEqual(['s1']);
  });

  it('a pending silence may move its start; an active one may not', async () => {
    const { service, input, clock } = await setup();
    const pending = await service.create(input({ startsAtMs: clock.nowMs() + hour, endsAtMs: clock.nowMs() + 2 * hour }));
    expect((await service.update(pending.id, input({ startsAtMs: clock.nowMs() + 30 * 60_000, endsAtMs: clock.nowMs() + 2 * hour }))).id).toBe(pending.id);
    const active = await service.create(input({ matchers: parseMatchers('team="x"') }));
    expect((await service.update(active.id, input({ matchers: parseMatchers('team="x"'), startsAtMs: clock.nowMs() + 1 }))).id).not.toBe(active.id);
  });

  it('lists with Alertmanager\'s filter and restores from the store', async () => {
    const { service, input, storeFile, clock } = await setup();
    await service.create(input());
    await service.create(input({ matchers: parseMatchers('team="db", severity=~"warn|info"') }));
    expect(service.list({ matchers: parseMatchers('team="db"') }).map((silence) => silence.id)).toEqual(['s2']);
    expect(service.list({ matchers: parseMatchers('team!="x"') }).map((silence) => silence.id)).toEqual(['s2']);
    const restarted = createSilenceService({ repository: (await storeFile.open()).silences, bus: createEventBus({ clock }), clock, timers: createManualTimers(clock.nowMs()) });
    await restarted.load();
    expect(restarted.current().map((silence) => silence.id).sort()).toEqual(['s1', 's2']);
  });
});
