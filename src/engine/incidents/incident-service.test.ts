/**
 * The incident service, auto-create and escalation over the real (SQLite) store on a fake clock:
 * escalation levels fire at exactly the configured minute, acknowledgement stops them,
 * correlation joins inside the window and not a millisecond outside, and rejected changes leave
 * the timeline as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import type { Store } from '../../adapters/store/store.js';
import { incidentSettingsFromDocument, type IncidentSettings } from '../../config/incidents-section.js';
import type { EscalationPolicy, EscalationTarget } from '../../core/escalation/escalation-policy.js';
import type { AnyDomainEvent, AlertEvent } from '../../core/events/domain-events.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import type { Incident } from '../../core/incidents/incident.js';
import { createEscalationRunner, type EscalationRunner } from '../escalation/escalation-runner.js';
import { typedEscalationStore } from '../escalation/typed-escalation-store.js';
import { createEventBus, type EventBus } from '../event-bus.js';
import { createAutoCreateFromAlerts, type AutoCreateFromAlerts } from './auto-create-from-alerts.js';
import { createIncidentEscalation, type IncidentEscalationContext } from './incident-escalation.js';
import type { IncidentNotice, IncidentNotifier } from './incident-notifications.js';
import { createIncidentService, type IncidentService } from './incident-service.js';

const openStoreFile = useTestStoreFiles();
const minute = 60_000;
const t0 = Date.UTC(2026, 10, 23, 9, 0, 0);

const policies: EscalationPolicy[] = [
  { name: 'critical', levels: [{ afterMs: 0, targets: [{ receiver: 'team' }] }, { afterMs: 15 * minute, targets: [{ receiver: 'pager' }, { schedule: 'primary' }] }], repeat: 0, repeatAfterMs: 0 },
];

function settings(overrides: Partial<IncidentSettings> = {}): IncidentSettings {
  const base = incidentSettingsFromDocument({
    auto_create: { enabled: true, label: 'incident', severity_label: 'incident_severity', severity: 'P3' },
    correlation: { labels: ['service'], window: '10m' },
    channels: ['status'],
    templates: {},
  });
  return { ...base, ...overrides };
}

interface Sent {
  atMs: number;
  incident: string;
  receivers: readonly string[];
  notice: IncidentNotice;
}

function recordingNotifier(timers: ManualTimers, sent: Sent[]): IncidentNotifier {
  return {
    knows: (receiver) => ['status', 'team', 'pager', 'alice-phone'].includes(receiver),
    links: (incident) => ({ url: `http://sre.test/api/v1/incidents/${incident.id}`, ackUrl: 'http://sre.test/ack', resolveUrl: 'http://sre.test/resolve' }),
    send: (incident, receivers, notice) => {
      sent.push({ atMs: timers.clock.nowMs(), incident: incident.id, receivers, notice });
      return Promise.resolve();
    },
  };
}

interface Harness {
  store: Store;
  timers: ManualTimers;
  bus: EventBus;
  service: IncidentService;
  runner: EscalationRunner<IncidentEscalationContext>;
  autoCreate: AutoCreateFromAlerts;
  sent: Sent[];
  errors: string[];
  events: AnyDomainEvent[];
}

async function harness(options: { resolveTargetReceivers?: (target: EscalationTarget, atMs: number) => string[] } = {}): Promise<Harness> {
  const store = await (await openStoreFile()).open();
  const timers = createManualTimers(t0);
  const bus = createEventBus({ clock: timers.clock });
  const events: AnyDomainEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const sent: Sent[] = [];
  const errors: string[] = [];
  const onError = (error: unknown, context: string) => errors.push(`${context}: ${error instanceof Error ? error.message : String(error)}`);
  const notifier = recordingNotifier(timers, sent);
  const current = settings();
  const service = createIncidentService({ repositories: store, transaction: (work) => store.transaction(work), bus, clock: timers.clock, settings: () => current, notifier, onError });
  const late: { escalation?: ReturnType<typeof createIncidentEscalation> } = {};
  const runner = createEscalationRunner<IncidentEscalationContext>({
    clock: timers.clock,
    timers,
    policies,
    store: typedEscalationStore<IncidentEscalationContext>(store.escalations, 'incident'),
    notify: (target, subject, step, context) => (late.escalation as ReturnType<typeof createIncidentEscalation>).notify(target, subject, step, context),
    onFired: (subject, firing) => late.escalation?.fired(subject, firing),
    onError: (error) => onError(error, 'escalation'),
  });
  late.escalation = createIncidentEscalation({ runner, settings: () => current, severityPolicies: () => ({ P1: 'critical' }), incidents: service, timeline: service, notifier, resolveTargetReceivers: options.resolveTargetReceivers, onError });
  service.listen(late.escalation);
  const autoCreate = createAutoCreateFromAlerts({ bus, clock: timers.clock, service, settings: () => current, onError });
  await runner.restore();
  await autoCreate.start();
  return { store, timers, bus, service, runner, autoCreate, sent, errors, events };
}

/** A fresh harness before each test of the describe, stopped after it. */
function useHarness(set: (h: Harness) => void): void {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await harness();
    set(current);
  });
  afterEach(async () => {
    current?.autoCreate.stop();
    await current?.runner.stop();
  });
}

