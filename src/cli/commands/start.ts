/**
 * `sre-monitor start`: run the service until SIGTERM/SIGINT; SIGHUP reloads the config. On a
 * stop signal it stops accepting, lets in-flight requests finish, closes the store and exits 0,
 * or exits 1 if that takes longer than server.shutdown_timeout.
 */
import { Command, Option } from 'commander';
import { startApp, type RunningApp } from '../../app.js';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { startDemoTarget, type DemoTarget } from '../demo/demo-target.js';
import { version } from '../../version.js';
import { configOption, parsePort } from '../config-option.js';
import { reportCliError } from '../report-error.js';

interface StartOptions {
  config: string;
  port?: number;
  host?: string;
  data?: string;
  logLevel?: string;
  demoTarget?: number;
}

export function startCommand(): Command {
  return new Command('start')
    .description('run the sre-monitor service')
    .addOption(configOption())
    .addOption(new Option('-p, --port <port>', 'port to listen on (overrides server.port)').argParser(parsePort))
    .option('--host <host>', 'address to listen on (overrides server.host)')
    .option('--data <dir>', 'data directory (overrides server.data_dir)')
    .addOption(new Option('--log-level <level>', 'log level (overrides server.log_level)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']))
    .addOption(new Option('--demo-target <port>', 'also serve the demo target on 127.0.0.1:PORT (what examples/demo.yaml watches)').argParser(parsePort))
    .action(async (options: StartOptions) => {
      let app: RunningApp;
      let demo: DemoTarget | undefined;
      try {
        if (options.demoTarget !== undefined) {
          demo = await startDemoTarget({ port: options.demoTarget, latencyMs: 40, jitterMs: 30, failureRate: 0.01, clock: systemClock });
        }
        app = await startApp({
          configFile: options.config,
          overrides: { port: options.port, host: options.host, dataDir: options.data, logLevel: options.logLevel },
        });
      } catch (error) {
        await demo?.close();
        process.exitCode = reportCliError(error);
        return;
      }
      printBanner(app, options.config, demo);
      handleSignals(app, demo);
    });
}

function printBanner(app: RunningApp, configArgument: string, demo: DemoTarget | undefined): void {
  const loaded = app.config();
  const browsable = app.url.replace(/\/\/(127\.0\.0\.1|0\.0\.0\.0|\[::\]|\[::1\])(?=:)/, '//localhost');
  const viaNpm = process.env.npm_lifecycle_event === 'start';
  const cli = viaNpm ? 'npm run cli --' : 'sre-monitor';
  const lines = [
    `sre-monitor ${version} is running at ${browsable}`,
    `  config:    ${loaded.summary}`,
    `  store:     ${app.store.kind} ${app.store.location}`,
    `  API docs:  ${browsable}/docs   metrics: ${browsable}/metrics   events: ${browsable.replace('http', 'ws')}/ws`,
    `  admin token: ${cli} token create --role admin --name admin --config ${configArgument}`,
    ...(demo === undefined ? [] : [`  demo target: ${demo.url} (watched by the demo monitors)`]),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function handleSignals(app: RunningApp, demo: DemoTarget | undefined): void {
  const shutdownTimeoutMs = app.config().runtime.server.shutdownTimeoutMs;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.logger.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown took too long; exiting anyway');
      process.exit(1);
    }, shutdownTimeoutMs);
    force.unref();
    Promise.all([app.stop(), demo?.close()]).then(
      () => {
        app.logger.info('stopped');
        app.logger.flush();
        process.exitCode = 0;
      },
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    app.reload({ name: 'sighup', role: 'admin', requestId: null }).catch((error: unknown) => app.logger.error({ err: error }, 'reload failed'));
  });
}
