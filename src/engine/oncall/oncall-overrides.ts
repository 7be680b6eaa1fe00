/**
 * Overrides created through the API (`POST /api/v1/schedules/:name/overrides`), kept in the
 * store and merged with the config file's: `directory()` is the configured on-call directory
 * with both kinds of overrides on each schedule. A new override must name a configured person,
 * end after it starts and overlap no other override of its schedule (config or stored); the
 * checks and the insert run one at a time, so two requests cannot both pass. Every change is
 * audited.
 */
import { randomUUID } from 'node:crypto';
import type { Store, StoredOncallOverride } from '../../adapters/store/store.js';
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { OncallDirectory, OncallSchedule, ScheduleOverride } from '../../core/oncall/oncall-model.js';
import type { Actor } from '../actor.js';

export interface OncallOverrideInput {
  schedule: string;
  person: string;
  startMs: number;
  endMs: number;
}

export interface OncallOverrideServiceOptions {
  store: Pick<Store, 'oncallOverrides' | 'transaction'>;
  clock: Clock;
  /** The on-call directory as configured now (read on every call, so reloads apply). */
  config: () => OncallDirectory;
  newId?: () => string;
}

export interface OncallOverrideService {
  /** Reads the stored overrides; call once before use. */
  load(): Promise<void>;
  directory(): OncallDirectory;
  create(input: OncallOverrideInput, actor: Actor): Promise<StoredOncallOverride>;
  /** Deletes a stored override of `schedule`; config-file overrides cannot be deleted here. */
  remove(schedule: string, id: string, actor: Actor): Promise<StoredOncallOverride>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createOncallOverrideService(options: OncallOverrideServiceOptions): OncallOverrideService {
  const newId = options.newId ?? (() => `ovr-${randomUUID()}`);
  let stored: StoredOncallOverride[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  const withStored = (schedule: OncallSchedule): OncallSchedule => {
    const own = stored.filter((override) => override.schedule === schedule.name);
    if (own.length === 0) return schedule;
    const overrides: ScheduleOverride[] = [
      ...schedule.overrides,
      ...own.map((override) => ({ person: override.person, startMs: override.startMs, endMs: override.endMs, id: override.id, createdBy: override.createdBy })),
    ].sort((a, b) => a.startMs - b.startMs);
    return { ...schedule, overrides };
  };

  const directory = (): OncallDirectory => {
    const config = options.config();
    return { ...config, schedules: config.schedules.map(withStored) };
  };

  const audit = (actor: Actor, action: string, override: StoredOncallOverride, before: unknown, after: unknown) => ({
    at: iso(options.clock.nowMs()),
    actor: actor.name,
    action,
    objectType: 'oncall_override',
    objectId: `${override.schedule}/${override.id}`,
    before,
    after,
    requestId: actor.requestId,
  });

  return {
    async load() {
      stored = await options.store.oncallOverrides.all();
    },
    directory,
    create(input, actor) {
      return serially(async () => {
        const schedule = directory().schedules.find((candidate) => candidate.name === input.schedule);
        if (schedule === undefined) throw new NotFoundError('schedule', input.schedule);
        const people = options.config().people.map((person) => person.name);
        if (!people.includes(input.person)) throw new ValidationError([{ field: 'person', message: `person '${input.person}' does not exist (known: ${people.join(', ') || 'none'})` }]);
        if (input.endMs <= input.startMs) throw new ValidationError([{ field: 'end', message: 'must be after start' }]);
        const clash = schedule.overrides.find((override) => override.startMs < input.endMs && input.startMs < override.endMs);
        if (clash !== undefined) {
          const which = clash.id === undefined ? 'an override in the config file' : `override ${clash.id}`;
          throw new ConflictError(`overlaps ${which} (${clash.person}, ${iso(clash.startMs)} to ${iso(clash.endMs)}); overrides of one schedule must not overlap`, [{ field: 'start', message: `overlaps ${which}` }]);
        }
        const override: StoredOncallOverride = { id: newId(), ...input, createdBy: actor.name, createdAtMs: options.clock.nowMs() };
        await options.store.transaction(async (repositories) => {
          await repositories.oncallOverrides.insert(override);
          await repositories.audit.append(audit(actor, 'oncall_override.create', override, null, override));
        });
        stored = [...stored, override];
        return override;
      });
    },
    remove(schedule, id, actor) {
      return serially(async () => {
        const override = stored.find((candidate) => candidate.id === id && candidate.schedule === schedule);
        if (override === undefined) throw new NotFoundError(`override of schedule '${schedule}'`, id);
        await options.store.transaction(async (repositories) => {
          await repositories.oncallOverrides.delete(id);
          await repositories.audit.append(audit(actor, 'oncall_override.delete', override, override, null));
        });
        stored = stored.filter((candidate) => candidate.id !== id);
        return override;
      });
    },
  };
}
