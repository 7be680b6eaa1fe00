/**
 * `sre-monitor rules export` as users run it: the built CLI on test/fixtures/rules-export/slos.yaml,
 * its output checked by promtool (`check rules`) and run against the promtool unit tests of the
 * same folder (`test rules`): 2% errors against 99.9% must page at a given minute, a healthy
 * series must not alert, an error_ratio SLI must page at its minute.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, repoRoot, runCli } from '../support/server-process.js';
import { promtoolSkipReason, runPromtool } from '../support/promtool.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'rules-export');
const config = path.join(fixtures, 'slos.yaml');
const exportedSlos = ['checkout-availability', 'search-errors', 'search-ratio', 'search-latency'];
const skip = promtoolSkipReason();

interface RulesFile {
  groups: Array<{ name: string; interval: string; rules: Array<{ record?: string; alert?: string; expr: string; labels?: Record<string, string> }> }>;
}

let dir: string;
beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-rules-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('sre-monitor rules export', () => {
  it('prints one rules file with a group per SLO with a prometheus SLI and names the skipped ones on stderr', () => {
    const result = runCli(['rules', 'export', '--config', config]);
    expect(result.status).toBe(0);
    const file = parse(result.stdout) as RulesFile;
    expect(file.groups.map((group) => group.name)).toEqual(exportedSlos.map((name) => `sre-monitor-slo-${name}`));
    expect(result.stderr).toContain("note: skipped SLO 'checkout-unwindowed': its good and total queries have no {{.window}} placeholder");
    expect(result.stderr).toContain("note: skipped SLO 'search-pushed': its SLI source is events");
    const checkout = file.groups[0]!;
    expect(checkout.interval).toBe('1m');
    expect(checkout.rules.filter((rule) => rule.alert !== undefined).map((rule) => rule.labels?.severity)).toEqual(['page', 'ticket']);
    expect(checkout.rules.map((rule) => rule.record).filter((name) => name?.startsWith('slo:sli_error:'))).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((window) => `slo:sli_error:ratio_rate${window}`),
    );
  });

  it('writes one file per SLO with --out, creating the directory', async () => {
    const out = path.join(dir, 'out', 'rules');
    const result = runCli(['rules', 'export', '--config', config, '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect((await readdir(out)).sort()).toEqual(exportedSlos.map((name) => `${name}.rules.yaml`).sort());
    const search = parse(await readFile(path.join(out, 'search-ratio.rules.yaml'), 'utf8')) as RulesFile;
    expect(search.groups.map((group) => group.name)).toEqual(['sre-monitor-slo-search-ratio']);
  });

  it('exits 2 naming the field of a config problem, printing no rules', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'services: [{ name: api }]\nslos:\n  - { name: api-slo, service: api, objective: 100%, sli: { prometheus: { url: http://127.0.0.1:9090, error_ratio: up } } }\n');
    const result = runCli(['rules', 'export', '--config', bad]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/objective/);
  });

  it.skipIf(skip !== '')(`passes promtool check rules, printed and written${skip}`, async () => {
    const printed = path.join(dir, 'all.rules.yaml');
    const result = runCli(['rules', 'export', '--config', config]);
    expect(result.status).toBe(0);
    await writeFile(printed, result.stdout);
    const out = path.join(dir, 'checked');
    expect(runCli(['rules', 'export', '--config', config, '--out', out]).status).toBe(0);
    const files = [printed, ...exportedSlos.map((name) => path.join(out, `${name}.rules.yaml`))];
    const check = runPromtool(['check', 'rules', ...files], dir);
    expect(check.output).not.toMatch(/FAILED|WARNING/);
    expect(check.status, check.output).toBe(0);
    expect(check.output.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  it.skipIf(skip !== '')(`fires in promtool test rules exactly at the fixture's minutes${skip}`, async () => {
    const out = path.join(dir, 'unit');
    expect(runCli(['rules', 'export', '--config', config, '--out', out]).status).toBe(0);
    for (const test of ['checkout.test.yaml', 'search.test.yaml']) await copyFile(path.join(fixtures, test), path.join(out, test));
    const run = runPromtool(['test', 'rules', 'checkout.test.yaml', 'search.test.yaml'], out);
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toMatch(/FAILED/);
  });
});
