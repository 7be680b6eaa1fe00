import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig } from './load-config.js';
import type { SourceNode } from './source-tree.js';
import { parseYamlSourceFast } from './yaml-fast-source.js';
import { parseYamlSource, type YamlSourceOptions } from './yaml-source.js';

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const writeTree = useTempTrees('sre-yaml-fast-');
const options = (env: Record<string, string> = {}): YamlSourceOptions => ({ file: path.join(examplesDir, 'x.yaml'), display: 'x.yaml', env });
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** The tree without positions: which keys and items, which strings were substituted. */
function shape(node: SourceNode): unknown {
  return {
    entries: node.entries && Object.fromEntries([...node.entries].map(([key, child]) => [key, shape(child)])),
    items: node.items?.map(shape),
    substituted: node.substituted,
  };
}

async function bothWays(text: string, env: Record<string, string> = {}) {
  const fast = await parseYamlSourceFast(text, options(env));
  const exact = await parseYamlSource(text, options(env));
  return { fast, exact };
}

describe('the fast config parse gives what the positional parse gives', () => {
  const exampleFiles = readdirSync(examplesDir).filter((name) => /\.ya?ml$/.test(name));

  it.each(exampleFiles)('examples/%s: same value and tree shape', async (name) => {
    const { fast, exact } = await bothWays(readFileSync(path.join(examplesDir, name), 'utf8'));
    expect(exact.problems).toEqual([]);
    expect(fast).toBeDefined();
    expect(fast?.value).toEqual(exact.value);
    expect(shape(fast!.tree)).toEqual(shape(exact.tree));
  });

  // YAML 1.2 core schema: what is a null, a bool, an int or a float, and what stays a string.
  const scalars = [
    '~', 'null', 'Null', 'NULL', '', 'true', 'True', 'TRUE', 'false', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'tRUE',
    '0', '-0', '+12', '012', '0o17', '0o18', '0x1F', '0X1F', '0b101', '1_000', '123456789012345678901', '1.', '.5', '-1.50',
    '1e3', '1E-3', '+.inf', '-.Inf', '.INF', '.nan', '.NaN', 'nan', '2024-01-01', '2024-01-01T00:00:00Z', '1:30', '12:30:00',
    '"12"', "'true'", '5m', '99.9%', '!!str 12', '!!int 12', '! 12', 'a # comment', 'a#b', '"a\\tb"', "'it''s'",
  ];

  it.each(scalars)('scalar %j', async (scalar) => {
    const { fast, exact } = await bothWays(yaml(`value: ${scalar}`, 'list:', `  - ${scalar}`, ...(scalar.includes('#') ? [] : [`key ${scalar}: 1`])));
    expect(exact.problems).toEqual([]);
    expect(fast?.value).toEqual(exact.value);
  });

  it('same for block and folded strings, flow collections, keys that are numbers or booleans, and comments', async () => {
    const text = yaml(
      '# a comment',
      'text: |',
      '  line one',
      '    indented',
      '  line three',
      'folded: >-',
      '  folded',
      '  together',
      '',
      '  paragraph',
      'plain: a plain',
      '  scalar on two lines',
      'flow: { a: 1, b: [x, "y", { c: ~ }], d: }',
      'numbers:',
      '  200: ok',
      '  1.5: float key',
      '  true: yes',
      '  0x10: hex key',
      'empty_list: []',
      'empty_map: {}',
      'nested:',
      '  - - a',
      '    - b',
      '  - name: x',
      '    labels: { team: core }',
      '<<: not a merge key in YAML 1.2',
    );
    const { fast, exact } = await bothWays(text);
    expect(exact.problems).toEqual([]);
    expect(fast?.value).toEqual(exact.value);
    expect(shape(fast!.tree)).toEqual(shape(exact.tree));
  });

  it('substitutes ${ENV} and ${file:...} the same way and marks the same strings substituted', async () => {
    const dir = await writeTree({ 'secret.txt': 's3cret\n' });
    const text = yaml('server:', '  port: ${PORT}', 'storage:', '  postgres:', '    url: postgres://u:${file:secret.txt}@h/db', 'escaped: $${NOT}', 'plain: no placeholder');
    const at = { file: path.join(dir, 'main.yaml'), display: 'main.yaml', env: { PORT: '9090' } };
    const fast = await parseYamlSourceFast(text, at);
    const exact = await parseYamlSource(text, at);
    expect(exact.problems).toEqual([]);
    expect(fast?.value).toEqual(exact.value);
    expect(fast?.secretFiles).toEqual(exact.secretFiles);
    expect(shape(fast!.tree)).toEqual(shape(exact.tree));
  });

  it('names the file in every position of its tree', async () => {
    const fast = await parseYamlSourceFast(yaml('services:', '  - name: api'), options());
    expect(fast?.tree.entries?.get('services')?.items?.[0]?.entries?.get('name')?.at.file).toBe('x.yaml');
  });

  it('gives an empty mapping for an empty file, as the positional parse does', async () => {
    const { fast, exact } = await bothWays('# nothing here\n');
    expect(fast?.value).toEqual({});
    expect(exact.value).toEqual({});
  });
});

