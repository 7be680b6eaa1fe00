/**
 * Writes docs/configuration.md from the config schema. Run after changing src/config/schema.ts:
 *   npx tsx scripts/generate-config-docs.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../src/config/config-docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'docs', 'configuration.md');

await mkdir(path.dirname(target), { recursive: true });
await writeFile(target, renderConfigDocs());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
