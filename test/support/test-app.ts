/**
 * Starts the real HTTP server (app.ts) on a free loopback port with a temporary config, on
 * either store, and hands out tokens of each role. Used by the API integration tests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startApp, storeQueryListener, type AppOptions, type RunningApp } from '../../src/app.js';
import { createPgliteStore } from '../../src/adapters/store/pglite-store.js';
import { cliActor } from '../../src/engine/actor.js';
import { createTestDatabase } from './postgres.js';

export type StoreKind = 'sqlite' | 'postgres';
export const storeKinds: StoreKind[] = ['sqlite', 'postgres'];

export interface TestApp {
  app: RunningApp;
  url: string;
  dir: string;
  configFile: string;
  tokens: { admin: string; responder: string; viewer: string };
  /** fetch against the server; `token` sets the bearer header. */
  request(pathname: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** Rewrites the config file (the server's storage section is kept). */
  writeConfig(yaml: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** YAML for everything but `server` and `storage`. */
  yaml?: string;
  appOptions?: Partial<AppOptions>;
}

export async function startTestApp(kind: StoreKind, options: TestAppOptions = {}): Promise<TestApp> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-test-'));
  const configFile = path.join(dir, 'config.yaml');
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  const storageYaml = (): string =>
    database ? `storage:\n  postgres:\n    url: ${database.url}\n    pool: { max: 4 }\n` : `storage:\n  sqlite:\n    path: ${path.join(dir, 'test.db')}\n`;
  const head = `server:\n  host: 127.0.0.1\n  port: 0\n  data_dir: ${dir}\n  log_level: fatal\n`;
  const writeConfig = (yaml: string) => writeFile(configFile, `${head}${storageYaml()}${yaml}\n`);
  await writeConfig(options.yaml ?? '');

  const usePglite = kind === 'postgres' && !database;
  let app: RunningApp;
  try {
    app = await startApp({
      configFile,
      logger: pino({ level: 'silent' }),
      collectDefaultMetrics: false,
      ...(usePglite
        ? {
            storeFactory: async (_runtime, metrics) => {
              const store = await createPgliteStore({ onQuery: storeQueryListener(metrics) });
              await store.migrate();
              return store;
            },
          }
        : {}),
      ...options.appOptions,
    });
  } catch (error) {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const tokens = {
    admin: (await app.tokens.create('test-admin', 'admin', cliActor)).secret,
    responder: (await app.tokens.create('test-responder', 'responder', cliActor)).secret,
    viewer: (await app.tokens.create('test-viewer', 'viewer', cliActor)).secret,
  };

  return {
    app,
    url: app.url,
    dir,
    configFile,
    tokens,
    request(pathname, init = {}) {
      const { token, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${app.url}${pathname}`, { ...rest, headers, body: json === undefined ? rest.body : JSON.stringify(json) });
    },
    writeConfig,
    async close() {
      await app.stop();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
