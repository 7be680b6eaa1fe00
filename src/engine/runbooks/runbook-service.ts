/**
 * src/engine/runbooks: runs runbooks on incidents. Starting one resolves it for the incident
 * (templates rendered, commands checked against the allow-list: a forbidden command refuses the
 * whole run up front), stores the run, and works through the steps in order: automated steps
 * execute, a checklist step waits until a person confirms or skips it. Every step's start,
 * outcome, output and confirmer go to the incident timeline.
 *
 * Runs are durable: the run is saved before each action starts and after it ends. After a
 * restart `resume()` picks up runs waiting for a person or polling in a wait_verify step, and
 * fails a run whose HTTP or command step was in flight, rather than sending it twice.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { isOpen, type Incident, type NewTimelineEntry } from '../../core/incidents/incident.js';
import { matchRunbooks, runbookMatchesIncident } from '../../core/runbooks/runbook-match.js';
import { commandAllowed, planRunbook, type RunbookPlan } from '../../core/runbooks/runbook-plan.js';
import { abortRun, beginCurrentStep, confirmStep, finishCurrentStep, interruptRun, isFinished, newRunbookRun, type RunbookRun } from '../../core/runbooks/runbook-run.js';
import type { Runbook, RunbookStep } from '../../core/runbooks/runbook.js';
import type { RunbookRunRepository } from '../../adapters/store/store.js';
import type { IncidentReader, IncidentTimelineWriter } from '../incidents/incident-ports.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';
import { checkWaitTarget, execFileCommandRunner, runHttpStep, type CommandRunner, type FetchFunction, type RunbookStatusSources, type StepOutcome } from './step-actions.js';

export interface RunbookServiceOptions {
  /** The loaded runbooks (built-in, files, config items); a function so a reload can swap them. */
  runbooks: () => readonly Runbook[];
  /** Absolute program paths `command` steps may run; empty (the default) allows none. */
  allowCommands: () => readonly string[];
  incidents: IncidentReader;
  timeline: IncidentTimelineWriter;
  runs: RunbookRunRepository;
  status: RunbookStatusSources;
  clock: Clock;
  timers?: Timers;
  fetch?: FetchFunction;
  commands?: CommandRunner;
  newId?: () => string;
  /** A step or timeline write failed in the background; the run itself records step failures. */
  onError?: (error: unknown, context: string) => void;
}

export type StartResult = { dryRun: true; plan: RunbookPlan } | { dryRun: false; run: RunbookRun };

export interface RunbookListing {
  runbook: Runbook;
  /** Ids of open incidents the runbook matches. */
  openIncidents: string[];
}

export interface RunbookService {
  list(): Promise<RunbookListing[]>;
  /** NotFoundError for an unknown name. */
  get(name: string): Runbook;
  /** Runbooks matching the incident, most specific first. */
  matching(incidentId: string): Promise<Runbook[]>;
  start(incidentId: string, input: { runbook: string; dryRun: boolean }, actor: string): Promise<StartResult>;
  runs(incidentId: string): Promise<RunbookRun[]>;
  run(incidentId: string, runId: string): Promise<RunbookRun>;
  /** Confirms (or skips) checklist step `index` (0-based) waiting for a person. */
  confirm(incidentId: string, runId: string, index: number, input: { note: string | null; skip: boolean }, actor: string): Promise<RunbookRun>;
  abort(incidentId: string, runId: string, reason: string | null, actor: string): Promise<RunbookRun>;
  /** At start-up: resume unfinished runs, fail those cut off mid-action. */
  resume(): Promise<void>;
  /** Resolves once no step is executing (tests, shutdown). */
  idle(): Promise<void>;
  /** Cancels pending wait_verify polls; runs stay stored and resume at the next start. */
  stop(): Promise<void>;
}

const systemActor = 'sre-monitor';

