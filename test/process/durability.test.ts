/**
 * Writes are acknowledged only after commit: a burst of API writes, `kill -9` mid-burst, a
 * restart, and every write that got a 2xx must be there, on both stores. The Postgres variant
 * needs a real server (a second process cannot share embedded PGlite); under CI=true one
 * always answers, elsewhere the variant is skipped with that reason when none does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { freePort, runCli, startServerProcess } from '../support/server-process.js';

const database = await createTestDatabase();
const dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-kill9-'));
afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const variants = [
  { kind: 'sqlite', storage: `storage:\n  sqlite:\n    path: ${dir}/kill9.db\n`, available: true },
  { kind: 'postgres', storage: `storage:\n  postgres:\n    url: ${database?.url ?? ''}\n`, available: database !== undefined },
] as const;

describe.each(variants)('kill -9 mid-burst on $kind', ({ kind, storage, available }) => {
  it.skipIf(!available)('keeps every write that was acknowledged (skipped only when no PostgreSQL server answers outside CI)', async () => {
    const configFile = path.join(dir, `${kind}.yaml`);
    await writeFile(configFile, `server:\n  data_dir: ${dir}/${kind}\n${storage}`);
    const created = runCli(['token', 'create', '--role', 'admin', '--name', 'burst', '--config', configFile]);
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();

    const port = await freePort();
    const server = await startServerProcess(configFile, port);
    const acknowledged: string[] = [];
    let attempted = 0;
    let killed = false;
    const worker = async (workerIndex: number) => {
      for (let i = 0; !killed && i < 2000; i += 1) {
        const name = `burst-${workerIndex}-${i}`;
        attempted += 1;
        try {
          const response = await fetch(`${server.url}/api/v1/services`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name, tags: ['burst'] }),
          });
          if (response.status === 201) acknowledged.push(name);
          else if (!killed) throw new Error(`unexpected ${response.status}: ${await response.text()}`);
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, index) => worker(index));
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    expect(await server.exited).toBe('SIGKILL');
    expect(attempted).toBeGreaterThan(acknowledged.length);

    const restarted = await startServerProcess(configFile, await freePort());
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = (await (await fetch(`${restarted.url}/api/v1/services?tag=burst&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { items: Array<{ name: string }>; next_cursor: string | null };
        for (const item of page.items) stored.add(item.name);
        cursor = page.next_cursor;
      } while (cursor !== null);
      const lost = acknowledged.filter((name) => !stored.has(name));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  }, 60_000);
});

describe.each(variants)('kill -9 while check results are written on $kind', ({ kind, storage, available }) => {
  it.skipIf(!available)('keeps every acknowledged result and counts it in the uptime roll-ups after the restart (skipped only when no PostgreSQL server answers outside CI)', async () => {
    const token = `kill9-heartbeat-${kind}-0123456789`;
    const configFile = path.join(dir, `${kind}-results.yaml`);
    await writeFile(
      configFile,
      `server:\n  data_dir: ${dir}/${kind}-results\n${storage.replace(/kill9\.db/, 'kill9-results.db')}` +
        `services:\n  - name: jobs\nmonitors:\n  - name: batch\n    service: jobs\n    kind: heartbeat\n    interval: 1h\n    heartbeat: { token: ${token} }\n`,
    );
    const server = await startServerProcess(configFile, await freePort());
    const acknowledged: number[] = [];
    let killed = false;
    const worker = async () => {
      for (let i = 0; !killed && i < 5000; i += 1) {
        try {
          const response = await fetch(`${server.url}/api/v1/heartbeats/${token}`, { method: 'POST' });
          if (response.status === 200) acknowledged.push(i);
          else if (!killed) throw new Error(`unexpected ${response.status}: ${await response.text()}`);
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    // Each ping waits for its group commit (about 100 ms), so many run at once.
    const workers = Array.from({ length: 48 }, () => worker());
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    expect(await server.exited).toBe('SIGKILL');

    const restarted = await startServerProcess(configFile, await freePort());
    try {
      let stored = 0;
      let cursor: string | null = null;
      do {
        const page = (await (await fetch(`${restarted.url}/api/v1/monitors/batch/results?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { items: unknown[]; next_cursor: string | null };
        stored += page.items.length;
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(stored).toBeGreaterThanOrEqual(acknowledged.length);
      const uptime = (await (await fetch(`${restarted.url}/api/v1/monitors/batch/uptime`)).json()) as { windows: { '24h': { checks: { up: number } } } };
      // Roll-ups are rebuilt from the stored results: every stored result counted once.
      expect(uptime.windows['24h'].checks.up).toBe(stored);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  }, 60_000);
});
