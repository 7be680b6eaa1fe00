/** The `--config` option shared by every command that needs the config file. */
import { Option } from 'commander';

export const defaultConfigFile = 'sre-monitor.yaml';

export function configOption(): Option {
  return new Option('-c, --config <file>', 'configuration file').env('SRE_MONITOR_CONFIG').default(defaultConfigFile);
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got '${value}'`);
  return port;
}
