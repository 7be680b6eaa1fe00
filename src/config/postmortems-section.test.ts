import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig } from './load-config.js';

const writeTree = useTempTrees('sre-config-pm-');

async function load(text: string) {
  const cwd = await writeTree({ 'main.yaml': text });
  return loadConfig(path.join(cwd, 'main.yaml'), { env: {}, cwd });
}

async function problemLines(text: string): Promise<string[]> {
  try {
    await load(text);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(formatConfigProblem);
  }
}

describe('postmortems: section', () => {
  it('defaults to overdue alerts every 15 minutes at warning, and the seed targets', async () => {
    const { runtime } = await load('{}\n');
    expect(runtime.postmortems).toEqual({ overdueAlerts: { enabled: true, checkIntervalMs: 900_000, severity: 'warning' }, targets: { mttrMs: 1_800_000, mtbfMs: 604_800_000 } });
  });

  it('reads every key', async () => {
    const { runtime } = await load('postmortems:\n  overdue_alerts: { enabled: false, check_interval: 1h, severity: P4 }\n  targets: { mttr: 1h, mtbf: 14d }\n');
    expect(runtime.postmortems).toEqual({ overdueAlerts: { enabled: false, checkIntervalMs: 3_600_000, severity: 'P4' }, targets: { mttrMs: 3_600_000, mtbfMs: 14 * 86_400_000 } });
  });

  it.each([
    ['a check interval below a minute', 'postmortems:\n  overdue_alerts: { check_interval: 10s }\n', /postmortems\.overdue_alerts\.check_interval: must be a duration from 1m to 1d, got 10s/],
    ['an MTBF target of zero', 'postmortems:\n  targets: { mtbf: 0s }\n', /postmortems\.targets\.mtbf: must be a duration from 1m to \S+, got 0s/],
    ['an unknown key', 'postmortems:\n  overdue: {}\n', /postmortems\.overdue: unknown key/],
    ['an empty severity', 'postmortems:\n  overdue_alerts: { severity: "" }\n', /postmortems\.overdue_alerts\.severity: must not be empty/],
  ])('reports %s at its line', async (_name, text, message) => {
    const lines = await problemLines(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^main\.yaml:\d+:\d+ /);
    expect(lines[0]).toMatch(message);
  });
});
