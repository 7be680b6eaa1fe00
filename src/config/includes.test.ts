import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig } from './load-config.js';

const writeTree = useTempTrees('sre-config-include-');

async function problemLines(files: Record<string, string>): Promise<string[]> {
  const cwd = await writeTree(files);
  try {
    await loadConfig('main.yaml', { cwd, env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(formatConfigProblem);
  }
}

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

const catalog = {
  'main.yaml': yaml('include: [services/*.yaml]', 'server:', '  host: 0.0.0.0', 'services:', '  - name: frontend', '    dependencies: [api]'),
  'services/b-data.yaml': yaml('services:', '  - name: db', '    criticality: critical'),
  'services/a-api.yaml': yaml('server:', '  port: 9000', 'services:', '  - name: api', '    dependencies: [db]'),
};

describe('include', () => {
  it('merges services from every matched file in order and sections key by key', async () => {
    const cwd = await writeTree(catalog);
    const loaded = await loadConfig('main.yaml', { cwd, env: {} });
    expect(loaded.runtime.services.map((service) => service.name)).toEqual(['frontend', 'api', 'db']);
    expect(loaded.runtime.server).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(loaded.raw.include).toEqual(['services/*.yaml']);
    expect(loaded.files).toEqual(['main.yaml', 'services/a-api.yaml', 'services/b-data.yaml'].map((file) => path.join(cwd, file)));
    expect(loaded.summary).toBe('main.yaml (+2 included files): 3 services, store sqlite (data/sre-monitor.db), auth anonymous=viewer');
  });

  it('follows includes of included files, relative to the including file', async () => {
    const cwd = await writeTree({
      'main.yaml': yaml('include: [conf/team.yaml]'),
      'conf/team.yaml': yaml('include: [more/*.yaml]', 'services:', '  - name: api'),
      'conf/more/db.yaml': yaml('services:', '  - name: db'),
    });
    const loaded = await loadConfig('main.yaml', { cwd, env: {} });
    expect(loaded.runtime.services.map((service) => service.name)).toEqual(['api', 'db']);
    expect(loaded.files.map((file) => path.relative(cwd, file))).toEqual(['main.yaml', 'conf/team.yaml', 'conf/more/db.yaml']);
  });

  it('reads a file matched by two patterns of one list once', async () => {
    const cwd = await writeTree({
      'main.yaml': yaml('include: [conf/*.yaml, conf/db.yaml]'),
      'conf/db.yaml': yaml('services:', '  - name: db'),
    });
    const loaded = await loadConfig('main.yaml', { cwd, env: {} });
    expect(loaded.runtime.services.map((service) => service.name)).toEqual(['db']);
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a schema problem inside an included file',
      { ...catalog, 'services/b-data.yaml': yaml('services:', '  - name: db', '    criticality: urgent') },
      ['services/b-data.yaml:3:5 services[2].criticality: must be one of critical, high, medium, low'],
    ],
    [
      'an unknown key inside an included file',
      { ...catalog, 'services/a-api.yaml': yaml('services:', '  - name: api', '    owner: web') },
      ["services/a-api.yaml:3:5 services[1].owner: unknown key 'owner'"],
    ],
    [
      'a duplicate service name across files',
      { ...catalog, 'services/b-data.yaml': yaml('services:', '  - name: db', '  - name: frontend') },
      ["services/b-data.yaml:3:5 services[3].name: duplicate service name 'frontend' (first at main.yaml:5)"],
    ],
    [
      'a dependency on a service no file declares',
      { ...catalog, 'services/b-data.yaml': yaml('services:', '  - name: db', '    dependencies: [disk]') },
      ["services/b-data.yaml:3:20 services[2].dependencies[0]: unknown service 'disk'"],
    ],
    [
      'a key set in two files',
      { ...catalog, 'services/b-data.yaml': yaml('services:', '  - name: db', 'server:', '  host: 127.0.0.1') },
      ['services/b-data.yaml:4:3 server.host: already set in main.yaml:3:3; set each key in one file only'],
    ],
    [
      'an include pattern matching nothing',
      { 'main.yaml': yaml('include:', '  - conf.d/*.yaml') },
      ["main.yaml:2:5 include[0]: 'conf.d/*.yaml' matches no files"],
    ],
    [
      'an include cycle',
      { 'main.yaml': yaml('include: [a.yaml]'), 'a.yaml': yaml('include: [b.yaml]'), 'b.yaml': yaml('include: [a.yaml]') },
      ['b.yaml:1:11 include[0]: include cycle: a.yaml -> b.yaml -> a.yaml'],
    ],
    ['a file including itself through a glob', { 'main.yaml': yaml('include: ["*.yaml"]') }, ['main.yaml:1:11 include[0]: include cycle: main.yaml -> main.yaml']],
    [
      'one file included from two files',
      { 'main.yaml': yaml('include: [a.yaml, b.yaml]'), 'a.yaml': yaml('include: [common.yaml]'), 'b.yaml': yaml('include: [common.yaml]'), 'common.yaml': '' },
      ['b.yaml:1:11 include[0]: common.yaml is already included from a.yaml:1:11'],
    ],
    [
      'a pattern that is not a string',
      { 'main.yaml': yaml('include: [42]') },
      ['main.yaml:1:11 include[0]: must be a glob pattern (a non-empty string), got 42'],
    ],
    [
      // The broken file's services are missing, so cross-reference checks would only add noise.
      'a syntax error in an included file',
      { ...catalog, 'services/b-data.yaml': yaml('services:', '  - name: db', '   criticality: low') },
      ['services/b-data.yaml:3:1: YAML syntax error: Sequence item without - indicator'],
    ],
  ])('reports %s', async (_name, files, expected) => {
    expect(await problemLines(files)).toEqual(expected);
  });
});
