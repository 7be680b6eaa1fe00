import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError } from './config-problem.js';
import { loadConfig } from './load-config.js';

const write = useTempTrees('sre-incidents-config-');

const alerting = `alerting:
  route: { receiver: team-slack }
  receivers: [{ name: team-slack }, { name: pager }]
  escalation_policies:
    - name: critical
      levels: [{ notify: [team-slack] }, { after: 15m, notify: [pager] }]
`;

async function load(incidents: string) {
  const cwd = await write({ 'main.yaml': `storage: { sqlite: { path: x.db } }\n${alerting}incidents:\n${incidents}` });
  return loadConfig('main.yaml', { cwd, env: {} });
}

async function problems(incidents: string): Promise<string[]> {
  try {
    await load(incidents);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
}

describe('incidents config section', () => {
  it('defaults: P1..P5, auto-create on with P3, correlation by service within 10 minutes, seed 004 templates', async () => {
    const loaded = await load('  {}\n');
    const settings = loaded.runtime.incidents;
    expect(settings.severities.map((level) => level.name)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expect(settings.autoCreate).toEqual({ enabled: true, label: 'incident', severityLabel: 'incident_severity', severity: 'P3' });
    expect(settings.correlation).toEqual({ labels: ['service'], windowMs: 600_000 });
    expect(settings.templates.initial).toContain('INCIDENT ALERT');
  });

  it('reads a SEV1..SEV4 scale with times and policies', async () => {
    const loaded = await load(`  severities:
    - { name: SEV1, description: Service completely unavailable, response_time: 15m, escalation_time: 30m, escalation_policy: critical }
    - { name: SEV2, response_time: 30m, escalation_time: 1h }
  auto_create: { severity: sev2 }
  correlation: { labels: [service, region], window: 5m }
  channels: [team-slack]
  templates: { update: "{{ .ID }}: {{ .Message }}" }
`);
    const settings = loaded.runtime.incidents;
    expect(settings.severities[0]).toEqual({ name: 'SEV1', description: 'Service completely unavailable', responseTimeMs: 900_000, escalationTimeMs: 1_800_000, escalationPolicy: 'critical' });
    expect(settings.autoCreate.severity).toBe('SEV2');
    expect(settings.correlation).toEqual({ labels: ['service', 'region'], windowMs: 300_000 });
    expect(settings.templates.update).toBe('{{ .ID }}: {{ .Message }}');
    expect(settings.channels).toEqual(['team-slack']);
  });

  it.each([
    ['  templates: { update: "{{ .ID }} {{ .Impact }}" }\n', /^incidents\.templates\.update: can't evaluate field Impact/],
    ['  channels: [slack]\n', /^incidents\.channels\[0\]: no receiver named "slack" in alerting\.receivers \(known: pager, team-slack\)/],
    ['  severities: [{ name: P1, escalation_policy: nope }]\n  auto_create: { severity: P1 }\n', /^incidents\.severities\[0\]\.escalation_policy: escalation policy 'nope' does not exist/],
    ['  severities: [{ name: P1 }, { name: p1 }]\n  auto_create: { severity: P1 }\n', /^incidents\.severities\[1\]\.name: 'p1' is used by an earlier severity/],
    ['  auto_create: { severity: P9 }\n', /^incidents\.auto_create\.severity: unknown severity "P9"; the scale is P1, P2, P3, P4, P5/],
    ['  correlation: { window: soon }\n', /^incidents\.correlation\.window/],
  ])('rejects %j', async (yaml, expected) => {
    const found = await problems(yaml);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });
});
