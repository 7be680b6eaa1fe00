/**
 * `sre-monitor demo-target`: runs the demo target (src/cli/demo/demo-target.ts) on its own, e.g.
 * as the separate target process of `npm run bench -- monitors`. Prints its URL, then serves
 * until SIGTERM/SIGINT.
 */
import { Command, Option } from 'commander';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { parsePort } from '../config-option.js';
import { startDemoTarget } from '../demo/demo-target.js';

const nonNegative = (name: string) => (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a number >= 0, got ${JSON.stringify(value)}`);
  return parsed;
};

export function demoTargetCommand(): Command {
  return new Command('demo-target')
    .description('serve a demo HTTP target on 127.0.0.1 (for the demo and the monitors benchmark)')
    .addOption(new Option('-p, --port <port>', 'port (0 picks a free one)').argParser(parsePort).default(8081))
    .addOption(new Option('--latency <ms>', 'mean answer latency in ms').argParser(nonNegative('--latency')).default(0))
    .addOption(new Option('--jitter <ms>', 'latency varies by up to this much either way').argParser(nonNegative('--jitter')).default(0))
    .addOption(new Option('--failure-rate <ratio>', 'share of requests answered 500 (0-1)').argParser(nonNegative('--failure-rate')).default(0))
    .action(async (options: { port: number; latency: number; jitter: number; failureRate: number }) => {
      const target = await startDemoTarget({
        port: options.port,
        latencyMs: options.latency,
        jitterMs: options.jitter,
        failureRate: options.failureRate,
        clock: systemClock,
      });
      process.stdout.write(`demo target listening at ${target.url}\n`);
      const stop = (): void => {
        void target.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