function stepLabel(run: RunbookRun, index: number): string {
  return `step ${index + 1}/${run.steps.length} '${run.steps[index]?.title ?? ''}'`;
}

export function createRunbookService(options: RunbookServiceOptions): RunbookService {
  const timers = options.timers ?? systemTimers;
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const commands = options.commands ?? execFileCommandRunner;
  const newId = options.newId ?? (() => randomUUID());
  const report = options.onError ?? (() => undefined);
  const chains = new Map<string, Promise<void>>();
  const polls = new Map<string, TimerHandle>();
  let stopped = false;

  const findRunbook = (name: string): Runbook => {
    const runbook = options.runbooks().find((entry) => entry.name === name);
    if (runbook === undefined) throw new NotFoundError('runbook', name);
    return runbook;
  };

  const incidentOrThrow = async (id: string): Promise<Incident> => {
    const incident = await options.incidents.get(id);
    if (incident === null) throw new NotFoundError('incident', id);
    return incident;
  };

  const runOf = async (incidentId: string, runId: string): Promise<RunbookRun> => {
    const run = await options.runs.get(runId);
    if (run === undefined || run.incidentId !== incidentId) throw new NotFoundError('runbook run', runId);
    return run;
  };

  const appendTimeline = async (run: RunbookRun, entry: Omit<NewTimelineEntry, 'incidentId' | 'atMs' | 'data'> & { data: Record<string, unknown> }): Promise<void> => {
    try {
      await options.timeline.append(run.incidentId, { ...entry, atMs: options.clock.nowMs(), data: { run: run.id, runbook: run.runbook, ...entry.data } });
    } catch (error) {
      report(error, `timeline entry for runbook run ${run.id}`);
    }
  };

  const recordFinished = async (run: RunbookRun, actor: string): Promise<void> => {
    const how = run.status === 'succeeded' ? 'succeeded' : `${run.status}${run.reason === null ? '' : `: ${run.reason}`}`;
    await appendTimeline(run, { actor, kind: 'runbook_finished', message: `runbook '${run.runbookTitle}' ${how}`, data: { status: run.status, reason: run.reason } });
  };

  const recordStepOutcome = async (run: RunbookRun, index: number, actor: string): Promise<void> => {
    const state = run.stepStates[index];
    if (state === undefined) return;
    const by = state.confirmedBy === null ? '' : ` by ${state.confirmedBy}`;
    const detail = state.note ?? (state.output === null ? null : state.output.split('\n')[0]);
    const verb = state.status === 'succeeded' && state.confirmedBy !== null ? 'confirmed' : state.status;
    await appendTimeline(run, {
      actor,
      kind: 'runbook_step',
      message: `${stepLabel(run, index)} ${verb}${by}${detail === null || detail === undefined || detail === '' ? '' : `: ${detail}`}`,
      data: { step: index + 1, kind: run.steps[index]?.kind, status: state.status, output: state.output, confirmed_by: state.confirmedBy, note: state.note },
    });
  };

  const recordStepStart = async (run: RunbookRun, index: number): Promise<void> => {
    const state = run.stepStates[index];
    const step = run.steps[index];
    if (state === undefined || step === undefined) return;
    const waiting = state.status === 'waiting_confirmation';
    await appendTimeline(run, {
      actor: systemActor,
      kind: 'runbook_step',
      message: `${stepLabel(run, index)} ${waiting ? 'waiting for confirmation' : 'started'}`,
      data: { step: index + 1, kind: step.kind, status: state.status, ...(step.kind === 'checklist' ? { text: step.text } : {}) },
    });
  };

  const execute = async (step: RunbookStep, run: RunbookRun): Promise<StepOutcome> => {
    switch (step.kind) {
      case 'http':
        return runHttpStep(step, fetchFunction);
      case 'command':
        // Checked again here: a reload may have taken the program off the allow-list since start.
        if (!commandAllowed(step.argv[0] ?? '', options.allowCommands())) return { ok: false, output: `${step.argv[0] ?? ''} is no longer on the command allow-list` };
        return commands.run(step.argv, step.timeoutMs);
      case 'wait_verify': {
        // A failing look (the SLO engine busy, the store away) is one more miss, not the end of the wait.
        const outcome: StepOutcome = await checkWaitTarget(step.target, options.status).catch((error: unknown) => ({ ok: false, output: `check failed: ${error instanceof Error ? error.message : String(error)}` }));
        const startedAtMs = run.stepStates[run.currentStep]?.startedAtMs ?? options.clock.nowMs();
        if (!outcome.ok && outcome.final !== true && options.clock.nowMs() >= startedAtMs + step.timeoutMs) return { ok: false, output: `timed out after ${step.timeoutMs / 1000}s: ${outcome.output}` };
        return outcome;
      }
      case 'checklist':
        return { ok: false, output: 'a checklist step is confirmed by a person' };
    }
  };

  /** Saves `next` (the stored run must still be `previous`'s version) and returns it. */
  const save = async (next: RunbookRun): Promise<RunbookRun> => {
    await options.runs.update(next);
    return next;
  };

  /** Works through the run from its current step until it waits, polls or finishes. */
  const drive = async (runId: string): Promise<void> => {
    for (;;) {
      if (stopped) return;
      let run = await options.runs.get(runId);
      if (run === undefined || isFinished(run)) return;
      const index = run.currentStep;
      const step = run.steps[index];
      const state = run.stepStates[index];
      if (step === undefined || state === undefined || state.status === 'waiting_confirmation') return;
      if (state.status === 'pending') {
        run = await save(beginCurrentStep(run, options.clock.nowMs()));
        await recordStepStart(run, index);
        if (step.kind === 'checklist') return;
      }
      const outcome = await execute(step, run);
      const latest = await options.runs.get(runId);
      // Aborted (or otherwise moved on) while the action ran: its outcome no longer applies.
      if (latest === undefined || isFinished(latest) || latest.currentStep !== index || latest.stepStates[index]?.status !== 'running') return;
      if (step.kind === 'wait_verify' && !outcome.ok && outcome.final !== true && !outcome.output.startsWith('timed out')) {
        await save({ ...latest, stepStates: latest.stepStates.map((entry, position) => (position === index ? { ...entry, output: outcome.output } : entry)), updatedAtMs: options.clock.nowMs() });
        const startedAtMs = latest.stepStates[index]?.startedAtMs ?? options.clock.nowMs();
        const delayMs = Math.max(0, Math.min(step.intervalMs, startedAtMs + step.timeoutMs - options.clock.nowMs()));
        polls.set(runId, timers.after(delayMs, () => {
          polls.delete(runId);
          void enqueue(runId);
        }));
        return;
      }
      run = await save(finishCurrentStep(latest, outcome, options.clock.nowMs()));
      await recordStepOutcome(run, index, systemActor);
      if (isFinished(run)) {
        await recordFinished(run, systemActor);
        return;
      }
    }
  };

  /** Runs `drive` for a run after whatever is already queued for it, never two at once. */
  function enqueue(runId: string): Promise<void> {
    const previous = chains.get(runId) ?? Promise.resolve();
    const next = previous.then(() => drive(runId)).catch((error: unknown) => report(error, `runbook run ${runId}`));
    chains.set(runId, next);
    void next.then(() => {
      if (chains.get(runId) === next) chains.delete(runId);
    });
    return next;
  }

  /** Runs a state change of a person (confirm, abort) in the run's queue, so it never races a step. */
  function serialized<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = chains.get(runId) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(() => undefined, () => undefined);
    chains.set(runId, settled);
    void settled.then(() => {
      if (chains.get(runId) === settled) chains.delete(runId);
    });
    return result;
  }

  return {
    async list() {
      const nowMs = options.clock.nowMs();
      const open = (await options.incidents.between(nowMs, nowMs + 1)).filter(isOpen);
      return options.runbooks().map((runbook) => ({ runbook, openIncidents: open.filter((incident) => runbookMatchesIncident(runbook, incident)).map((incident) => incident.id) }));
    },

    get: findRunbook,

    async matching(incidentId) {
      return matchRunbooks(options.runbooks(), await incidentOrThrow(incidentId));
    },

    async start(incidentId, input, actor) {
      const incident = await incidentOrThrow(incidentId);
      const runbook = findRunbook(input.runbook);
      const plan = planRunbook(runbook, incident, options.allowCommands());
      if (input.dryRun) return { dryRun: true, plan };
      if (plan.problems.length > 0) throw new ValidationError(plan.problems, `runbook '${runbook.name}' cannot start: ${plan.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
      const active = (await options.runs.listByIncident(incidentId)).find((run) => run.runbook === runbook.name && !isFinished(run));
      if (active !== undefined) throw new ConflictError(`runbook '${runbook.name}' is already running on ${incidentId} (run ${active.id}); finish or abort it first`);
      const run = newRunbookRun({ id: newId(), incidentId, runbook: runbook.name, runbookTitle: runbook.title, steps: plan.steps, startedBy: actor, nowMs: options.clock.nowMs() });
      await options.runs.insert(run);
      await appendTimeline(run, { actor, kind: 'runbook_started', message: `runbook '${runbook.title}' started (${run.steps.length} steps)`, data: { steps: run.steps.length } });
      if (isFinished(run)) await recordFinished(run, actor);
      else void enqueue(run.id);
      return { dryRun: false, run };
    },

    async runs(incidentId) {
      await incidentOrThrow(incidentId);
      return options.runs.listByIncident(incidentId);
    },

    async run(incidentId, runId) {
      await incidentOrThrow(incidentId);
      return runOf(incidentId, runId);
    },

    async confirm(incidentId, runId, index, input, actor) {
      await incidentOrThrow(incidentId);
      await runOf(incidentId, runId);
      const confirmed = await serialized(runId, async () => {
        const run = await runOf(incidentId, runId);
        if (index < 0 || index >= run.steps.length) throw new NotFoundError('step', String(index));
        const next = await save(confirmStep(run, index, { actor, note: input.note, skip: input.skip }, options.clock.nowMs()));
        await recordStepOutcome(next, index, actor);
        if (isFinished(next)) await recordFinished(next, actor);
        return next;
      });
      if (!isFinished(confirmed)) void enqueue(runId);
      return confirmed;
    },

    async abort(incidentId, runId, reason, actor) {
      await incidentOrThrow(incidentId);
      await runOf(incidentId, runId);
      return serialized(runId, async () => {
        const run = await runOf(incidentId, runId);
        const next = await save(abortRun(run, reason ?? `aborted by ${actor}`, options.clock.nowMs()));
        polls.get(runId)?.cancel();
        polls.delete(runId);
        await recordFinished(next, actor);
        return next;
      });
    },

    async resume() {
      stopped = false;
      for (const run of await options.runs.listUnfinished()) {
        const state = run.stepStates[run.currentStep];
        const step = run.steps[run.currentStep];
        if (state?.status === 'running' && step?.kind !== 'wait_verify') {
          const failed = await save(interruptRun(run, 'sre-monitor stopped while this step ran; it is not repeated, check its effect by hand', options.clock.nowMs()));
          await recordStepOutcome(failed, failed.currentStep, systemActor);
          await recordFinished(failed, systemActor);
        } else if (state?.status !== 'waiting_confirmation') void enqueue(run.id);
      }
    },

    async idle() {
      // Chains can grow while we wait (a confirmation queues the next steps): loop until quiet.
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },

    async stop() {
      stopped = true;
      for (const handle of polls.values()) handle.cancel();
      polls.clear();
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
