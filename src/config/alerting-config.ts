/**
 * Reads the Alertmanager part of the `alerting:` section: inline keys, or the file named by
 * `alerting.alertmanager_config_file` (read as Alertmanager reads its YAML), through
 * Alertmanager's own checks. Every problem is placed at its file, line and column. Without any
 * routing config, everything goes to receiver `default`, which has no integrations: alerts are
 * still kept, listed and shown, nothing is sent.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildReceiverNotifiers } from '../adapters/notifiers/index.js';
import { readAlertmanagerConfig, type AlertmanagerConfig } from '../core/alerting/alertmanager-config.js';
import type { ConfigPathProblem, PathSegment } from '../core/alerting/config-reader.js';
import { readPlainYaml } from '../core/alerting/alertmanager-yaml.js';
import { alertRuleSpecsFromDocuments } from '../core/alerting/rules/rule-spec.js';
import { checkEscalationTargets, escalationConfigFromDocument } from '../core/escalation/escalation-document.js';
import { parsePath } from '../core/validation/field-path.js';
import { formatPath, type ConfigProblem } from './config-problem.js';
import { inlineAlertmanagerKeys } from './alerting-section.js';
import { displayName } from './merge-includes.js';
import type { RawConfig } from './schema.js';
import { locate, type SourceNode } from './source-tree.js';
import { oncallNotifyProblems } from './oncall-checks.js';
import { oncallTargetNames } from './oncall-section.js';
import { describeFileError } from './yaml-source.js';

export interface AlertingConfigFiles {
  alertmanager?: AlertmanagerConfig;
  /** Absolute paths of files read (the alertmanager.yml, when one is named). */
  files: string[];
  problems: ConfigProblem[];
}

/** Routing used when the config names none: one receiver without integrations. */
export const defaultAlertmanagerValue = { route: { receiver: 'default' }, receivers: [{ name: 'default' }] };

export async function loadAlertingConfig(raw: RawConfig, tree: SourceNode, cwd: string): Promise<AlertingConfigFiles> {
  const loaded = await loadAlertmanagerPart(raw, tree, cwd);
  const problems = [...loaded.problems, ...settingProblems(raw, tree, loaded.alertmanager)];
  return { ...loaded, problems, alertmanager: problems.length === 0 ? loaded.alertmanager : undefined };
}

/** Rules and escalation policies check out; receivers named by settings and policies exist. */
function settingProblems(raw: RawConfig, tree: SourceNode, alertmanager: AlertmanagerConfig | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (segments: Array<string | number>, message: string): void => {
    problems.push({ ...locate(tree, segments), path: formatPath(segments), message });
  };
  const field = (base: Array<string | number>, relative: string) => [...base, ...parsePath(relative.replace(/^\./, ''))];
  for (const problem of alertRuleSpecsFromDocuments(raw.alerting.rules).problems) at(field(['alerting', 'rules'], problem.field), problem.message);
  const escalation = escalationConfigFromDocument(raw.alerting, ['alerting']);
  for (const problem of escalation.problems) at(parsePath(problem.field), problem.message);
  if (alertmanager === undefined) return problems;
  const receivers = new Set(alertmanager.receivers.map((receiver) => receiver.name));
  const known = `receivers: ${[...receivers].join(', ')}`;
  const fallback = raw.alerting.notifications.fallback_receiver;
  if (fallback !== undefined && !receivers.has(fallback)) at(['alerting', 'notifications', 'fallback_receiver'], `no receiver named ${JSON.stringify(fallback)}; ${known}`);
  for (const name of Object.keys(raw.alerting.throttle.receivers)) {
    if (!receivers.has(name)) at(['alerting', 'throttle', 'receivers', name], `no receiver named ${JSON.stringify(name)}; ${known}`);
  }
  const targets = checkEscalationTargets(escalation.config.policies, { receivers, ...oncallTargetNames(raw) }, ['alerting']);
  for (const problem of oncallNotifyProblems(raw, receivers)) at(problem.path, problem.message);
  for (const problem of targets) at(parsePath(problem.field), problem.message);
  return problems;
}

async function loadAlertmanagerPart(raw: RawConfig, tree: SourceNode, cwd: string): Promise<AlertingConfigFiles> {
  const section = raw.alerting as unknown as Record<string, unknown>;
  const inline = inlineAlertmanagerKeys.filter((key) => section[key] !== undefined);
  const fileName = raw.alerting.alertmanager_config_file;
  if (fileName !== undefined) {
    const at = locate(tree, ['alerting', 'alertmanager_config_file']);
    if (inline.length > 0) {
      const where = locate(tree, ['alerting', inline[0] ?? '']);
      return { files: [], problems: [{ ...where, path: `alerting.${inline[0] ?? ''}`, message: 'cannot be written here when alerting.alertmanager_config_file names a file; put it in that file' }] };
    }
    const file = path.resolve(path.dirname(path.resolve(cwd, at.file)), fileName);
    const display = displayName(file, cwd);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return { files: [], problems: [{ ...at, path: 'alerting.alertmanager_config_file', message: `cannot read ${display} (${describeFileError(error)})` }] };
    }
    const yaml = readPlainYaml(text);
    if (yaml.problems.length > 0) return { files: [file], problems: yaml.problems.map((problem) => ({ file: display, ...problem })) };
    const result = readAlertmanagerConfig(yaml.value);
    const problems = [...result.problems, ...receiverProblems(result.config, [])].map((problem) => ({ file: display, ...yaml.locate(problem.path), path: formatPath(problem.path), message: problem.message }));
    return { alertmanager: result.config, files: [file], problems };
  }
  const value = inline.length === 0 ? defaultAlertmanagerValue : Object.fromEntries(inline.map((key) => [key, section[key]]));
  const result = readAlertmanagerConfig(value, ['alerting']);
  const problems = [...result.problems, ...receiverProblems(result.config, ['alerting'])].map((problem) => ({ ...locate(tree, problem.path), path: formatPath(problem.path), message: problem.message }));
  return { alertmanager: result.config, files: [], problems };
}

/** Integration settings (urls, keys, unsupported kinds), checked by building the notifiers once. */
function receiverProblems(config: AlertmanagerConfig | undefined, basePath: PathSegment[]): ConfigPathProblem[] {
  if (config === undefined) return [];
  const built = buildReceiverNotifiers(config.receivers, { basePath: [...basePath, 'receivers'], global: config.global, timeoutMs: 10_000, clock: { nowMs: () => 0 }, userAgent: 'sre-monitor' });
  return built.problems;
}
