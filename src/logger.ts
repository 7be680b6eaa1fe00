/** pino logger: JSON lines for machines, pretty output only when a person watches a terminal. */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY;
  if (pretty) {
    return pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } }));
  }
  return pino({ level, base: { service: 'sre-monitor' } });
}
