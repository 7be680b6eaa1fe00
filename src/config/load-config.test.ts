import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';

const writeTree = useTempTrees('sre-config-');

async function load(files: Record<string, string>, options: LoadConfigOptions = {}) {
  const cwd = await writeTree(files);
  return loadConfig('main.yaml', { env: {}, cwd, ...options });
}

/** The problem lines `loadConfig` reports for `files`, or [] when it loads. */
async function problemLines(files: Record<string, string>, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await load(files, { env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(formatConfigProblem);
  }
}

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('loadConfig on a valid file', () => {
  it('fills defaults and builds runtime settings and a summary', async () => {
    const loaded = await load({
      'main.yaml': yaml('server:', '  port: 9090', 'services:', '  - name: api', '    dependencies: [db]', '  - name: db'),
    });
    expect(loaded.raw.server).toEqual({
      host: '127.0.0.1',
      port: 9090,
      data_dir: './data',
      body_limit_bytes: 1_048_576,
      request_timeout: '30s',
      shutdown_timeout: '10s',
      trust_proxy: false,
      log_level: 'info',
    });
    expect(loaded.raw.storage).toEqual({ sqlite: { path: 'sre-monitor.db' } });
    expect(loaded.raw.auth).toEqual({ anonymous: 'viewer', lockout: { max_failures: 10, window: '1m', block_for: '5m' } });
    expect(loaded.raw.services[1]).toEqual({ name: 'db', criticality: 'medium', tags: [], dependencies: [], links: {} });
    const cwd = path.dirname(loaded.file);
    expect(loaded.runtime.server.requestTimeoutMs).toBe(30_000);
    expect(loaded.runtime.storage).toEqual({ kind: 'sqlite', path: path.join(cwd, 'data', 'sre-monitor.db') });
    expect(loaded.runtime.services.map((s) => [s.name, s.displayName, s.dependencies])).toEqual([
      ['api', 'api', ['db']],
      ['db', 'db', []],
    ]);
    expect(loaded.files).toEqual([path.join(cwd, 'main.yaml')]);
    expect(loaded.summary).toBe('main.yaml: 2 services, store sqlite (data/sre-monitor.db), auth anonymous=viewer');
  });

  it.each([
    ['an empty file', ''],
    ['a file with only comments', '# nothing yet\n'],
  ])('treats %s as all defaults', async (_name, content) => {
    const loaded = await load({ 'main.yaml': content });
    expect(loaded.runtime.server.port).toBe(8080);
    expect(loaded.runtime.services).toEqual([]);
    expect(loaded.summary).toBe('main.yaml: 0 services, store sqlite (data/sre-monitor.db), auth anonymous=viewer');
  });

  it('applies command-line overrides and resolves data_dir against cwd', async () => {
    const loaded = await load({ 'main.yaml': yaml('server:', '  port: 9090') }, { overrides: { port: 1234, dataDir: 'state' } });
    const cwd = path.dirname(loaded.file);
    expect(loaded.runtime.server.port).toBe(1234);
    expect(loaded.runtime.server.dataDir).toBe(path.join(cwd, 'state'));
    expect(loaded.raw.server.port).toBe(9090);
  });

  it('summarizes postgres without the credentials in the URL', async () => {
    const loaded = await load(
      { 'main.yaml': yaml('storage:', '  postgres:', '    url: postgres://sre:${PGPASSWORD}@db.internal:5432/sre_monitor') },
      { env: { PGPASSWORD: 'hunter2' } },
    );
    expect(loaded.runtime.storage).toEqual({ kind: 'postgres', url: 'postgres://sre:hunter2@db.internal:5432/sre_monitor', poolMax: 10, idleTimeoutMs: 30_000 });
    expect(loaded.summary).toBe('main.yaml: 0 services, store postgres (db.internal:5432/sre_monitor), auth anonymous=viewer');
  });
});

describe('loadConfig reports each kind of bad input at its file, line and column', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'malformed YAML',
      { 'main.yaml': yaml('server:', '  port: [8080', '  host: localhost') },
      ['main.yaml:3:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
    ['an unknown YAML tag', { 'main.yaml': yaml('server:', '  host: !env HOST') }, ['main.yaml:2:9: YAML warning: Unresolved tag: !env']],
    ['a duplicate key', { 'main.yaml': yaml('server:', '  port: 1', '  port: 2') }, ['main.yaml:3:3 server.port: duplicate key (first at main.yaml:2:3)']],
    ['several YAML documents', { 'main.yaml': yaml('server: {}', '---', 'auth: {}') }, ['main.yaml:2:1: a config file holds one YAML document; remove the extra --- separator']],
    ['a list instead of a mapping', { 'main.yaml': yaml('- a') }, ['main.yaml:1:1: the file must be a mapping of sections (include, server, storage, auth, services), got a list']],
    ['a string instead of an integer', { 'main.yaml': yaml('server:', '  port: abc') }, ['main.yaml:2:3 server.port: must be an integer, got "abc"']],
    ['a fraction instead of an integer', { 'main.yaml': yaml('server:', '  port: 80.5') }, ['main.yaml:2:3 server.port: must be an integer, got 80.5']],
    ['yes instead of a boolean', { 'main.yaml': yaml('server:', '  trust_proxy: yes') }, ['main.yaml:2:3 server.trust_proxy: must be true or false, got "yes"']],
    ['a scalar instead of a section', { 'main.yaml': yaml('server: 8080') }, ['main.yaml:1:1 server: must be a mapping, got 8080']],
    ['an empty section', { 'main.yaml': yaml('auth:') }, ['main.yaml:1:1 auth: must be a mapping, got an empty value']],
    ['a string instead of a list', { 'main.yaml': yaml('services:', '  - name: api', '    tags: web') }, ['main.yaml:3:5 services[0].tags: must be a list, got "web"']],
    ['an unknown top-level key', { 'main.yaml': yaml('server: {}', 'widgets: {}') }, ["main.yaml:2:1 widgets: unknown key 'widgets'"]],
    ['a misspelt key', { 'main.yaml': yaml('server:', '  prot: 80') }, ["main.yaml:2:3 server.prot: unknown key 'prot' (did you mean 'port'?)"]],
    [
      'an unknown nested key',
      { 'main.yaml': yaml('services:', '  - name: api', '    links:', '      wiki: https://wiki.example.com') },
      ["main.yaml:4:7 services[0].links.wiki: unknown key 'wiki'"],
    ],
    [
      'a bad enum value',
      { 'main.yaml': yaml('services:', '  - name: api', '    criticality: urgent') },
      ['main.yaml:3:5 services[0].criticality: must be one of critical, high, medium, low'],
    ],
    ['a bad duration', { 'main.yaml': yaml('auth:', '  lockout:', '    window: 5 minutes') }, ['main.yaml:3:5 auth.lockout.window: must be a duration like 30s, 5m, 1h']],
    [
      'a bad service name',
      { 'main.yaml': yaml('services:', '  - name: Backend_API') },
      ['main.yaml:2:5 services[0].name: must be a lower-case slug (letters, digits, dashes)'],
    ],
    [
      'a bad field inside the object form of a union (false or settings)',
      {
        'main.yaml': yaml(
          'services:',
          '  - name: api',
          'monitors:',
          '  - name: api-http',
          '    service: api',
          '    kind: http',
          '    http: { url: "http://127.0.0.1:9/" }',
          '    circuit_breaker: { failure_threshold: 0, half_open_trial: 2 }',
        ),
      },
      ['main.yaml:8:24 monitors[0].circuit_breaker.failure_threshold: must be at least 1', "main.yaml:8:46 monitors[0].circuit_breaker.half_open_trial: unknown key 'half_open_trial' (did you mean 'half_open_trials'?)"],
    ],
    ['a scalar that is neither form of a union', { 'main.yaml': yaml('services:', '  - name: api', 'monitors:', '  - name: m', '    service: api', '    kind: http', '    http: { url: "http://127.0.0.1:9/" }', '    circuit_breaker: true') }, ['main.yaml:8:5 monitors[0].circuit_breaker: does not match any of the allowed forms']],
    [
      'slo_engine durations outside what the engine is built for',
      { 'main.yaml': yaml('slo_engine:', '  lateness: 2d', '  evaluation_delay: 1m', '  prometheus: { delay: 10m, query_timeout: 0s }') },
      [
        'main.yaml:2:3 slo_engine.lateness: must be a duration from 1m to 1d, got 2d',
        'main.yaml:3:3 slo_engine.evaluation_delay: must be a duration from 0s to 50s, got 1m',
        'main.yaml:4:17 slo_engine.prometheus.delay: must be a duration from 0s to 5m, got 10m',
        'main.yaml:4:29 slo_engine.prometheus.query_timeout: must be a duration from 1s to 1m, got 0s',
      ],
    ],
    ['a missing required key', { 'main.yaml': yaml('services:', '  - team: web') }, ['main.yaml:2:5 services[0].name: is required']],
    ['a number below the minimum', { 'main.yaml': yaml('server:', '  body_limit_bytes: 10') }, ['main.yaml:2:3 server.body_limit_bytes: must be at least 1024']],
    ['a number above the maximum', { 'main.yaml': yaml('server:', '  port: 70000') }, ['main.yaml:2:3 server.port: must be at most 65535']],
    ['an empty string', { 'main.yaml': yaml('services:', '  - name: api', '    team: ""') }, ['main.yaml:3:5 services[0].team: must not be empty']],
    [
      'a link that is not an http URL',
      { 'main.yaml': yaml('services:', '  - name: api', '    links: { runbook: "ftp://files.example.com/rb", repo: not a url }') },
      ['main.yaml:3:14 services[0].links.runbook: must be an http or https URL', 'main.yaml:3:53 services[0].links.repo: must be an http or https URL'],
    ],
    [
      'duplicate service names',
      { 'main.yaml': yaml('services:', '  - name: api', '  - name: db', '  - name: api') },
      ["main.yaml:4:5 services[2].name: duplicate service name 'api' (first at main.yaml:2)"],
    ],
    [
      'an unknown dependency',
      { 'main.yaml': yaml('services:', '  - name: api', '    dependencies: [db, cache]', '  - name: db') },
      ["main.yaml:3:24 services[0].dependencies[1]: unknown service 'cache'"],
    ],
    [
      'a self-dependency',
      { 'main.yaml': yaml('services:', '  - name: api', '    dependencies: [api]') },
      ['main.yaml:3:20 services[0].dependencies[0]: a service cannot depend on itself'],
    ],
    [
      'a dependency cycle',
      {
        'main.yaml': yaml(
          'services:',
          '  - name: frontend',
          '    dependencies: [api]',
          '  - name: api',
          '    dependencies: [db]',
          '  - name: db',
          '    dependencies: [frontend]',
        ),
      },
      ['main.yaml:5:5 services[1].dependencies: dependency cycle: api -> db -> frontend -> api'],
    ],
    [
      'both sqlite and postgres',
      { 'main.yaml': yaml('storage:', '  sqlite: {}', '  postgres:', '    url: postgres://db/sre') },
      ['main.yaml:1:1 storage: set exactly one of sqlite or postgres, not both'],
    ],
    ['neither sqlite nor postgres', { 'main.yaml': yaml('storage: {}') }, ['main.yaml:1:1 storage: must set one of sqlite or postgres']],
    [
      'a missing environment variable',
      { 'main.yaml': yaml('storage:', '  postgres:', '    url: postgres://sre:${PGPASSWORD}@db/sre') },
      ['main.yaml:3:25 storage.postgres.url: environment variable PGPASSWORD is not set'],
    ],
    [
      'a malformed placeholder',
      { 'main.yaml': yaml('server:', '  host: ${not valid}') },
      ["main.yaml:2:9 server.host: '${not valid}' is not a valid placeholder: use ${NAME}, ${file:path} or $${...} for a literal"],
    ],
    [
      'an unreadable secret file',
      { 'main.yaml': yaml('storage:', '  postgres:', '    url: ${file:secrets/missing.txt}') },
      ["main.yaml:3:10 storage.postgres.url: cannot read file 'secrets/missing.txt' (no such file)"],
    ],
    ['a __proto__ key', { 'main.yaml': yaml('server:', '  __proto__: { port: 1 }') }, ["main.yaml:2:3 server.__proto__: key '__proto__' is not allowed"]],
    ['a recursive alias', { 'main.yaml': yaml('services: &s', '  - name: api', '    tags: *s') }, ['main.yaml:3:11 services[0].tags: an alias cannot refer to a node that contains it']],
    ['include that is not a list', { 'main.yaml': yaml('include: more.yaml') }, ['main.yaml:1:1 include: must be a list of glob patterns, got "more.yaml"']],
  ])('%s', async (_name, files, expected) => {
    expect(await problemLines(files)).toEqual(expected);
  });

  it('never echoes a substituted value, which may be a secret', async () => {
    const lines = await problemLines({ 'main.yaml': yaml('server:', '  port: ${PORT}') }, { PORT: 's3cret' });
    expect(lines).toEqual(['main.yaml:2:3 server.port: must be an integer, got a substituted value (not shown)']);
  });

  it('reports every problem of the file at once, in file order', async () => {
    const files = {
      'main.yaml': yaml(
        'server:',
        '  port: http',
        '  log_level: verbose',
        'storage:',
        '  sqlite: { path: x.db, mode: wal }',
        'services:',
        '  - name: API',
        '    criticality: sev1',
        '  - team: web',
        'auth:',
        '  anonymous: ${ANON_ROLE}',
      ),
    };
    const cwd = await writeTree(files);
    const error = await loadConfig('main.yaml', { cwd, env: {} }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const expected = [
      'main.yaml:2:3 server.port: must be an integer, got "http"',
      'main.yaml:3:3 server.log_level: must be one of fatal, error, warn, info, debug, trace',
      "main.yaml:5:25 storage.sqlite.mode: unknown key 'mode'",
      'main.yaml:7:5 services[0].name: must be a lower-case slug (letters, digits, dashes)',
      'main.yaml:8:5 services[0].criticality: must be one of critical, high, medium, low',
      'main.yaml:9:5 services[1].name: is required',
      'main.yaml:11:14 auth.anonymous: environment variable ANON_ROLE is not set',
    ];
    expect((error as ConfigError).problems.map(formatConfigProblem)).toEqual(expected);
    expect((error as ConfigError).message).toBe(['invalid configuration (7 problems)', ...expected].join('\n'));
  });

  it('says where the keys of an alertmanager.yml go when one is given as the config', async () => {
    const lines = await problemLines({ 'main.yaml': yaml('route:', '  receiver: team', 'receivers:', '  - name: team', 'server:', '  prot: 1') });
    const hint = "goes under alerting: in sre-monitor's config, or keep the file and name it with alerting.alertmanager_config_file (docs/alerting.md)";
    expect(lines).toEqual([
      `main.yaml:1:1 route: unknown key 'route': Alertmanager's route ${hint}`,
      `main.yaml:3:1 receivers: unknown key 'receivers': Alertmanager's receivers ${hint}`,
      "main.yaml:6:3 server.prot: unknown key 'prot' (did you mean 'port'?)",
    ]);
  });

  it('reports a config file that does not exist', async () => {
    const cwd = await writeTree({});
    await expect(loadConfig('nope.yaml', { cwd, env: {} })).rejects.toThrow('nope.yaml:1:1: cannot read nope.yaml (no such file)');
  });
});
