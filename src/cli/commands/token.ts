/** `sre-monitor token create|list|revoke`: manage API tokens directly in the configured store. */
import { Command, Option } from 'commander';
import { openStore } from '../../app.js';
import { systemClock } from '../../adapters/clock/system-clock.js';
import type { Store } from '../../adapters/store/store.js';
import { roles, type Role } from '../../core/auth/roles.js';
import { loadConfig } from '../../config/load-config.js';
import { cliActor } from '../../engine/actor.js';
import { createTokenService, type TokenService } from '../../engine/token-service.js';
import { configOption } from '../config-option.js';
import { reportCliError } from '../report-error.js';

async function withTokens(configFile: string, work: (tokens: TokenService) => Promise<void>): Promise<void> {
  let store: Store | undefined;
  try {
    const loaded = await loadConfig(configFile);
    store = await openStore(loaded.runtime);
    await work(createTokenService({ store, clock: systemClock }));
  } catch (error) {
    process.exitCode = reportCliError(error);
  } finally {
    await store?.close();
  }
}

export function tokenCommand(): Command {
  const token = new Command('token').description('manage API tokens (stored hashed; a token is shown once)');
  token
    .command('create')
    .description('create a token and print it once')
    .addOption(new Option('--role <role>', 'viewer, responder or admin').choices([...roles]).makeOptionMandatory())
    .requiredOption('--name <name>', 'unique name, used in the audit log')
    .addOption(configOption())
    .action(async (options: { role: Role; name: string; config: string }) =>
      withTokens(options.config, async (tokens) => {
        const { secret } = await tokens.create(options.name, options.role, cliActor);
        process.stdout.write(`${secret}\n`);
        process.stderr.write(`created ${options.role} token '${options.name}'; it is not shown again. Use it as: Authorization: Bearer <token>\n`);
      }),
    );
  token
    .command('list')
    .description('list tokens (names, roles, creation and last use; never the secrets)')
    .addOption(configOption())
    .action(async (options: { config: string }) =>
      withTokens(options.config, async (tokens) => {
        const rows = await tokens.list();
        const lines = [['NAME', 'ROLE', 'CREATED', 'LAST USED'], ...rows.map((t) => [t.name, t.role, t.createdAt, t.lastUsedAt ?? 'never'])];
        const widths = lines[0]?.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length))) ?? [];
        for (const line of lines) process.stdout.write(`${line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`);
      }),
    );
  token
    .command('revoke')
    .description('revoke a token by name; it stops working at once')
    .argument('<name>', 'token name')
    .addOption(configOption())
    .action(async (name: string, options: { config: string }) =>
      withTokens(options.config, async (tokens) => {
        await tokens.revoke(name, cliActor);
        process.stdout.write(`revoked token '${name}'\n`);
      }),
    );
  return token;
}