describe('the fast config parse leaves to the positional parse', () => {
  const declined: Array<[string, string]> = [
    ['a syntax error', yaml('a: [1, 2', 'b: 1')],
    ['a duplicate key', yaml('a: 1', 'a: 2')],
    ['two documents', yaml('a: 1', '---', 'b: 2')],
    ['a null key', yaml('~: 1')],
    ['a key written null', yaml('null: 1')],
    ['an explicit key', yaml('? a', ': 1')],
    ['a flow sequence as a key', yaml('[a, b]: 1')],
    ['a flow mapping as a key inside a flow mapping', yaml('x: { {a: 1}: 2 }')],
    ['an alias', yaml('base: &b { a: 1 }', 'copy: *b')],
    ['a key __proto__', yaml('__proto__: { polluted: true }')],
    ['a YAML directive', yaml('%YAML 1.1', '---', 'a: yes')],
    ['an unknown tag', yaml('a: !custom 1')],
    ['an explicit tag the value does not fit', yaml('a: !!int x')],
    ['a top level that is a list', yaml('- a')],
    ['an unset variable', yaml('a: ${UNSET_FOR_THIS_TEST}')],
    ['an unreadable secret file', yaml('a: ${file:no-such-file.txt}')],
  ];

  it.each(declined)('%s', async (_why, text) => {
    expect(await parseYamlSourceFast(text, options())).toBeUndefined();
  });
});

describe('loadConfig parses fast and still names line and column of every problem', () => {
  const slos = (count: number, bad: { index: number; line: string }) => {
    const lines = ['services:', '  - name: api', 'slos:'];
    for (let index = 0; index < count; index++) {
      lines.push(`  - name: slo-${index}`, '    service: api', index === bad.index ? bad.line : '    objective: 99.9%', '    window: 30d', '    sli: { events: { good_when: "status < 500" } }');
    }
    return yaml(...lines);
  };

  async function problems(text: string): Promise<string[]> {
    const cwd = await writeTree({ 'main.yaml': text });
    try {
      await loadConfig('main.yaml', { env: {}, cwd });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems.map(formatConfigProblem);
    }
  }

  it('a schema problem deep in a file that parses fast', async () => {
    // SLO 37 starts on line 4 + 37 * 5; its objective is the third line of it.
    expect(await problems(slos(50, { index: 37, line: '    objective: lots' }))).toEqual([
      expect.stringMatching(/^main\.yaml:191:5 slos\[37\]\.objective: /),
    ]);
  });

  it('a duplicate SLO name, found by the checks after the schema', async () => {
    const text = slos(3, { index: -1, line: '' }).replace('name: slo-2', 'name: slo-0');
    expect(await problems(text)).toEqual([expect.stringMatching(/^main\.yaml:14:(5|11) slos\[2\]\.name: .*slo-0/)]);
  });

  it('loads a valid file the same as before: the SLOs and settings the positional parse gives', async () => {
    const cwd = await writeTree({ 'main.yaml': slos(20, { index: -1, line: '' }) });
    const loaded = await loadConfig('main.yaml', { env: {}, cwd });
    expect(loaded.runtime.slos).toHaveLength(20);
    expect(loaded.runtime.slos[7]?.name).toBe('slo-7');
    expect(loaded.runtime.slos[7]?.objectiveRatio).toBe(0.999);
  });
});
