/**
 * Part of the composition root: applying a loaded config to the running features (reconcile
 * services, monitors and SLOs with what the file declares) and reloading it (SIGHUP or the API),
 * including which changed settings need a restart. Only app.ts calls it.
 */
import { ValidationError } from './core/errors.js';
import { ConfigError, formatConfigProblem, type ConfigProblem } from './config/config-problem.js';
import { loadConfig, type LoadConfigOptions, type LoadedConfig } from './config/load-config.js';
import type { RuntimeConfig } from './config/runtime-config.js';
import { configActor, type Actor } from './engine/actor.js';
import type { Monitoring } from './engine/monitors/monitoring.js';
import type { SloEngine } from './engine/slos/slo-engine.js';
import type { ServiceCatalog } from './engine/service-catalog.js';
import type { ReloadOutcome, ReloadProblem } from './http/routes/reload.js';

/** Where the config comes from: the file and what the command line overrides. */
export interface ConfigSource {
  configFile: string;
  env?: LoadConfigOptions['env'];
  overrides?: LoadConfigOptions['overrides'];
}

type ReloadAttempt =
  | { ok: true; loaded: LoadedConfig; result: Extract<ReloadOutcome, { ok: true }> }
  | { ok: false; result: Extract<ReloadOutcome, { ok: false }> };

/**
 * Makes the store match the config: config monitors that left go first (so their services can
 * go), then services, then the monitors that stay or arrive (their services now exist).
 */
export interface Features {
  catalog: ServiceCatalog;
  monitoring: Monitoring;
  slos: SloEngine;
}

export async function applyConfig(runtime: RuntimeConfig, { catalog, monitoring, slos }: Features, actor: Actor) {
  // What leaves goes first, dependents before what they depend on; then what stays or arrives.
  const removedSlos = await slos.service.removeUnconfigured(runtime.slos, actor);
  const removedMonitors = await monitoring.service.removeUnconfigured(runtime.monitors, actor);
  const services = await catalog.reconcile(runtime.services, actor);
  const monitors = await monitoring.service.reconcile(runtime.monitors, actor);
  const sloChanges = await slos.service.reconcile(runtime.slos, actor);
  return { services, monitors: { ...monitors, removed: removedMonitors }, slos: { ...sloChanges, removed: removedSlos } };
}

export async function reloadConfig(current: LoadedConfig, options: ConfigSource, features: Features, actor: Actor): Promise<ReloadAttempt> {
  let next: LoadedConfig;
  try {
    next = await loadConfig(options.configFile, { env: options.env, overrides: options.overrides });
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, result: { ok: false, problems: error.problems.map(toReloadProblem) } };
    throw error;
  }
  let applied;
  try {
    applied = await applyConfig(next.runtime, features, { ...configActor, requestId: actor.requestId });
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, result: { ok: false, problems: problemsFromValidation(next.file, error).map(toReloadProblem) } };
    throw error;
  }
  return { ok: true, loaded: next, result: { ok: true, summary: next.summary, restartRequired: restartRequired(current.runtime, next.runtime), ...applied } };
}

/** Settings that only take effect on restart: the listening socket and the store. */
function restartRequired(before: RuntimeConfig, after: RuntimeConfig): string[] {
  const changed: string[] = [];
  const { logLevel: _a, ...serverBefore } = before.server;
  const { logLevel: _b, ...serverAfter } = after.server;
  for (const key of Object.keys(serverBefore) as Array<keyof typeof serverBefore>) {
    if (serverBefore[key] !== serverAfter[key]) changed.push(`server.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`);
  }
  if (JSON.stringify(before.storage) !== JSON.stringify(after.storage)) changed.push('storage');
  if (before.monitoring.maxConcurrency !== after.monitoring.maxConcurrency) changed.push('monitoring.max_concurrency');
  if (JSON.stringify(before.monitoring.retention) !== JSON.stringify(after.monitoring.retention)) changed.push('monitoring.retention');
  if (JSON.stringify(before.sloEngine) !== JSON.stringify(after.sloEngine)) changed.push('slo_engine');
  const alertingBefore = before.alerting;
  const alertingAfter = after.alerting;
  for (const [key, a, b] of [
    ['alerting.external_url', alertingBefore.externalUrl, alertingAfter.externalUrl],
    ['alerting.resolve_timeout', alertingBefore.resolveTimeoutMs, alertingAfter.resolveTimeoutMs],
    ['alerting.dedup_window', alertingBefore.dedupWindowMs, alertingAfter.dedupWindowMs],
    ['alerting.notifications', JSON.stringify(alertingBefore.notifications), JSON.stringify(alertingAfter.notifications)],
    ['alerting.ack_links', JSON.stringify(alertingBefore.ackLinks), JSON.stringify(alertingAfter.ackLinks)],
    ['alerting.retention', alertingBefore.retentionMs, alertingAfter.retentionMs],
    ['alerting.monitor_alerts', JSON.stringify(alertingBefore.monitorAlerts), JSON.stringify(alertingAfter.monitorAlerts)],
    ['alerting.slo_alerts', alertingBefore.sloAlerts, alertingAfter.sloAlerts],
  ] as const) {
    if (a !== b) changed.push(key);
  }
  return changed;
}

export function problemsFromValidation(file: string, error: ValidationError): ConfigProblem[] {
  return error.problems.map((p) => ({ file, line: 1, column: 1, path: p.field, message: p.message }));
}

function toReloadProblem(problem: ConfigProblem): ReloadProblem {
  return { ...problem, text: formatConfigProblem(problem) };
}

/** Runs tasks one at a time, so a SIGHUP and an API reload never interleave. */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
