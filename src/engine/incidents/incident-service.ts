/**
 * src/engine/incidents: the incident service. Every change reads the incident, applies a pure
 * core function (src/core/incidents), writes the incident and the timeline entries it caused in
 * one transaction, then publishes `incident.*` events and tells the lifecycle listeners
 * (escalation, metrics). Bad input or an invalid transition throws before anything is written,
 * so the timeline stays untouched. Changes run one at a time (a read-modify-write per incident
 * would otherwise lose concurrent edits); incidents are few, so one queue is plenty.
 */
import type { Clock } from '../../core/clock.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { DomainEventType } from '../../core/events/domain-events.js';
import type { Incident, NewTimelineEntry, TimelineEntry } from '../../core/incidents/incident.js';
import { addNote, assignRoles, linkAlert, openIncident, patchIncident, type IncidentPatch, type NewIncident, type RolesPatch } from '../../core/incidents/incident-edits.js';
import { dayKey, formatIncidentId } from '../../core/incidents/incident-id.js';
import { acknowledgeIncident, changeStatus, entry, reopenIncident, resolveIncident, type IncidentChange, type OpenIncidentStatus } from '../../core/incidents/incident-transitions.js';
import { findSeverity, unknownSeverityMessage } from '../../core/incidents/severity-scale.js';
import { renderStatusUpdate, type StatusUpdateInput, type StatusUpdateKind } from '../../core/incidents/status-templates.js';
import type { IncidentListQuery, IncidentRepository, IncidentTimelineRepository } from '../../adapters/store/incident-repositories.js';
import type { IncidentSettings } from '../../config/incidents-section.js';
import type { EventBus } from '../event-bus.js';
import { incidentEvent, timelineEvent } from './incident-events.js';
import type { IncidentNotifier } from './incident-notifications.js';
import type { IncidentReader, IncidentTimelineWriter } from './incident-ports.js';

export interface IncidentRepositories {
  incidents: IncidentRepository;
  incidentTimeline: IncidentTimelineRepository;
}

/** Told after a change committed; a rejection is reported, the change stands. */
export interface IncidentLifecycleListener {
  opened?(incident: Incident): Promise<void>;
  acknowledged?(incident: Incident): Promise<void>;
  resolved?(incident: Incident): Promise<void>;
  reopened?(incident: Incident): Promise<void>;
  severityChanged?(incident: Incident, previousSeverity: string): Promise<void>;
}

export interface IncidentServiceOptions {
  repositories: IncidentRepositories;
  /** Runs `work` in one transaction; without it, writes go one by one. */
  transaction?: <T>(work: (repositories: IncidentRepositories) => Promise<T>) => Promise<T>;
  bus: EventBus;
  clock: Clock;
  settings: () => IncidentSettings;
  notifier?: IncidentNotifier;
  onError: (error: unknown, context: string) => void;
}

export interface CreateIncidentInput extends Omit<NewIncident, 'severity'> {
  /** Default: `incidents.auto_create.severity`. */
  severity?: string;
  /** Send the initial report to the channels (default true when channels are configured). */
  announce?: boolean;
}

export interface PatchInput extends IncidentPatch {
  /** An open status to move forward to; resolving has its own call. */
  status?: OpenIncidentStatus;
  note?: string;
}

export interface StatusUpdateRequest extends StatusUpdateInput {
  kind?: StatusUpdateKind;
  /** Moves the status first (resolved resolves the incident). */
  status?: Incident['status'];
  /** Receivers; default `incidents.channels`. */
  channels?: string[];
}

export interface StatusUpdateResult {
  incident: Incident;
  entry: TimelineEntry;
  text: string;
  sentTo: string[];
}

export interface IncidentService extends IncidentReader, IncidentTimelineWriter {
  create(input: CreateIncidentInput, actor: string): Promise<Incident>;
  patch(id: string, input: PatchInput, actor: string): Promise<Incident>;
  acknowledge(id: string, actor: string): Promise<Incident>;
  resolve(id: string, actor: string, details?: { resolution?: string; rootCause?: string; announce?: boolean }): Promise<Incident>;
  reopen(id: string, actor: string, reason?: string): Promise<Incident>;
  addNote(id: string, text: string, actor: string): Promise<TimelineEntry>;
  setRoles(id: string, roles: RolesPatch, actor: string): Promise<Incident>;
  postUpdate(id: string, request: StatusUpdateRequest, actor: string): Promise<StatusUpdateResult>;
  linkAlert(id: string, alert: { fingerprint: string; labels: Record<string, string> }, actor: string): Promise<Incident>;
  list(query: IncidentListQuery): Promise<Incident[]>;
  open(): Promise<Incident[]>;
  /** Adds a listener (escalation, metrics, auto-create bookkeeping). */
  listen(listener: IncidentLifecycleListener): void;
}

