/**
 * A runbook run: the plan it started with (a snapshot, so editing the runbook never changes a
 * run in progress) and the state of each step. Pure transitions; every one returns a new run and
 * throws ConflictError for a move the state does not allow (confirming a step that is not
 * waiting, touching a finished run).
 *
 * Step: pending -> running -> succeeded | failed (automated steps)
 *       pending -> waiting_confirmation -> succeeded | skipped (checklist steps)
 * Run:  running <-> waiting_confirmation -> succeeded | failed | aborted
 * A failed step fails the run; the steps after it stay pending.
 */
import { ConflictError } from '../errors.js';
import type { RunbookStep } from './runbook.js';

export const runbookStepStatuses = ['pending', 'running', 'waiting_confirmation', 'succeeded', 'failed', 'skipped'] as const;
export type RunbookStepStatus = (typeof runbookStepStatuses)[number];

export const runbookRunStatuses = ['running', 'waiting_confirmation', 'succeeded', 'failed', 'aborted'] as const;
export type RunbookRunStatus = (typeof runbookRunStatuses)[number];

export interface RunbookStepState {
  status: RunbookStepStatus;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  /** What the step produced (HTTP status and body, command output, last check), truncated. */
  output: string | null;
  /** Who confirmed or skipped a checklist step. */
  confirmedBy: string | null;
  note: string | null;
}

export interface RunbookRun {
  id: string;
  incidentId: string;
  runbook: string;
  runbookTitle: string;
  steps: RunbookStep[];
  stepStates: RunbookStepState[];
  status: RunbookRunStatus;
  /** Index of the step in progress (or next); equals steps.length once every step is done. */
  currentStep: number;
  startedBy: string;
  startedAtMs: number;
  updatedAtMs: number;
  finishedAtMs: number | null;
  /** Why the run failed or was aborted. */
  reason: string | null;
}

/** Longest output kept per step: enough for a status line and the start of a body. */
export const maxStepOutputChars = 2000;

export function truncateOutput(text: string): string {
  return text.length <= maxStepOutputChars ? text : `${text.slice(0, maxStepOutputChars)}... (${text.length - maxStepOutputChars} more characters)`;
}

export function isFinished(run: Pick<RunbookRun, 'status'>): boolean {
  return run.status === 'succeeded' || run.status === 'failed' || run.status === 'aborted';
}

const emptyStep: RunbookStepState = { status: 'pending', startedAtMs: null, finishedAtMs: null, output: null, confirmedBy: null, note: null };

export function newRunbookRun(input: { id: string; incidentId: string; runbook: string; runbookTitle: string; steps: RunbookStep[]; startedBy: string; nowMs: number }): RunbookRun {
  return {
    id: input.id,
    incidentId: input.incidentId,
    runbook: input.runbook,
    runbookTitle: input.runbookTitle,
    steps: input.steps,
    stepStates: input.steps.map(() => ({ ...emptyStep })),
    status: input.steps.length === 0 ? 'succeeded' : 'running',
    currentStep: 0,
    startedBy: input.startedBy,
    startedAtMs: input.nowMs,
    updatedAtMs: input.nowMs,
    finishedAtMs: input.steps.length === 0 ? input.nowMs : null,
    reason: null,
  };
}

function withStep(run: RunbookRun, index: number, change: Partial<RunbookStepState>, runChange: Partial<RunbookRun>, nowMs: number): RunbookRun {
  const stepStates = run.stepStates.map((state, position) => (position === index ? { ...state, ...change } : state));
  return { ...run, ...runChange, stepStates, updatedAtMs: nowMs };
}

function currentState(run: RunbookRun, expected: RunbookStepStatus, action: string): RunbookStepState {
  if (isFinished(run)) throw new ConflictError(`run ${run.id} is ${run.status}; cannot ${action}`);
  const state = run.stepStates[run.currentStep];
  if (state === undefined || state.status !== expected) throw new ConflictError(`step ${run.currentStep + 1} of run ${run.id} is ${state?.status ?? 'missing'}; cannot ${action}`);
  return state;
}