const kinds = async (h: Harness, id: string) => (await h.service.timeline(id)).map((entry) => entry.kind);
const escalationsTo = (h: Harness, receiver: string) => h.sent.filter((s) => s.notice.kind === 'escalation' && s.receivers.includes(receiver));

describe('incident escalation on a fake clock', () => {
  let h: Harness;
  useHarness((value) => (h = value));

  it('pages level 1 at once and level 2 at exactly 15 minutes, not a millisecond before', async () => {
    const incident = await h.service.create({ title: 'Checkout down', severity: 'P1', services: ['checkout'] }, 'alice');
    expect(incident.id).toBe('INC-2026-1123-001');
    expect(escalationsTo(h, 'team').map((s) => s.atMs)).toEqual([t0]);
    expect(h.sent.filter((s) => s.notice.kind === 'status_update').map((s) => s.receivers)).toEqual([['status']]);

    await h.timers.advanceMs(15 * minute - 1);
    expect(escalationsTo(h, 'pager')).toEqual([]);
    await h.timers.advanceMs(1);
    expect(escalationsTo(h, 'pager').map((s) => s.atMs)).toEqual([t0 + 15 * minute]);
    expect(escalationsTo(h, 'pager')[0]?.notice.text).toContain('Acknowledge: http://sre.test/ack');

    const timeline = await h.service.timeline(incident.id);
    const escalated = timeline.filter((entry) => entry.kind === 'escalated');
    expect(escalated.map((entry) => [entry.atMs, entry.message])).toEqual([
      [t0, 'escalated to level 1 of policy critical: team'],
      [t0 + 15 * minute, 'escalated to level 2 of policy critical: pager, schedule primary'],
    ]);
    // Without on-call schedules a schedule target is reported, not a crash; the receiver still got it.
    expect(h.errors.some((error) => error.includes("target schedule 'primary' needs on-call schedules"))).toBe(true);
  });

  it('acknowledging stops the escalation: nothing at 15 minutes', async () => {
    const incident = await h.service.create({ title: 'DB down', severity: 'P1' }, 'alice');
    await h.timers.advanceMs(5 * minute);
    await h.service.acknowledge(incident.id, 'bob');
    await h.timers.advanceMs(30 * minute);
    expect(escalationsTo(h, 'pager')).toEqual([]);
    expect(h.runner.get({ kind: 'incident', id: incident.id })?.status).toBe('acknowledged');
  });

  it('resolving stops and forgets it', async () => {
    const incident = await h.service.create({ title: 'DB down', severity: 'P1' }, 'alice');
    await h.service.resolve(incident.id, 'bob', { resolution: 'failover' });
    await h.timers.advanceMs(30 * minute);
    expect(escalationsTo(h, 'pager')).toEqual([]);
    expect(h.runner.get({ kind: 'incident', id: incident.id })).toBeUndefined();
    expect(h.sent.filter((s) => s.notice.kind === 'status_update').map((s) => s.notice.text.split('\n')[0])).toEqual(['🚨 INCIDENT ALERT 🚨', '✅ INCIDENT RESOLVED ✅']);
  });

  it('raising the severity of an unacknowledged incident starts the new severity\'s policy', async () => {
    const incident = await h.service.create({ title: 'Getting worse', severity: 'P3' }, 'alice');
    expect(h.runner.get({ kind: 'incident', id: incident.id })).toBeUndefined();
    await h.timers.advanceMs(minute);
    await h.service.patch(incident.id, { severity: 'P1' }, 'bob');
    expect(escalationsTo(h, 'team').map((s) => s.atMs)).toEqual([t0 + minute]);
    await h.timers.advanceMs(15 * minute);
    expect(escalationsTo(h, 'pager').map((s) => s.atMs)).toEqual([t0 + 16 * minute]);
  });

  it('reopening an incident nobody acknowledged escalates again', async () => {
    const incident = await h.service.create({ title: 'Flapping', severity: 'P1' }, 'alice');
    await h.service.resolve(incident.id, 'bob', { announce: false });
    await h.timers.advanceMs(minute);
    await h.service.reopen(incident.id, 'carol');
    expect(escalationsTo(h, 'team').map((s) => s.atMs)).toEqual([t0, t0 + minute]);
  });

  it('a severity without a policy does not escalate', async () => {
    await h.service.create({ title: 'Slow page', severity: 'P4' }, 'alice');
    await h.timers.advanceMs(60 * minute);
    expect(h.sent.filter((s) => s.notice.kind === 'escalation')).toEqual([]);
  });
});

