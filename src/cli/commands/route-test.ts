/**
 * `sre-monitor route test --config FILE [--tree] label=value ...`: the receivers an alert with
 * these labels is routed to, comma-separated on one line in tree order, exactly as
 * `amtool config routes test --config.file=FILE label=value ...` prints them (with `--tree`,
 * amtool's matching-routes tree first). `sre-monitor route show --config FILE` prints the whole
 * tree as `amtool config routes show` does. FILE is an Alertmanager config (`alertmanager.yml`).
 *
 * Label arguments go through Alertmanager's matcher parser (quoted values keep spaces, `\"`
 * escapes, the last duplicate wins) and must use `=`. `--labels-file FILE` (`-` for stdin) tests
 * many alerts in one run: one per line in Alertmanager's matcher-list syntax
 * (`{service="api", severity="critical"}`), one receivers line each; blank lines and `#` comments
 * are skipped. A config with problems exits 2 listing them as FILE:LINE:COL path: message; a bad
 * label exits 2; `--verify-receivers` that do not match exit 1, as amtool's `--verify.receivers`.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ConfigError, type ConfigProblem } from '../../config/config-problem.js';
import { DomainError } from '../../core/errors.js';
import {
  isMatcherError,
  matchReceivers,
  parseAlertmanagerYaml,
  parseMatcher,
  parseMatchers,
  type AlertmanagerConfig,
  type LabelMatcher,
} from '../../core/alerting/index.js';
import { reportCliError } from '../report-error.js';
import { formatMatchingTree, formatRoutingTree } from '../route-test/route-tree-text.js';

interface TestFlags {
  config: string;
  tree?: boolean;
  verifyReceivers?: string;
  labelsFile?: string;
}

export function routeCommand(): Command {
  return new Command('route')
    .description('Alertmanager-compatible routing: test which receivers labels reach, print the routing tree')
    .addCommand(testCommand())
    .addCommand(showCommand());
}

function testCommand(): Command {
  return new Command('test')
    .description('print the receivers an alert with these labels is routed to, comma-separated (as amtool config routes test)')
    .requiredOption('-c, --config <file>', 'Alertmanager configuration file (alertmanager.yml)')
    .option('--tree', 'print the matching routes as a tree first (as amtool config routes test --tree)')
    .option('--verify-receivers <list>', 'exit 1 unless the receivers are exactly this comma-separated list')
    .option('--labels-file <file>', 'test one alert per line, labels as {a="1", b="2"} ("-" reads stdin), instead of label arguments')
    .argument('[labels...]', 'labels as name=value; values may be double-quoted')
    .action(async (labels: string[], flags: TestFlags) => {
      try {
        process.exitCode = await testRoute(labels, flags);
      } catch (error) {
        process.exitCode = reportCliError(error);
      }
    });
}

function showCommand(): Command {
  return new Command('show')
    .description('print the routing tree (as amtool config routes show)')
    .requiredOption('-c, --config <file>', 'Alertmanager configuration file (alertmanager.yml)')
    .action(async (flags: { config: string }) => {
      try {
        const config = await readAlertmanagerFile(flags.config);
        process.stdout.write(formatRoutingTree(config.route));
      } catch (error) {
        process.exitCode = reportCliError(error);
      }
    });
}

async function testRoute(labelArguments: string[], flags: TestFlags): Promise<number> {
  const config = await readAlertmanagerFile(flags.config);
  let alerts: Array<Record<string, string>>;
  if (flags.labelsFile === undefined) alerts = [labelsFromArguments(labelArguments)];
  else if (labelArguments.length > 0) throw new DomainError('validation', 'give labels either as arguments or with --labels-file, not both');
  else alerts = labelsFromLines(await readText(flags.labelsFile), flags.labelsFile);
  let verified = true;
  let out = '';
  for (const labels of alerts) {
    if (flags.tree === true) out += formatMatchingTree(config.route, labels);
    const receivers = matchReceivers(config.route, labels).join(',');
    out += `${receivers}\n`;
    if (flags.verifyReceivers !== undefined && flags.verifyReceivers !== receivers) {
      out += 'WARNING: Expected receivers did not match resolved receivers.\n';
      verified = false;
    }
  }
  process.stdout.write(out);
  return verified ? 0 : 1;
}

async function readText(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readAlertmanagerFile(file: string): Promise<AlertmanagerConfig> {
  const parsed = parseAlertmanagerYaml(await readFile(file, 'utf8'));
  if (parsed.config !== undefined) return parsed.config;
  const problems: ConfigProblem[] = parsed.problems.map((problem) => ({ file, ...problem }));
  throw new ConfigError(problems);
}

/** Equality matchers to a label set, as amtool builds one from its arguments: a later duplicate wins. */
function labelSet(matchers: ReadonlyArray<{ matcher: LabelMatcher; source: string }>): Record<string, string> {
  const labels = Object.create(null) as Record<string, string>;
  for (const { matcher, source } of matchers) {
    if (matcher.type !== '=') throw new DomainError('validation', `${source}: labels must be given as name=value`);
    labels[matcher.name] = matcher.value;
  }
  return labels;
}

function parseOrExplain<T>(parse: () => T, source: string): T {
  try {
    return parse();
  } catch (error) {
    if (!isMatcherError(error)) throw error;
    throw new DomainError('validation', `${source}: ${error.message}`);
  }
}

/** `name=value` arguments, each parsed alone (a comma is part of the value, as in amtool). */
function labelsFromArguments(labelArguments: readonly string[]): Record<string, string> {
  return labelSet(
    labelArguments.map((argument) => {
      const source = `label argument ${JSON.stringify(argument)}`;
      return { matcher: parseOrExplain(() => parseMatcher(argument), source), source };
    }),
  );
}

/** One alert per non-blank, non-comment line, in matcher-list syntax. */
function labelsFromLines(text: string, file: string): Array<Record<string, string>> {
  const alerts: Array<Record<string, string>> = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const source = `${file}:${index + 1}`;
    alerts.push(labelSet(parseOrExplain(() => parseMatchers(line), source).map((matcher) => ({ matcher, source }))));
  });
  return alerts;
}
