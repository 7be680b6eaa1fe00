import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('examples/', () => {
  it('demo.yaml (used by npm start) loads with the seed service catalog', async () => {
    const loaded = await loadConfig('examples/demo.yaml', { cwd: repoRoot, env: {} });
    expect(loaded.summary).toBe('examples/demo.yaml: 5 services, 8 monitors, 3 SLOs, store sqlite (data/sre-monitor.db), auth anonymous=viewer');
    expect(loaded.runtime.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    const edges = loaded.runtime.services.flatMap((service) => service.dependencies.map((dependency) => `${service.name} -> ${dependency}`));
    expect(edges.sort()).toEqual(['backend-api -> ai-service', 'backend-api -> database', 'frontend -> backend-api']);
    expect(loaded.runtime.services.map((service) => service.name).sort()).toEqual(['ai-service', 'backend-api', 'database', 'frontend', 'system']);
  });

  it.each<[string, Array<[string, number, string]>]>([
    [
      'examples/slo-defaults-seed000.yaml',
      [
        ['backend-api-availability', 0.999, '30d'],
        ['backend-api-latency', 0.95, '1d'],
        ['frontend-load-time', 0.9, '1d'],
        ['database-query-latency', 0.95, '1d'],
        ['ai-service-availability', 0.995, '7d'],
        ['system-error-rate', 0.999, '1h'],
      ],
    ],
    [
      'examples/slo-defaults-seed002.yaml',
      [
        ['api-gateway-availability', 0.999, '30d'],
        ['api-gateway-latency', 0.95, '30d'],
        ['intent-parser-availability', 0.995, '30d'],
        ['mcp-manager-availability', 0.995, '30d'],
        ['federation-availability', 0.999, '30d'],
        ['test-data-api-availability', 0.99, '30d'],
      ],
    ],
  ])('%s holds the seed default SLO table', async (file, table) => {
    const loaded = await loadConfig(file, { cwd: repoRoot, env: {} });
    expect(loaded.summary).toBe(`${file}: 5 services, 5 monitors, 6 SLOs, store sqlite (data/sre-monitor.db), auth anonymous=viewer`);
    const day = 86_400_000;
    const windowText = (ms: number): string => (ms >= day ? `${ms / day}d` : `${ms / 3_600_000}h`);
    expect(loaded.runtime.slos.map((slo) => [slo.name, slo.objectiveRatio, slo.window.kind === 'rolling' ? windowText(slo.window.durationMs) : 'calendar'])).toEqual(table);
    expect(loaded.runtime.monitors.every((monitor) => JSON.stringify(monitor.spec.settings).includes('127.0.0.1'))).toBe(true);
  });

  it('every top-level example config validates', async () => {
    const files = await glob('examples/*.yaml', { cwd: repoRoot });
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await expect(loadConfig(file, { cwd: repoRoot, env: {} }), file).resolves.toBeDefined();
  });
});