describe('escalation to schedules through an injected resolver', () => {
  it('notifies the receivers the resolver names for a schedule target at the level\'s due time', async () => {
    const asked: Array<[EscalationTarget, number]> = [];
    const h = await harness({ resolveTargetReceivers: (target, atMs) => (asked.push([target, atMs]), ['alice-phone']) });
    await h.service.create({ title: 'Checkout down', severity: 'P1' }, 'alice');
    await h.timers.advanceMs(15 * minute);
    expect(asked).toEqual([[{ schedule: 'primary' }, t0 + 15 * minute]]);
    expect(escalationsTo(h, 'alice-phone')).toHaveLength(1);
    expect(h.errors).toEqual([]);
    await h.runner.stop();
    h.autoCreate.stop();
  });
});

function alertEvent(labels: Record<string, string>, status: 'firing' | 'resolved', atMs: number): AlertEvent {
  const fingerprint = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  return { fingerprint, labels, annotations: { summary: `${labels.alertname ?? ''} on ${labels.service ?? ''}` }, status, source: 'rule', startsAt: new Date(atMs).toISOString(), endsAt: new Date(atMs).toISOString(), resolvedBy: status === 'resolved' ? 'sender' : null, acknowledgedBy: null, acknowledgedAt: null };
}

describe('auto-create and correlation from alert events', () => {
  let h: Harness;
  useHarness((value) => (h = value));

  const fire = async (labels: Record<string, string>) => {
    h.bus.publish('alert.firing', alertEvent(labels, 'firing', h.timers.clock.nowMs()));
    await h.autoCreate.idle();
  };
  const all = async (): Promise<Incident[]> => h.service.list({ limit: 100 });

  it('opens one incident with the alert\'s severity; a same-service alert inside the window joins it, one a millisecond outside opens another', async () => {
    await fire({ alertname: 'HighErrors', service: 'checkout', incident: 'true', incident_severity: 'P2' });
    const [first] = await all();
    expect(first).toMatchObject({ severity: 'P2', services: ['checkout'], correlationKey: 'service=checkout', title: 'HighErrors on checkout', createdBy: 'sre-monitor' });

    await h.timers.advanceMs(10 * minute);
    await fire({ alertname: 'HighLatency', service: 'checkout', incident: 'true' });
    expect(await all()).toHaveLength(1);
    expect((await h.service.get(first?.id ?? ''))?.alerts).toHaveLength(2);

    await h.timers.advanceMs(1);
    await fire({ alertname: 'Saturation', service: 'checkout', incident: 'true' });
    const incidents = await all();
    expect(incidents).toHaveLength(2);
    expect(incidents[0]).toMatchObject({ severity: 'P3', title: 'Saturation on checkout' });
  });

  it('puts linked alerts firing and resolving on the timeline; ignores alerts without incident="true"', async () => {
    await fire({ alertname: 'Down', service: 'search', incident: 'true', incident_severity: 'p1' });
    await fire({ alertname: 'Noise', service: 'search' });
    const [incident] = await all();
    expect(incident?.severity).toBe('P1');
    h.bus.publish('alert.resolved', alertEvent({ alertname: 'Down', service: 'search', incident: 'true', incident_severity: 'p1' }, 'resolved', h.timers.clock.nowMs()));
    await h.autoCreate.idle();
    expect((await kinds(h, incident?.id ?? '')).filter((kind) => kind.startsWith('alert_') || kind === 'created')).toEqual(['created', 'alert_firing', 'alert_resolved']);
    expect(await all()).toHaveLength(1);
  });

  it('does nothing when auto_create is off', async () => {
    h.autoCreate.stop();
    const off = createAutoCreateFromAlerts({ bus: h.bus, clock: h.timers.clock, service: h.service, settings: () => settings({ autoCreate: { enabled: false, label: 'incident', severityLabel: 'incident_severity', severity: 'P3' } }), onError: () => undefined });
    await off.start();
    h.bus.publish('alert.firing', alertEvent({ alertname: 'Down', service: 'x', incident: 'true' }, 'firing', t0));
    await off.idle();
    off.stop();
    expect(await all()).toEqual([]);
  });
});