/** The current (pending) step begins: automated steps run, checklist steps wait for a person. */
export function beginCurrentStep(run: RunbookRun, nowMs: number): RunbookRun {
  currentState(run, 'pending', 'begin it');
  const step = run.steps[run.currentStep];
  const waiting = step?.kind === 'checklist';
  return withStep(run, run.currentStep, { status: waiting ? 'waiting_confirmation' : 'running', startedAtMs: nowMs }, { status: waiting ? 'waiting_confirmation' : 'running' }, nowMs);
}

function advance(run: RunbookRun, nowMs: number): RunbookRun {
  const next = run.currentStep + 1;
  return next >= run.steps.length
    ? { ...run, currentStep: run.steps.length, status: 'succeeded', finishedAtMs: nowMs, updatedAtMs: nowMs }
    : { ...run, currentStep: next, status: 'running', updatedAtMs: nowMs };
}

/** The running automated step ended; a failure fails the run. */
export function finishCurrentStep(run: RunbookRun, outcome: { ok: boolean; output: string }, nowMs: number): RunbookRun {
  currentState(run, 'running', 'finish it');
  const output = truncateOutput(outcome.output);
  if (!outcome.ok) {
    const failed = withStep(run, run.currentStep, { status: 'failed', finishedAtMs: nowMs, output }, {}, nowMs);
    return { ...failed, status: 'failed', finishedAtMs: nowMs, reason: `step ${run.currentStep + 1} '${run.steps[run.currentStep]?.title ?? ''}' failed: ${output.split('\n')[0] ?? ''}` };
  }
  return advance(withStep(run, run.currentStep, { status: 'succeeded', finishedAtMs: nowMs, output }, {}, nowMs), nowMs);
}

/** A person confirms (or skips) the waiting checklist step `index`. */
export function confirmStep(run: RunbookRun, index: number, input: { actor: string; note: string | null; skip: boolean }, nowMs: number): RunbookRun {
  if (index !== run.currentStep) {
    if (isFinished(run)) throw new ConflictError(`run ${run.id} is ${run.status}; cannot confirm step ${index + 1}`);
    throw new ConflictError(`step ${index + 1} is not the step waiting for confirmation (step ${run.currentStep + 1} is ${run.stepStates[run.currentStep]?.status ?? 'done'})`);
  }
  currentState(run, 'waiting_confirmation', `confirm step ${index + 1}`);
  const status = input.skip ? 'skipped' : 'succeeded';
  return advance(withStep(run, index, { status, finishedAtMs: nowMs, confirmedBy: input.actor, note: input.note }, {}, nowMs), nowMs);
}

/** Stops a run by hand; the current step keeps its state, later steps stay pending. */
export function abortRun(run: RunbookRun, reason: string, nowMs: number): RunbookRun {
  if (isFinished(run)) throw new ConflictError(`run ${run.id} is already ${run.status}`);
  return { ...run, status: 'aborted', reason, finishedAtMs: nowMs, updatedAtMs: nowMs };
}

/**
 * After a restart: a step that was running an action may or may not have had its effect, so it is
 * failed rather than repeated (an HTTP POST sent twice can open two status-page incidents).
 */
export function interruptRun(run: RunbookRun, reason: string, nowMs: number): RunbookRun {
  const state = run.stepStates[run.currentStep];
  if (isFinished(run) || state?.status !== 'running') return run;
  const failed = withStep(run, run.currentStep, { status: 'failed', finishedAtMs: nowMs, output: reason }, {}, nowMs);
  return { ...failed, status: 'failed', finishedAtMs: nowMs, reason: `step ${run.currentStep + 1} '${run.steps[run.currentStep]?.title ?? ''}' was interrupted: ${reason}` };
}
