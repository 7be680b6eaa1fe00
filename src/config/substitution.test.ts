import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { loadConfig } from './load-config.js';
import { fileReferences, substitute, trimOneTrailingNewline, type SecretRead } from './substitution.js';

describe('substitute', () => {
  const secrets = new Map<string, SecretRead>([
    ['db.txt', { ok: true, text: 'pa55' }],
    ['gone.txt', { ok: false, message: "cannot read file 'gone.txt' (no such file)" }],
  ]);
  const context = { env: { USER: 'sre', EMPTY: '' }, secrets };

  it.each<[string, string, boolean, string[]]>([
    ['plain text', 'plain text', false, []],
    ['${USER}', 'sre', true, []],
    ['postgres://${USER}:${file:db.txt}@db', 'postgres://sre:pa55@db', true, []],
    ['${EMPTY}', '', true, []],
    ['$${USER}', '${USER}', false, []],
    ['cost: $5', 'cost: $5', false, []],
    ['$${USER} and ${USER}', '${USER} and sre', true, []],
    ['${MISSING}', '${MISSING}', false, ['environment variable MISSING is not set']],
    ['${file:gone.txt}', '${file:gone.txt}', false, ["cannot read file 'gone.txt' (no such file)"]],
    ['${file:}', '${file:}', false, ["'${file:}' needs a file path"]],
    ['${USER', '${USER', false, ["unterminated '${' (write $${ for a literal)"]],
    ['${A-B}', '${A-B}', false, ["'${A-B}' is not a valid placeholder: use ${NAME}, ${file:path} or $${...} for a literal"]],
  ])('%s', (input, text, substituted, messages) => {
    const result = substitute(input, context);
    expect(result.text).toBe(text);
    expect(result.substituted).toBe(substituted);
    expect(result.problems.map((problem) => problem.message)).toEqual(messages);
  });

  it('inserts a value verbatim, without substituting inside it again', () => {
    expect(substitute('${USER}', { env: { USER: '${HOME}' }, secrets }).text).toBe('${HOME}');
  });

  it('lists the files to read, but not escaped ones', () => {
    expect(fileReferences('${file:a} $${file:b} ${file:/abs/c}')).toEqual(['a', '/abs/c']);
  });

  it.each([
    ['secret\n', 'secret'],
    ['secret\r\n', 'secret'],
    ['secret\n\n', 'secret\n'],
    ['secret', 'secret'],
  ])('trims one trailing newline from %j', (input, expected) => {
    expect(trimOneTrailingNewline(input)).toBe(expected);
  });
});

describe('substitution while loading', () => {
  const writeTree = useTempTrees('sre-config-subst-');

  it('reads ${file:} relative to the config file and trims its trailing newline', async () => {
    const cwd = await writeTree({
      'conf/main.yaml': 'storage:\n  postgres:\n    url: postgres://sre:${file:secrets/pg.txt}@db/sre\n',
      'conf/secrets/pg.txt': 'hunter2\n',
    });
    const loaded = await loadConfig('conf/main.yaml', { cwd, env: {} });
    expect(loaded.runtime.storage).toMatchObject({ kind: 'postgres', url: 'postgres://sre:hunter2@db/sre' });
    expect(loaded.files).toEqual([path.join(cwd, 'conf/main.yaml'), path.join(cwd, 'conf/secrets/pg.txt')]);
  });

  it('reads ${file:} with an absolute path', async () => {
    const cwd = await writeTree({ 'token.txt': 'abc' });
    await writeFile(path.join(cwd, 'main.yaml'), `server:\n  host: \${file:${path.join(cwd, 'token.txt')}}\n`);
    const loaded = await loadConfig('main.yaml', { cwd, env: {} });
    expect(loaded.runtime.server.host).toBe('abc');
  });

  it('keeps a secret that looks like YAML as one string', async () => {
    const cwd = await writeTree({
      'main.yaml': 'services:\n  - name: api\n    team: ${TEAM}\n',
    });
    const loaded = await loadConfig('main.yaml', { cwd, env: { TEAM: 'web\n    criticality: low\n  - name: injected' } });
    expect(loaded.runtime.services).toHaveLength(1);
    expect(loaded.runtime.services[0]?.team).toBe('web\n    criticality: low\n  - name: injected');
  });

  it('turns $${...} into a literal ${...}', async () => {
    const cwd = await writeTree({ 'main.yaml': 'services:\n  - name: api\n    tags: ["$${HOME}", "${TIER}"]\n' });
    const loaded = await loadConfig('main.yaml', { cwd, env: { TIER: 'gold' } });
    expect(loaded.runtime.services[0]?.tags).toEqual(['${HOME}', 'gold']);
  });

  it('converts a substituted number or boolean where the schema wants one', async () => {
    const cwd = await writeTree({ 'main.yaml': 'server:\n  port: ${PORT}\n  trust_proxy: "${BEHIND_PROXY}"\n' });
    const loaded = await loadConfig('main.yaml', { cwd, env: { PORT: '9100', BEHIND_PROXY: 'true' } });
    expect(loaded.runtime.server.port).toBe(9100);
    expect(loaded.runtime.server.trustProxy).toBe(true);
  });

  it('does not substitute in keys or in comments', async () => {
    const cwd = await writeTree({ 'main.yaml': '# ${NOT_SET} in a comment is fine\nserver:\n  host: x # ${NOT_SET}\n' });
    const loaded = await loadConfig('main.yaml', { cwd, env: {} });
    expect(loaded.runtime.server.host).toBe('x');
  });
});
