import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startServerProcess } from '../support/server-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const writeConfig = async (name: string, yaml: string) => {
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  return file;
};

describe('sre-monitor validate', () => {
  it('accepts the demo config with a one-line summary', () => {
    const result = runCli(['validate', '--config', 'examples/demo.yaml']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/^ok: .*services/);
  });

  it('exits 2 and prints every problem as FILE:LINE:COL path: message', async () => {
    const file = await writeConfig('broken.yaml', 'server:\n  port: eighty\nservices:\n  - name: api\n    criticality: urgent\n    colour: blue\n');
    const result = runCli(['validate', '--config', file]);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/broken\.yaml:2:3 server\.port: must be an integer, got "eighty"$/),
      expect.stringMatching(/broken\.yaml:5:5 services\[0\]\.criticality: must be one of critical, high, medium, low$/),
      expect.stringMatching(/broken\.yaml:6:5 services\[0\]\.colour: unknown key 'colour'$/),
    ]));
  });

  it('exits 2 for a file that does not exist', () => {
    const result = runCli(['validate', '--config', path.join(dir, 'missing.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('missing.yaml');
  });
});

describe('sre-monitor token and version', () => {
  it('creates a token once, lists it without the secret, and revokes it', async () => {
    const file = await writeConfig('tokens.yaml', `server:\n  data_dir: ${dir}/token-data\n`);
    const created = runCli(['token', 'create', '--role', 'responder', '--name', 'ci-bot', '--config', file]);
    expect(created.status).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^srem_[A-Za-z0-9_-]{43}$/);

    const listed = runCli(['token', 'list', '--config', file]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^ci-bot\s+responder\s+\d{4}-/m);
    expect(listed.stdout).not.toContain(secret);

    expect(runCli(['token', 'create', '--role', 'admin', '--name', 'ci-bot', '--config', file]).status).toBe(1);
    expect(runCli(['token', 'create', '--role', 'root', '--name', 'x', '--config', file]).status).not.toBe(0);

    expect(runCli(['token', 'revoke', 'ci-bot', '--config', file]).status).toBe(0);
    expect(runCli(['token', 'list', '--config', file]).stdout).not.toContain('ci-bot');
    const again = runCli(['token', 'revoke', 'ci-bot', '--config', file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("token 'ci-bot' does not exist");
  });

  it('prints its version', () => {
    expect(runCli(['version']).stdout).toMatch(/^sre-monitor \d+\.\d+\.\d+ \(node v\d+/);
  });
});

describe('sre-monitor start', () => {
  it('prints where it runs, reloads on SIGHUP, and exits 0 on SIGTERM', async () => {
    const file = await writeConfig('start.yaml', `server:\n  data_dir: ${dir}/start-data\nservices:\n  - name: one\n`);
    const server = await startServerProcess(file, await freePort());
    expect(server.output()).toMatch(/is running at http:\/\/localhost:\d+/);
    expect(server.output()).toContain('store:     sqlite');
    expect(server.output()).toContain('token create --role admin');

    await writeFile(file, `server:\n  data_dir: ${dir}/start-data\nservices:\n  - name: one\n  - name: two\n`);
    server.child.kill('SIGHUP');
    let names: string[] = [];
    for (let i = 0; i < 50 && names.length < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const page = (await (await fetch(`${server.url}/api/v1/services`)).json()) as { items: Array<{ name: string }> };
      names = page.items.map((s) => s.name);
    }
    expect(names).toEqual(['one', 'two']);

    // A bad file on SIGHUP is rejected and the server keeps running on the old config.
    await writeFile(file, 'services: [[[\n');
    server.child.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);

    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses to start on a broken config with exit 2', async () => {
    const file = await writeConfig('bad-start.yaml', 'storage:\n  sqlite: {}\n  postgres: { url: "postgres://x" }\n');
    const result = runCli(['start', '--config', file, '--port', '0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/bad-start\.yaml:\d+:\d+ storage: /);
  });
});
