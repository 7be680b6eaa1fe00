import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig } from './load-config.js';
import { splitFrontMatter } from './runbook-files.js';

const tree = useTempTrees('sre-runbooks-');

async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const cwd = await tree(files);
  const error = await loadConfig('sre.yaml', { cwd, env: {} }).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ConfigError)) throw new Error('expected a ConfigError');
  return error.problems.map(formatConfigProblem);
}

const markdown = (frontMatter: string, body = '# Body\n\nShown to responders.') => `---\n${frontMatter}\n---\n${body}\n`;

describe('runbooks config section', () => {
  it('loads the five built-in runbooks by default, and none with builtin: false', async () => {
    const cwd = await tree({ 'sre.yaml': '', 'off.yaml': 'runbooks: { builtin: false }\n' });
    const loaded = await loadConfig('sre.yaml', { cwd, env: {} });
    expect(loaded.runtime.runbooks.runbooks.map((runbook) => [runbook.name, runbook.match.severities, runbook.estimatedMs])).toEqual([
      ['api-failures', ['P1', 'P2'], 1_500_000],
      ['database-issues', ['P1', 'P2', 'P3'], 2_400_000],
      ['performance-degradation', ['P2', 'P3'], 2_700_000],
      ['security-incident', ['P1', 'P2'], 3_600_000],
      ['service-outage', ['P1', 'P2'], 1_800_000],
    ]);
    expect(loaded.runtime.runbooks.runbooks[4]?.description).toContain('Restore service first');
    expect(loaded.runtime.runbooks.allowCommands).toEqual([]);
    expect((await loadConfig('off.yaml', { cwd, env: {} })).runtime.runbooks.runbooks).toEqual([]);
  });

  it('reads Markdown files from dirs (relative to the config file) and inline items; a file may replace a built-in one', async () => {
    const cwd = await tree({
      'conf/sre.yaml': [
        'runbooks:',
        '  dirs: [../books]',
        '  allow_commands: [/usr/bin/systemctl]',
        '  items:',
        '    - name: inline-one',
        '      title: Inline',
        '      steps: [Do it]',
      ].join('\n'),
      'books/outage.md': markdown('name: service-outage\ntitle: Our outage\nmatch: { services: [checkout] }\nsteps:\n  - title: Restart\n    command: { argv: [/usr/bin/systemctl, restart, checkout] }', '# Ours'),
      'books/README.md': 'not a runbook',
    });
    const loaded = await loadConfig('conf/sre.yaml', { cwd, env: {} });
    const names = loaded.runtime.runbooks.runbooks.map((runbook) => runbook.name);
    expect(names).toEqual(['api-failures', 'database-issues', 'performance-degradation', 'security-incident', 'service-outage', 'inline-one']);
    const outage = loaded.runtime.runbooks.runbooks.find((runbook) => runbook.name === 'service-outage');
    expect([outage?.title, outage?.description, outage?.source]).toEqual(['Our outage', '# Ours', 'books/outage.md']);
    expect(loaded.runtime.runbooks.allowCommands).toEqual(['/usr/bin/systemctl']);
    expect(loaded.files.some((file) => file.endsWith('outage.md'))).toBe(true);
  });

  it.each([
    [
      'an unknown variable in a file, at its front matter line',
      { 'sre.yaml': 'runbooks: { dirs: [books] }\n', 'books/a.md': markdown('name: a\ntitle: A\nsteps:\n  - title: Call\n    http:\n      url: "https://x/{{ $incident.owner }}"') },
      'books/a.md:7:7 steps[0].http.url: unknown variable $incident.owner (known: id, title, description, severity, status, service, services, commander, customer_impact, started_at, detected_at)',
    ],
    [
      'a shell string command in an inline item, at its config line',
      { 'sre.yaml': 'runbooks:\n  items:\n    - name: a\n      title: A\n      steps:\n        - title: Restart\n          command: systemctl restart api\n' },
      'sre.yaml:7:11 runbooks.items[0].steps[0].command: must be a mapping with argv (a list: program, then arguments); a shell string is never run',
    ],
    ['a file without front matter', { 'sre.yaml': 'runbooks: { dirs: [books] }\n', 'books/a.md': '# Just Markdown\n' }, 'books/a.md:1:1: a runbook file must start with YAML front matter between --- lines'],
    ['a YAML error in front matter', { 'sre.yaml': 'runbooks: { dirs: [books] }\n', 'books/a.md': markdown('name: a\ntitle: [unclosed') }, 'books/a.md:3:'],
    ['a missing folder', { 'sre.yaml': 'runbooks:\n  dirs: [nowhere]\n' }, 'sre.yaml:2:10 runbooks.dirs[0]: cannot read folder nowhere'],
    ['a relative allow-listed program', { 'sre.yaml': 'runbooks:\n  allow_commands: [systemctl]\n' }, 'sre.yaml:2:20 runbooks.allow_commands[0]:'],
    [
      'a duplicate name',
      { 'sre.yaml': 'runbooks:\n  dirs: [books]\n  items:\n    - { name: a, title: A, steps: [x] }\n', 'books/a.md': markdown('name: a\ntitle: A\nsteps: [y]') },
      "sre.yaml:4:9 runbooks.items[0].name: duplicate runbook name 'a' (first at books/a.md:1)",
    ],
  ])('reports %s', async (_name, files, expected) => {
    const problems = await problemsOf(files);
    expect(problems.some((problem) => problem.startsWith(expected)), problems.join('\n')).toBe(true);
  });
});

describe('splitFrontMatter', () => {
  it.each([
    ['---\na: 1\n---\nbody\n', { yaml: 'a: 1', firstLine: 1, body: 'body' }],
    ['\uFEFF---\r\na: 1\r\n...\r\n', { yaml: 'a: 1', firstLine: 1, body: '' }],
    ['# no front matter', null],
    ['---\na: 1\n', null],
  ])('%j', (text, expected) => {
    expect(splitFrontMatter(text)).toEqual(expected);
  });
});

describe('examples/runbooks.yaml', () => {
  it('loads the built-in runbooks and the example Markdown runbook, with its command allowed', async () => {
    const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
    const loaded = await loadConfig('examples/runbooks.yaml', { cwd: repoRoot, env: {} });
    const example = loaded.runtime.runbooks.runbooks.find((runbook) => runbook.name === 'backend-api-outage');
    expect(example?.steps.map((step) => step.kind)).toEqual(['checklist', 'http', 'command', 'wait_verify', 'checklist']);
    expect(loaded.runtime.runbooks.runbooks).toHaveLength(6);
    expect(loaded.runtime.runbooks.allowCommands).toEqual(['/usr/bin/systemctl']);
  });
});
