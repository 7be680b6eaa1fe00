/**
 * Reads the Alertmanager part of the `alerting:` section: inline keys, or the file named by
 * `alerting.alertmanager_config_file` (read as Alertmanager reads its YAML), through
 * Alertmanager's own checks. Every problem is placed at its file, line and column. Without any
 * routing config, everything goes to receiver `default`, which has no integrations: alerts are
 * still kept, listed and shown, nothing is sent.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readAlertmanagerConfig, type AlertmanagerConfig } from '../core/alerting/alertmanager-config.js';
import { readPlainYaml } from '../core/alerting/alertmanager-yaml.js';
import { parseMatchers } from '../core/alerting/matcher-parser.js';
import { formatPath, type ConfigProblem } from './config-problem.js';
import { inlineAlertmanagerKeys } from './alerting-section.js';
import { displayName } from './merge-includes.js';
import type { RawConfig } from './schema.js';
import { locate, type SourceNode } from './source-tree.js';
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

/** Throttle matchers parse; the fallback receiver exists. */
function settingProblems(raw: RawConfig, tree: SourceNode, alertmanager: AlertmanagerConfig | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (segments: Array<string | number>, message: string): void => {
    problems.push({ ...locate(tree, segments), path: formatPath(segments), message });
  };
  raw.alerting.throttle.forEach((entry, index) => {
    entry.matchers.forEach((line, lineIndex) => {
      try {
        parseMatchers(line);
      } catch (error) {
        at(['alerting', 'throttle', index, 'matchers', lineIndex], error instanceof Error ? error.message : String(error));
      }
    });
  });
  const fallback = raw.alerting.notifications.fallback_receiver;
  if (fallback !== undefined && alertmanager !== undefined && !alertmanager.receivers.some((receiver) => receiver.name === fallback)) {
    at(['alerting', 'notifications', 'fallback_receiver'], `no receiver named ${JSON.stringify(fallback)}; receivers: ${alertmanager.receivers.map((r) => r.name).join(', ')}`);
  }
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
    const problems = result.problems.map((problem) => ({ file: display, ...yaml.locate(problem.path), path: formatPath(problem.path), message: problem.message }));
    return { alertmanager: result.config, files: [file], problems };
  }
  const value = inline.length === 0 ? defaultAlertmanagerValue : Object.fromEntries(inline.map((key) => [key, section[key]]));
  const result = readAlertmanagerConfig(value, ['alerting']);
  const problems = result.problems.map((problem) => ({ ...locate(tree, problem.path), path: formatPath(problem.path), message: problem.message }));
  return { alertmanager: result.config, files: [], problems };
}
