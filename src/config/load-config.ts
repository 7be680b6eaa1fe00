/**
 * src/config: the configuration file. `loadConfig` reads the YAML file and its includes,
 * substitutes `${ENV}` / `${file:...}`, validates against `ConfigSchema` plus the semantic checks,
 * and either returns the runtime settings or throws one `ConfigError` listing every problem as
 * `FILE:LINE:COL path: message`. It has no side effects besides reading files, so the same call
 * serves start-up, `sre-monitor validate` and reloads.
 */
import path from 'node:path';
import { loadAlertingConfig } from './alerting-config.js';
import { incidentConfigProblems } from './incidents-section.js';
import { ConfigError, formatPath, parsePath, type ConfigProblem } from './config-problem.js';
import { displayName, loadConfigSources, type ConfigSources } from './merge-includes.js';
import { loadOpenSloFiles } from './openslo-files.js';
import { loadRunbooks } from './runbook-files.js';
import { toRuntimeConfig, type ConfigOverrides, type RuntimeConfig } from './runtime-config.js';
import type { RawConfig } from './schema.js';
import { validateAgainstSchema, type PathProblem } from './schema-errors.js';
import { semanticProblems } from './semantic-checks.js';
import { flaggedPaths, locate } from './source-tree.js';

export interface LoadConfigOptions {
  /** Variables for `${NAME}`; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Command-line flags that win over the file. */
  overrides?: ConfigOverrides;
  /** Base for a relative `file`, for `server.data_dir` and for file names in messages; defaults to `process.cwd()`. */
  cwd?: string;
}

export interface LoadedConfig {
  /** Absolute path of the main file. */
  file: string;
  /** Absolute paths of every file read: the main file, then included files in merge order, then `${file:}` secrets. */
  files: string[];
  /** The merged file content with defaults applied. */
  raw: RawConfig;
  runtime: RuntimeConfig;
  /** One line for logs and `validate`, e.g. `demo.yaml: 5 services, store sqlite (data/sre-monitor.db), auth anonymous=viewer`. */
  summary: string;
}