describe('lifecycle and bad input', () => {
  let h: Harness;
  useHarness((value) => (h = value));

  it('publishes incident events for each change', async () => {
    const incident = await h.service.create({ title: 'x', severity: 'P3' }, 'alice');
    await h.service.patch(incident.id, { status: 'identified' }, 'bob');
    await h.service.acknowledge(incident.id, 'bob');
    await h.service.resolve(incident.id, 'bob', { announce: false });
    await h.service.reopen(incident.id, 'carol');
    const types = h.events.map((event) => event.type).filter((type) => type !== 'incident.timeline');
    expect(types).toEqual(['incident.created', 'incident.updated', 'incident.updated', 'incident.acknowledged', 'incident.resolved', 'incident.reopened']);
    expect(h.events.filter((event) => event.type === 'incident.timeline')).toHaveLength((await h.service.timeline(incident.id)).length);
  });

  it.each([
    ['resolving a resolved incident', async (s: IncidentService, id: string) => s.resolve(id, 'x'), ConflictError, /already resolved/],
    ['acknowledging a resolved incident', async (s: IncidentService, id: string) => s.acknowledge(id, 'x'), ConflictError, /cannot be acknowledged/],
    ['moving a resolved incident back to identified', async (s: IncidentService, id: string) => s.patch(id, { status: 'identified' }, 'x'), ConflictError, /reopen it first/],
    ['an unknown severity', async (s: IncidentService, id: string) => s.patch(id, { severity: 'SEV9' }, 'x'), ValidationError, /unknown severity "SEV9"/],
    ['a status update to an unknown channel', async (s: IncidentService, id: string) => s.postUpdate(id, { message: 'x', channels: ['nope'] }, 'x'), ValidationError, /channels\[0\]: no receiver named "nope"/],
  ])('%s is refused and the timeline stays as it was', async (_name, act, type, message) => {
    const incident = await h.service.create({ title: 'x', severity: 'P3' }, 'alice');
    await h.service.resolve(incident.id, 'bob');
    const before = await h.service.timeline(incident.id);
    const stored = await h.service.get(incident.id);
    const failure = await act(h.service, incident.id).then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(type);
    expect(String(failure)).toMatch(message);
    expect(await h.service.timeline(incident.id)).toEqual(before);
    expect(await h.service.get(incident.id)).toEqual(stored);
  });

  it('refuses an unknown severity at creation and stores nothing', async () => {
    await expect(h.service.create({ title: 'x', severity: 'P9' }, 'alice')).rejects.toThrow(/severity: unknown severity "P9"; the scale is P1, P2, P3, P4, P5/);
    expect(await h.service.list({ limit: 10 })).toEqual([]);
  });

  it('numbers incidents per UTC day', async () => {
    const first = await h.service.create({ title: 'a', severity: 'P5' }, 'alice');
    const second = await h.service.create({ title: 'b', severity: 'P5' }, 'alice');
    await h.timers.advanceMs(15 * 60 * minute);
    const nextDay = await h.service.create({ title: 'c', severity: 'P5' }, 'alice');
    expect([first.id, second.id, nextDay.id]).toEqual(['INC-2026-1123-001', 'INC-2026-1123-002', 'INC-2026-1124-001']);
  });

  it('writes timeline entries for other features through the writer port', async () => {
    const incident = await h.service.create({ title: 'x', severity: 'P5' }, 'alice');
    const entry = await h.service.append(incident.id, { actor: 'runbook', kind: 'runbook_step', message: 'step 1 done', data: { step: 1 } });
    expect(entry).toMatchObject({ incidentId: incident.id, atMs: t0, kind: 'runbook_step' });
    await expect(h.service.append('INC-2000-0101-001', { actor: 'x', kind: 'note', message: 'x', data: {} })).rejects.toThrow(/does not exist/);
  });
});
