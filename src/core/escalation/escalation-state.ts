/**
 * The state of one running escalation and the pure steps that move it. Nothing here reads a
 * clock: every step takes `nowMs`. Fire times are never stored; they follow from `startedAtMs`
 * and the policy (level i of round r at `startedAtMs + r * roundLength + sum(afterMs[0..i])`),
 * so a state saved before a restart, or kept across a policy reload, resumes on the same
 * schedule. Acknowledging or resolving stops it.
 */
import { levelDueAtMs, type EscalationPolicy, type EscalationTarget } from './escalation-policy.js';

/** What is escalated: an alert group (`kind: 'group'`, id = group key) or an incident (`kind: 'incident'`). */
export interface EscalationSubject {
  kind: string;
  id: string;
}

/**
 * active: levels still to fire; exhausted: every level of every round fired and nobody
 * acknowledged (nothing more will fire); acknowledged / resolved: stopped by a person or by the
 * subject ending.
 */
export type EscalationStatus = 'active' | 'exhausted' | 'acknowledged' | 'resolved';

export interface EscalationState {
  subject: EscalationSubject;
  policy: string;
  status: EscalationStatus;
  startedAtMs: number;
  /** Index of the level that fired last; -1 before the first fired. */
  level: number;
  /** Round of that level: 0 for the first pass, 1 for the first repeat, ... */
  round: number;
  lastFiredAtMs: number | null;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
  resolvedAtMs: number | null;
}

/** One level that fell due in an `advanceEscalation` call. */
export interface EscalationFiring {
  level: number;
  round: number;
  /** When it was due; `lateMs` after that it fired (0 on time, more after a restart or a stalled timer). */
  dueAtMs: number;
  lateMs: number;
  /**
   * Earlier rounds of the same level that also fell due in this call and were folded into this
   * one (after a long outage a level fires once, not once per missed round).
   */
  foldedRounds: number;
  targets: EscalationTarget[];
}

export interface EscalationAdvance {
  state: EscalationState;
  /** Levels that fell due, oldest due first; more than one means a catch-up. */
  fired: EscalationFiring[];
}

export function sameSubject(a: EscalationSubject, b: EscalationSubject): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/** A new escalation; nothing fired yet (call `advanceEscalation` with the same `nowMs` to fire a level with after 0). */
export function startEscalation(policy: EscalationPolicy, subject: EscalationSubject, nowMs: number): EscalationState {
  return {
    subject: { kind: subject.kind, id: subject.id },
    policy: policy.name,
    status: policy.levels.length === 0 ? 'exhausted' : 'active',
    startedAtMs: nowMs,
    level: -1,
    round: 0,
    lastFiredAtMs: null,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
  };
}

/** The level and round that fire next, or null when the chain (with its repeats) is done. */
export function nextEscalationStep(state: Pick<EscalationState, 'level' | 'round'>, policy: EscalationPolicy): { level: number; round: number } | null {
  if (policy.levels.length === 0) return null;
  const followsInRound = state.level + 1 < policy.levels.length;
  const step = followsInRound ? { level: state.level + 1, round: state.round } : { level: 0, round: state.round + 1 };
  return step.round > policy.repeat ? null : step;
}

/** When the next level fires (ms since the epoch), or null when nothing more will. */
export function escalationDueAtMs(state: EscalationState, policy: EscalationPolicy): number | null {
  if (state.status !== 'active') return null;
  const step = nextEscalationStep(state, policy);
  return step === null ? null : levelDueAtMs(policy, state.startedAtMs, step.round, step.level);
}

/**
 * Fires every level due at `nowMs` (due time <= nowMs: exactly on the minute, never a
 * millisecond before). After a restart several may be due at once: each level fires once,
 * holding the latest of its missed rounds, and says how late it is.
 */
export function advanceEscalation(state: EscalationState, policy: EscalationPolicy, nowMs: number): EscalationAdvance {
  let current = state;
  const due: Array<{ level: number; round: number; dueAtMs: number }> = [];
  for (let dueAtMs = escalationDueAtMs(current, policy); dueAtMs !== null && dueAtMs <= nowMs; dueAtMs = escalationDueAtMs(current, policy)) {
    const step = nextEscalationStep(current, policy);
    if (step === null) break;
    due.push({ ...step, dueAtMs });
    current = { ...current, level: step.level, round: step.round, lastFiredAtMs: nowMs };
  }
  if (current.status === 'active' && nextEscalationStep(current, policy) === null) current = { ...current, status: 'exhausted' };
  return { state: current, fired: foldRounds(due, policy, nowMs) };
}

function foldRounds(due: Array<{ level: number; round: number; dueAtMs: number }>, policy: EscalationPolicy, nowMs: number): EscalationFiring[] {
  const latest = new Map<number, { level: number; round: number; dueAtMs: number; folded: number }>();
  for (const entry of due) {
    const earlier = latest.get(entry.level);
    latest.set(entry.level, { ...entry, folded: earlier === undefined ? 0 : earlier.folded + 1 });
  }
  return [...latest.values()]
    .sort((a, b) => a.dueAtMs - b.dueAtMs || a.level - b.level)
    .map((entry) => ({
      level: entry.level,
      round: entry.round,
      dueAtMs: entry.dueAtMs,
      lateMs: nowMs - entry.dueAtMs,
      foldedRounds: entry.folded,
      targets: (policy.levels[entry.level]?.targets ?? []).map((target) => ({ ...target })),
    }));
}

export type AcknowledgeOutcome = 'acknowledged' | 'already_acknowledged' | 'already_resolved';

/** Stops the escalation; the first acknowledgement wins and later ones change nothing. */
export function acknowledgeEscalation(state: EscalationState, actor: string, nowMs: number): { state: EscalationState; outcome: AcknowledgeOutcome } {
  if (state.status === 'resolved') return { state, outcome: 'already_resolved' };
  if (state.status === 'acknowledged') return { state, outcome: 'already_acknowledged' };
  return { state: { ...state, status: 'acknowledged', acknowledgedAtMs: nowMs, acknowledgedBy: actor }, outcome: 'acknowledged' };
}

export type ResolveOutcome = 'resolved' | 'already_resolved';

/** Stops the escalation because its subject ended (alert group resolved, incident closed). */
export function resolveEscalation(state: EscalationState, nowMs: number): { state: EscalationState; outcome: ResolveOutcome } {
  if (state.status === 'resolved') return { state, outcome: 'already_resolved' };
  return { state: { ...state, status: 'resolved', resolvedAtMs: nowMs }, outcome: 'resolved' };
}