/**
 * Loads and validates `file`; throws `ConfigError` with every problem found. Files are parsed
 * the fast way first (no positions: seconds saved at 10,000 SLOs); a config with any problem is
 * read again with positions, so the problems thrown name file, line and column.
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  try {
    return await loadConfigOnce(file, options, true);
  } catch (error) {
    if (error instanceof ConfigError) return loadConfigOnce(file, options, false);
    throw error;
  }
}

async function loadConfigOnce(file: string, options: LoadConfigOptions, withoutPositions: boolean): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const sources = await loadConfigSources(file, { cwd, env: options.env ?? process.env, withoutPositions });
  const { raw, problems } = validateSources(sources);
  // OpenSLO files are read only for a config that is otherwise sound (their checks need it).
  const openSlo = problems.length === 0 ? await loadOpenSloFiles(raw, sources.tree, cwd) : { specs: [], files: [], problems: [] };
  problems.push(...openSlo.problems);
  const alerting = problems.length === 0 ? await loadAlertingConfig(raw, sources.tree, cwd) : { files: [], problems: [] };
  problems.push(...alerting.problems);
  const runbooks = problems.length === 0 ? await loadRunbooks(raw, sources.tree, cwd) : { runbooks: [], files: [], problems: [] };
  problems.push(...runbooks.problems);
  if (problems.length === 0) problems.push(...incidentProblems(raw, sources, alerting.alertmanager?.receivers.map((receiver) => receiver.name)));
  const extraFiles = [...openSlo.files, ...alerting.files, ...runbooks.files];
  if (problems.length > 0) throw new ConfigError(sortProblems(problems, [...sources.displayNames, ...extraFiles.map((name) => displayName(name, cwd))]));

  const runtime = toRuntimeConfig(raw, options.overrides, cwd, openSlo.specs, alerting.alertmanager);
  runtime.runbooks.runbooks = runbooks.runbooks;
  return {
    file: path.resolve(cwd, file),
    files: [...sources.files, ...extraFiles, ...sources.secretFiles],
    raw,
    runtime,
    summary: summarize(sources, runtime, cwd),
  };
}

function validateSources(sources: ConfigSources): { raw: RawConfig; problems: ConfigProblem[] } {
  const problems = [...sources.problems];
  const toProblem = ({ path: segments, message }: PathProblem): ConfigProblem => ({ ...locate(sources.tree, segments), path: formatPath(segments), message });
  // A value with an unset variable would only get a follow-on problem ("must be an integer").
  const unresolved = new Set(flaggedPaths(sources.tree, 'unresolved').map((segments) => formatPath(segments)));
  const schema = validateAgainstSchema(sources.value, flaggedPaths(sources.tree, 'substituted'));
  const schemaProblems = schema.problems.filter((problem) => !unresolved.has(formatPath(problem.path))).map(withAlertmanagerHint);
  problems.push(...schemaProblems.map(toProblem));

  const raw = schema.value as RawConfig;
  // With a file missing or unparseable, cross-references would only produce noise.
  if (sources.complete) {
    const failedSections = new Set(schema.problems.map((problem) => String(problem.path[0])));
    const semantic = semanticProblems(raw, { failedSections, where: (segments) => locate(sources.tree, segments) });
    problems.push(...semantic.map(toProblem));
  }
  return { raw, problems };
}

/** Top-level keys of an alertmanager.yml, which sre-monitor reads under `alerting:`. */
const alertmanagerTopLevelKeys = new Set(['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'templates']);

/**
 * An alertmanager.yml given as sre-monitor's config (`--config alertmanager.yml`) gets "unknown
 * key 'route'": say where those keys go instead.
 */
function withAlertmanagerHint(problem: PathProblem): PathProblem {
  const [key, ...rest] = problem.path;
  if (rest.length > 0 || typeof key !== 'string' || !alertmanagerTopLevelKeys.has(key) || !problem.message.startsWith('unknown key')) return problem;
  return { ...problem, message: `${problem.message}: Alertmanager's ${key} goes under alerting: in sre-monitor's config, or keep the file and name it with alerting.alertmanager_config_file (docs/alerting.md)` };
}

/** The incidents section's cross-references: receivers, escalation policies, severities, templates. */
function incidentProblems(raw: RawConfig, sources: ConfigSources, receivers: string[] | undefined): ConfigProblem[] {
  const escalationPolicies = new Set((raw.alerting.escalation_policies ?? []).map((policy) => policy.name));
  return incidentConfigProblems(raw.incidents, { receivers: receivers === undefined ? undefined : new Set(receivers), escalationPolicies }).map((problem) => {
    const segments = parsePath(problem.field);
    return { ...locate(sources.tree, segments), path: problem.field, message: problem.message };
  });
}

/** Main file first, then includes in merge order; by position within a file. */
function sortProblems(problems: ConfigProblem[], fileOrder: readonly string[]): ConfigProblem[] {
  const rank = (file: string): number => {
    const index = fileOrder.indexOf(file);
    return index < 0 ? fileOrder.length : index;
  };
  return [...problems].sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line || a.column - b.column);
}

function summarize(sources: ConfigSources, runtime: RuntimeConfig, cwd: string): string {
  const main = sources.displayNames[0] ?? '';
  const included = sources.files.length - 1;
  const name = included > 0 ? `${main} (+${included} included ${included === 1 ? 'file' : 'files'})` : main;
  const count = runtime.services.length;
  const monitorCount = runtime.monitors.length;
  const sloCount = runtime.slos.length;
  const services = [
    `${count} ${count === 1 ? 'service' : 'services'}`,
    ...(monitorCount > 0 ? [`${monitorCount} ${monitorCount === 1 ? 'monitor' : 'monitors'}`] : []),
    ...(sloCount > 0 ? [`${sloCount} ${sloCount === 1 ? 'SLO' : 'SLOs'}`] : []),
  ].join(', ');
  const store = runtime.storage.kind === 'sqlite' ? `sqlite (${displayName(runtime.storage.path, cwd)})` : `postgres (${postgresTarget(runtime.storage.url)})`;
  return `${name}: ${services}, store ${store}, auth anonymous=${runtime.auth.anonymousRole ?? 'none'}`;
}

/** Host and database only: the URL may carry a password. */
function postgresTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'unparseable URL';
  }
}
