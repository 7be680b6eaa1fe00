import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfigYaml, renderConfigDocs } from './config-docs.js';
import { asJsonSchema, type JsonSchema } from '../core/validation/json-schema.js';
import { loadConfig } from './load-config.js';
import { ConfigSchema } from './schema.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('docs/configuration.md', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('is up to date with the schema', async () => {
    const onDisk = await readFile(path.join(repoRoot, 'docs/configuration.md'), 'utf8').catch(() => '(missing)');
    expect(onDisk, 'docs/configuration.md is stale: run `npx tsx scripts/generate-config-docs.ts`').toBe(renderConfigDocs());
  });

  it('documents every key of the schema', () => {
    const docs = renderConfigDocs();
    for (const key of schemaKeys(asJsonSchema(ConfigSchema), '')) {
      const documented = docs.includes(`| \`${key}\` |`) || docs.includes(`### \`${key}\``);
      expect(documented, `${key} is not documented`).toBe(true);
    }
  });

  it('shows a complete example that uses every key and loads cleanly', async () => {
    for (const key of schemaKeys(asJsonSchema(ConfigSchema), '')) {
      const name = key.split(/[.[\]]+/).filter(Boolean).pop() ?? key;
      expect(exampleConfigYaml, `example lacks ${key}`).toMatch(new RegExp(`\\b${name}:`));
    }
    const cwd = await mkdtemp(path.join(tmpdir(), 'sre-config-docs-'));
    dirs.push(cwd);
    await writeFile(path.join(cwd, 'sre-monitor.yaml'), exampleConfigYaml);
    await mkdir(path.join(cwd, 'services'));
    await writeFile(path.join(cwd, 'services', 'web.yaml'), 'services:\n  - name: frontend\n    dependencies: [backend-api]\n');
    const loaded = await loadConfig('sre-monitor.yaml', { cwd, env: {} });
    expect(loaded.summary).toBe('sre-monitor.yaml (+1 included file): 3 services, 8 monitors, 5 SLOs, store sqlite (data/sre-monitor.db), auth anonymous=viewer');
  });
});

/** Dotted key paths of the schema, `services[].links.runbook` style, as the docs name them. */
function schemaKeys(schema: JsonSchema, prefix: string): string[] {
  const element = schema.type === 'array' && schema.items?.properties ? schema.items : undefined;
  const properties = element?.properties ?? schema.properties ?? {};
  const base = element ? `${prefix}[]` : prefix;
  return Object.entries(properties).flatMap(([key, child]) => {
    const name = base === '' ? key : `${base}.${key}`;
    return [name, ...schemaKeys(child, name)];
  });
}
