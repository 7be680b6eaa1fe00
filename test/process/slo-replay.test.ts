/**
 * `sre-monitor slo replay` as users run it: the built CLI, a config file and a CSV of minute
 * counts; scenarios with transitions computed by hand (src/cli/slo-replay/replay-scenarios.contract.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayScenarios, replayT0, scenarioCsvRows } from '../../src/cli/slo-replay/replay-scenarios.contract.js';
import { assertBuilt, runCli } from '../support/server-process.js';

let dir: string;
let config: string;
beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-replay-'));
  config = path.join(dir, 'slos.yaml');
  await writeFile(
    config,
    [
      'services: [{ name: api }]',
      'slos:',
      '  - { name: checkout, service: api, objective: 99.9%, sli: { events: {} } }',
      '  - { name: search, service: api, objective: 0.999, sli: { events: {} } }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function csv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${['timestamp,slo,good,total', ...lines].join('\n')}\n`);
  return file;
}

const minuteOf = (line: string): string => {
  const parsed = JSON.parse(line) as { t: number; slo: string; severity: string; state: string };
  return `${(parsed.t - replayT0) / 60} ${parsed.severity} ${parsed.state}`;
};

describe('sre-monitor slo replay', () => {
  it.each(replayScenarios)('$name: prints the hand-computed transitions as JSON lines', async (scenario) => {
    const file = await csv(`${scenario.name.replaceAll(' ', '-')}.csv`, scenarioCsvRows(scenario, 'checkout'));
    const result = runCli(['slo', 'replay', '--config', config, '--events', file]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map(minuteOf)).toEqual(scenario.expected);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ t: replayT0 + Number(scenario.expected[0]?.split(' ')[0]) * 60, slo: 'checkout', severity: expect.stringMatching(/^(page|ticket)$/) as unknown, state: 'firing' });
  });

  it('replays several SLOs in time order with --step and --to', async () => {
    const outage = replayScenarios[0]!;
    const file = await csv('two.csv', [...scenarioCsvRows(outage, 'search'), ...scenarioCsvRows(outage, 'checkout')]);
    const result = runCli(['slo', 'replay', '--config', config, '--events', file, '--step', '5m', '--to', new Date((replayT0 + 200 * 60) * 1000).toISOString()]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => {
      const parsed = JSON.parse(line) as { t: number; slo: string; severity: string; state: string };
      return `${(parsed.t - replayT0) / 60} ${parsed.slo} ${parsed.severity} ${parsed.state}`;
    })).toEqual(['65 checkout page firing', '65 checkout ticket firing', '65 search page firing', '65 search ticket firing', '100 checkout page resolved', '100 search page resolved']);
  });

  it.each<[string, string[], RegExp]>([
    ['a missing column', ['60,checkout,1'], /bad\.csv:2: expected 4 fields/],
    ['a non-numeric count', [`${replayT0 + 60},checkout,lots,1`], /bad\.csv:2: good: must be a non-negative count like 12 or 12.5, got 'lots'/],
    ['a negative count', [`${replayT0 + 60},checkout,1,-1`], /bad\.csv:2: total: must be a non-negative count like 12 or 12.5, got '-1'/],
    ['good above total', [`${replayT0 + 60},checkout,5,4`], /bad\.csv:2: good: 5 is more than total \(4\)/],
    ['NaN', [`${replayT0 + 60},checkout,NaN,4`], /bad\.csv:2: good: must be a non-negative count like 12 or 12.5, got 'NaN'/],
    ['an unknown SLO after good rows', [`${replayT0 + 60},checkout,0,100`, `${replayT0 + 120},payments,1,1`], /bad\.csv:3: slo: unknown SLO 'payments' \(the config defines checkout, search\)/],
  ])('refuses %s: names line and field, prints nothing, exits 1', async (_name, lines, message) => {
    const file = await csv('bad.csv', lines);
    const result = runCli(['slo', 'replay', '--config', config, '--events', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('refuses a header without the total column', async () => {
    const file = path.join(dir, 'header.csv');
    await writeFile(file, 'timestamp,slo,good\n60,checkout,1\n');
    const result = runCli(['slo', 'replay', '--config', config, '--events', file]);
    expect(result).toMatchObject({ status: 1, stdout: '' });
    expect(result.stderr).toContain("header.csv:1: missing column 'total' (the header must be timestamp,slo,good,total)");
  });

  it('refuses a bad --step and a config with problems', async () => {
    const file = await csv('ok.csv', [`${replayT0 + 60},checkout,1,1`]);
    expect(runCli(['slo', 'replay', '--config', config, '--events', file, '--step', '30s'])).toMatchObject({ status: 1, stdout: '' });
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, 'slos:\n  - { name: a, service: nope, objective: 2, sli: { events: {} } }\n');
    const result = runCli(['slo', 'replay', '--config', broken, '--events', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("slos[0].service: unknown service 'nope'");
  });
});
