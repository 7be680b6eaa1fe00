/** `sre-monitor version`. */
import { Command } from 'commander';
import { version } from '../../version.js';

export function versionCommand(): Command {
  return new Command('version').description('print the version').action(() => {
    process.stdout.write(`sre-monitor ${version} (node ${process.version})\n`);
  });
}
