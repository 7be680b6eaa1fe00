/**
 * `sre-monitor route test` against Alertmanager's own `amtool config routes test` on a generated
 * corpus (test/support/route-corpus.ts): every alert must reach the same receivers, printed the
 * same way, and `--tree` / `route show` must print the same trees.
 *
 * amtool answers one alert per run and starts in milliseconds; our CLI starts in about a second,
 * so it answers the whole corpus in one run: the trees are placed side by side under one root,
 * each behind a `corpus="N"` matcher (a label the trees never use), and the alerts are read with
 * --labels-file. That combined file routes each alert exactly as its own tree does, which the
 * test checks too: amtool gives the same receivers for the combined file and for each tree's own
 * file. A few alerts also go through label arguments, as users type them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amtoolSkipReason, runAmtool, runLimited } from '../support/amtool.js';
import { alertmanagerYaml, generateCorpus, labelArguments, labelsLine, type LabelPairs, type RouteNode } from '../support/route-corpus.js';
import { assertBuilt, cliPath, repoRoot } from '../support/server-process.js';

const skip = amtoolSkipReason();
const corpus = generateCorpus(20240611, 40, 8);
const cases = corpus.flatMap((tree, index) => tree.alerts.map((alert) => ({ index, alert })));

async function runCliAsync(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

function combinedRoot(): RouteNode {
  return { receiver: 'corpus-root', routes: corpus.map((tree, index) => ({ ...tree.root, matchers: [`corpus="${index}"`] })) };
}

function withCorpusLabel(alert: LabelPairs, index: number): LabelPairs {
  return [...alert, ['corpus', String(index)]];
}

/** Splits `--tree` output into one block per alert, each ending with its receivers line. */
function treeBlocks(stdout: string): string[] {
  return stdout.split(/(?=^Matching routes:$)/m);
}

