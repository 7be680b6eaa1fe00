import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('examples/', () => {
  it('demo.yaml (used by npm start) loads with the seed service catalog', async () => {
    const loaded = await loadConfig('examples/demo.yaml', { cwd: repoRoot, env: {} });
    expect(loaded.summary).toBe('examples/demo.yaml: 5 services, 8 monitors, store sqlite (data/sre-monitor.db), auth anonymous=viewer');
    expect(loaded.runtime.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    const edges = loaded.runtime.services.flatMap((service) => service.dependencies.map((dependency) => `${service.name} -> ${dependency}`));
    expect(edges.sort()).toEqual(['backend-api -> ai-service', 'backend-api -> database', 'frontend -> backend-api']);
    expect(loaded.runtime.services.map((service) => service.name).sort()).toEqual(['ai-service', 'backend-api', 'database', 'frontend', 'system']);
  });

  it('every top-level example config validates', async () => {
    const files = await glob('examples/*.yaml', { cwd: repoRoot });
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await expect(loadConfig(file, { cwd: repoRoot, env: {} }), file).resolves.toBeDefined();
  });
});