export function createIncidentService(options: IncidentServiceOptions): IncidentService {
  const { repositories, bus, clock } = options;
  const listeners: IncidentLifecycleListener[] = [];
  const transaction = options.transaction ?? (<T>(work: (r: IncidentRepositories) => Promise<T>) => work(repositories));
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };

  const severityName = (name: string, field: string): string => {
    const scale = options.settings().severities;
    const level = findSeverity(scale, name);
    if (level === undefined) throw new ValidationError([{ field, message: unknownSeverityMessage(scale, name) }]);
    return level.name;
  };

  const load = async (id: string): Promise<Incident> => {
    const incident = await repositories.incidents.get(id);
    if (incident === undefined) throw new NotFoundError('incident', id);
    return incident;
  };

  const publishEntries = (entries: readonly TimelineEntry[]) => {
    for (const stored of entries) bus.publish('incident.timeline', timelineEvent(stored));
  };

  const tell = async (call: (listener: IncidentLifecycleListener) => Promise<void> | undefined, context: string) => {
    for (const listener of listeners) {
      try {
        await call(listener);
      } catch (error) {
        options.onError(error, context);
      }
    }
  };

  /** Reads, changes, writes; nothing is written when `change` throws or changes nothing. */
  const mutate = (id: string, actor: string, event: DomainEventType & `incident.${string}`, change: (incident: Incident, nowMs: number) => IncidentChange) =>
    exclusive(async () => {
      const before = await load(id);
      const result = change(before, clock.nowMs());
      if (result.entries.length === 0) return { before, incident: before, entries: [] as TimelineEntry[] };
      const entries = await transaction(async (r) => {
        await r.incidents.update(result.incident);
        return r.incidentTimeline.append(result.entries);
      });
      if (event !== 'incident.timeline') bus.publish(event, incidentEvent(result.incident, actor));
      publishEntries(entries);
      return { before, incident: result.incident, entries };
    });

  const channelsOf = (requested: readonly string[] | undefined): string[] => [...(requested ?? options.settings().channels)];

  const render = (incident: Incident, kind: StatusUpdateKind, input: StatusUpdateInput, nowMs: number): string => {
    const settings = options.settings();
    const level = findSeverity(settings.severities, incident.severity);
    const links = options.notifier?.links(incident) ?? { url: '', ackUrl: '', resolveUrl: '' };
    const rendered = renderStatusUpdate(settings.templates[kind], incident, input, { nowMs, severityDescription: level?.description ?? '', ...links });
    if (rendered.error !== null) throw new ValidationError([{ field: `incidents.templates.${kind}`, message: rendered.error }]);
    return rendered.text;
  };

  const send = async (incident: Incident, stored: TimelineEntry, kind: StatusUpdateKind, text: string, channels: readonly string[]) => {
    if (channels.length === 0 || options.notifier === undefined) return;
    await options.notifier.send(incident, channels, { kind: 'status_update', summary: `${incident.id} [${incident.severity}] ${kind}: ${incident.title}`, text, idempotencyKey: `incident-update:${incident.id}:${stored.id}` });
  };

  /** Unknown receivers are bad input: refused before anything is written. */
  const checkChannels = (channels: readonly string[] | undefined) => {
    const problems = (channels ?? []).flatMap((channel, index) =>
      options.notifier?.knows(channel) === true ? [] : [{ field: `channels[${index}]`, message: options.notifier === undefined ? 'notifications are not configured' : `no receiver named ${JSON.stringify(channel)}` }],
    );
    if (problems.length > 0) throw new ValidationError(problems);
  };

  /** Posts a status update inside the queue-free part: the caller holds no lock. */
  async function postUpdate(id: string, request: StatusUpdateRequest, actor: string): Promise<StatusUpdateResult> {
    checkChannels(request.channels);
    const channels = channelsOf(request.channels);
    const kind = request.kind ?? (request.status === 'resolved' ? 'resolution' : 'update');
    let text = '';
    const { before, incident, entries } = await mutate(id, actor, 'incident.updated', (current, nowMs) => {
      const context = { actor, nowMs };
      const moved = request.status === undefined || request.status === current.status ? { incident: current, entries: [] } : request.status === 'resolved' ? resolveIncident(current, context, request.message ?? '') : changeStatus(current, request.status, context);
      text = render(moved.incident, kind, { ...request, author: request.author ?? actor }, nowMs);
      const update = entry(moved.incident, context, 'status_update', text, { kind, channels, status: moved.incident.status });
      return { incident: { ...moved.incident, updatedAtMs: nowMs }, entries: [...moved.entries, update] };
    });
    const stored = entries[entries.length - 1] as TimelineEntry;
    if (before.status !== 'resolved' && incident.status === 'resolved') {
      bus.publish('incident.resolved', incidentEvent(incident, actor));
      await tell((listener) => listener.resolved?.(incident), 'incident resolved');
    }
    await send(incident, stored, kind, text, channels);
    return { incident, entry: stored, text, sentTo: options.notifier === undefined ? [] : channels };
  }

  const announce = async (incident: Incident, kind: StatusUpdateKind, input: StatusUpdateInput, actor: string) => {
    if (options.settings().channels.length === 0 || options.notifier === undefined) return;
    try {
      await postUpdate(incident.id, { ...input, kind }, actor);
    } catch (error) {
      options.onError(error, `announcing incident ${incident.id}`);
    }
  };

  const service: IncidentService = {
    async create(input, actor) {
      const severity = severityName(input.severity ?? options.settings().autoCreate.severity, 'severity');
      const incident = await exclusive(async () => {
        const nowMs = clock.nowMs();
        const day = dayKey(nowMs);
        const id = formatIncidentId(day, await repositories.incidents.nextDayNumber(day));
        const { incident: opened, entries } = openIncident(id, { ...input, severity }, { actor, nowMs });
        const stored = await transaction(async (r) => {
          await r.incidents.insert(opened);
          return r.incidentTimeline.append(entries);
        });
        bus.publish('incident.created', incidentEvent(opened, actor));
        publishEntries(stored);
        return opened;
      });
      await tell((listener) => listener.opened?.(incident), 'incident opened');
      if (input.announce !== false) await announce(incident, 'initial', { message: incident.description }, actor);
      return (await repositories.incidents.get(incident.id)) ?? incident;
    },

    async patch(id, input, actor) {
      const { status, note, ...fields } = input;
      const severity = fields.severity === undefined ? undefined : severityName(fields.severity, 'severity');
      const { before, incident } = await mutate(id, actor, 'incident.updated', (current, nowMs) => {
        const context = { actor, nowMs };
        const patched = patchIncident(current, { ...fields, ...(severity === undefined ? {} : { severity }) }, context);
        if (status === undefined || status === current.status) return patched;
        const moved = changeStatus(patched.incident, status, context, note ?? '');
        return { incident: moved.incident, entries: [...patched.entries, ...moved.entries] };
      });
      if (before.severity !== incident.severity) await tell((listener) => listener.severityChanged?.(incident, before.severity), 'incident severity changed');
      return incident;
    },

    async acknowledge(id, actor) {
      const { incident } = await mutate(id, actor, 'incident.acknowledged', (current, nowMs) => acknowledgeIncident(current, { actor, nowMs }));
      await tell((listener) => listener.acknowledged?.(incident), 'incident acknowledged');
      return incident;
    },

    async resolve(id, actor, details = {}) {
      const { incident } = await mutate(id, actor, 'incident.resolved', (current, nowMs) => resolveIncident(current, { actor, nowMs }, details.resolution ?? ''));
      await tell((listener) => listener.resolved?.(incident), 'incident resolved');
      if (details.announce !== false) await announce(incident, 'resolution', { message: details.resolution, rootCause: details.rootCause }, actor);
      return (await repositories.incidents.get(id)) ?? incident;
    },

    async reopen(id, actor, reason) {
      const { incident } = await mutate(id, actor, 'incident.reopened', (current, nowMs) => reopenIncident(current, { actor, nowMs }, reason ?? ''));
      await tell((listener) => listener.reopened?.(incident), 'incident reopened');
      return incident;
    },

    async addNote(id, text, actor) {
      const { entries } = await mutate(id, actor, 'incident.timeline', (current, nowMs) => addNote(current, text, { actor, nowMs }));
      return entries[0] as TimelineEntry;
    },

    async setRoles(id, roles, actor) {
      return (await mutate(id, actor, 'incident.updated', (current, nowMs) => assignRoles(current, roles, { actor, nowMs }))).incident;
    },

    postUpdate,

    async linkAlert(id, alert, actor) {
      return (await mutate(id, actor, 'incident.updated', (current, nowMs) => linkAlert(current, alert, { actor, nowMs }))).incident;
    },

    get: async (id) => (await repositories.incidents.get(id)) ?? null,
    timeline: (id) => repositories.incidentTimeline.list(id),
    between: (fromMs, toMs, serviceName) => repositories.incidents.overlapping(fromMs, toMs, serviceName),
    list: (query) => repositories.incidents.list(query),
    open: () => repositories.incidents.open(),

    append(incidentId, written) {
      return exclusive(async () => {
        await load(incidentId);
        const newEntry: NewTimelineEntry = { incidentId, atMs: written.atMs ?? clock.nowMs(), actor: written.actor, kind: written.kind, message: written.message, data: written.data };
        const [stored] = await repositories.incidentTimeline.append([newEntry]);
        if (stored === undefined) throw new Error(`timeline append for ${incidentId} returned nothing`);
        publishEntries([stored]);
        return stored;
      });
    },

    listen(listener) {
      listeners.push(listener);
    },
  };
  return service;
}
