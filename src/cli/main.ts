#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * src/cli: the `sre-monitor` command. One file per command under commands/; each only parses
 * its flags and calls into app.ts or the engine.
 */
import { Command } from 'commander';
import { version } from '../version.js';
import { demoTargetCommand } from './commands/demo-target.js';
import { gateCommand } from './commands/gate.js';
import { rulesCommand } from './commands/rules-export.js';
import { routeCommand } from './commands/route-test.js';
import { sloCommand } from './commands/slo-replay.js';
import { startCommand } from './commands/start.js';
import { tokenCommand } from './commands/token.js';
import { validateCommand } from './commands/validate.js';
import { versionCommand } from './commands/version.js';

const program = new Command('sre-monitor')
  .description('health checks, SLOs and error budgets, alerting and incidents in one service')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .addCommand(startCommand())
  .addCommand(validateCommand())
  .addCommand(sloCommand())
  .addCommand(rulesCommand())
  .addCommand(routeCommand())
  .addCommand(tokenCommand())
  .addCommand(versionCommand())
  .addCommand(demoTargetCommand())
  .addCommand(gateCommand());

await program.parseAsync(process.argv);
