/** `sre-monitor validate --config FILE`: exit 0 with a summary, or exit 2 with every problem. */
import { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { configOption } from '../config-option.js';
import { reportCliError } from '../report-error.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('check a configuration file and print every problem as FILE:LINE:COL path: message')
    .addOption(configOption())
    .action(async (options: { config: string }) => {
      try {
        const loaded = await loadConfig(options.config);
        process.stdout.write(`ok: ${loaded.summary}\n`);
      } catch (error) {
        process.exitCode = reportCliError(error);
      }
    });
}