let dir: string;
let combinedFile: string;
const treeFiles: string[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-route-test-'));
  combinedFile = path.join(dir, 'combined.yml');
  await writeFile(combinedFile, alertmanagerYaml(combinedRoot(), ['corpus-root']));
  for (const [index, tree] of corpus.entries()) {
    const file = path.join(dir, `tree-${index}.yml`);
    await writeFile(file, alertmanagerYaml(tree.root));
    treeFiles.push(file);
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.skipIf(skip !== '')(`route test equals amtool config routes test${skip}`, () => {
  it(`routes all ${cases.length} corpus alerts to the same receivers, with the same --tree output`, async () => {
    const linesFile = path.join(dir, 'alerts.txt');
    await writeFile(linesFile, cases.map(({ index, alert }) => `${labelsLine(withCorpusLabel(alert, index))}\n`).join(''));
    // Our one run and amtool's many run side by side.
    const ourRun = runCliAsync(['route', 'test', '--config', combinedFile, '--tree', '--labels-file', linesFile]);
    const amtool = await runLimited(
      cases.flatMap(({ index, alert }) => [
        () => runAmtool(['config', 'routes', 'test', `--config.file=${treeFiles[index]}`, ...labelArguments(alert)]),
        () => runAmtool(['config', 'routes', 'test', '--tree', `--config.file=${combinedFile}`, ...labelArguments(withCorpusLabel(alert, index))]),
      ]),
      4,
    );
    const ours = await ourRun;
    expect(ours.stderr).toBe('');
    expect(ours.status).toBe(0);
    const ourBlocks = treeBlocks(ours.stdout);
    expect(ourBlocks).toHaveLength(cases.length);
    let agreed = 0;
    const disagreements: string[] = [];
    cases.forEach(({ index, alert }, caseIndex) => {
      const own = amtool[caseIndex * 2]!;
      const combined = amtool[caseIndex * 2 + 1]!;
      expect(own.status, own.stderr).toBe(0);
      expect(combined.status, combined.stderr).toBe(0);
      // The combined file is a faithful stand-in for the tree's own file.
      expect(combined.stdout.endsWith(`\n${own.stdout}`)).toBe(true);
      if (ourBlocks[caseIndex] === combined.stdout) agreed += 1;
      else disagreements.push(`tree ${index} ${JSON.stringify(labelArguments(alert))}:\nours:\n${ourBlocks[caseIndex]}\namtool:\n${combined.stdout}`);
    });
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(agreed).toBe(cases.length);
    // The corpus is worth something only if it reaches past the root and fans out.
    const receiverLines = amtool.filter((_, position) => position % 2 === 0).map((run) => run.stdout.trim());
    expect(new Set(receiverLines).size).toBeGreaterThan(15);
    expect(receiverLines.filter((line) => line.includes(',')).length).toBeGreaterThan(20);
    // 640 amtool processes: about 20 s alone on 2 cores, more beside other test files.
  }, 120_000);

  it('prints the same routing tree as amtool config routes show', async () => {
    const [ours, amtool] = await Promise.all([runCliAsync(['route', 'show', '--config', combinedFile]), runAmtool(['config', 'routes', 'show', `--config.file=${combinedFile}`])]);
    expect(amtool.status).toBe(0);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(amtool.stdout);
  });

  it('reads label arguments as amtool does: quotes, spaces, escapes, commas, the last duplicate', async () => {
    const tree = corpus.findIndex((entry) => (entry.root.routes?.length ?? 0) > 2);
    const args = ['team="x, y"', 'env = "prod "', 'team=web', 'instance="back\\\\slash"', 'alertname="say \\"hi\\""', 'service=api', 'zone=', 'code=5xx'];
    const [ours, amtool] = await Promise.all([
      runCliAsync(['route', 'test', '--tree', '--config', treeFiles[tree]!, ...args]),
      runAmtool(['config', 'routes', 'test', '--tree', `--config.file=${treeFiles[tree]}`, ...args]),
    ]);
    expect(amtool.status).toBe(0);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(amtool.stdout);
  });

  it('routes examples/alertmanager.yml as amtool does', async () => {
    const example = path.join(repoRoot, 'examples', 'alertmanager.yml');
    const alerts: LabelPairs[] = [
      [['severity', 'critical'], ['service', 'backend-api']],
      [['severity', 'critical'], ['team', 'db']],
      [['severity', 'high'], ['team', 'database']],
      [['severity', 'high']],
      [['severity', 'low']],
      [['service', 'frontend']],
    ];
    const linesFile = path.join(dir, 'example-alerts.txt');
    await writeFile(linesFile, alerts.map((alert) => `${labelsLine(alert)}\n`).join(''));
    const ourRun = runCliAsync(['route', 'test', '--config', example, '--labels-file', linesFile]);
    const amtool = await runLimited(alerts.map((alert) => () => runAmtool(['config', 'routes', 'test', `--config.file=${example}`, ...labelArguments(alert)])), 4);
    const ours = await ourRun;
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout).toBe(amtool.map((run) => run.stdout).join(''));
    expect(ours.stdout.split('\n')).toEqual(['oncall-critical', 'oncall-critical,database-team', 'database-team', 'email-slack', 'slack-alerts', 'slack-info', '']);
  });

  it('rejects what amtool rejects: a label argument that is not name=value, a route to an undefined receiver', async () => {
    const bad = path.join(dir, 'bad.yml');
    await writeFile(bad, 'route:\n  receiver: r0\n  routes:\n    - matchers: [a="1"]\n      receiver: nobody\nreceivers:\n  - name: r0\n');
    const [ourArgument, amtoolArgument, ourConfig, amtoolConfig] = await Promise.all([
      runCliAsync(['route', 'test', '--config', treeFiles[0]!, 'severity!=critical']),
      runAmtool(['config', 'routes', 'test', `--config.file=${treeFiles[0]}`, 'severity!=critical']),
      runCliAsync(['route', 'test', '--config', bad, 'a=1']),
      runAmtool(['config', 'routes', 'test', `--config.file=${bad}`, 'a=1']),
    ]);
    expect(amtoolArgument.status).not.toBe(0);
    expect(amtoolArgument.stderr).toContain('labels must be specified as key=value pairs');
    expect(ourArgument.status).toBe(2);
    expect(ourArgument.stdout).toBe('');
    expect(ourArgument.stderr).toContain('labels must be given as name=value');
    expect(amtoolConfig.status).not.toBe(0);
    expect(amtoolConfig.stderr).toContain('undefined receiver "nobody" used in route');
    expect(ourConfig.status).toBe(2);
    expect(ourConfig.stdout).toBe('');
    expect(ourConfig.stderr).toBe(`${bad}:5:7 route.routes[0].receiver: undefined receiver "nobody" used in route\n`);
  });
});
