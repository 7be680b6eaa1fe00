/**
 * `sre-monitor slo`: offline SLO tools. `slo replay --config FILE --events FILE.csv` replays
 * recorded minute counts through the server's SLO evaluation (no server, no store) and prints
 * one JSON line per alert transition: {"t":<unix s>,"slo":"..","severity":"page"|"ticket","state":"firing"|"resolved"}.
 * A bad file prints its problems (line and field) and nothing else, and exits 1.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { parseDurationMs } from '../../core/duration.js';
import { configOption } from '../config-option.js';
import { reportCliError } from '../report-error.js';
import { replaySlos } from '../slo-replay/replay.js';

interface ReplayFlags {
  config: string;
  events: string;
  step: string;
  from?: string;
  to?: string;
}

export function sloCommand(): Command {
  return new Command('slo').description('offline SLO tools').addCommand(replayCommand());
}

function replayCommand(): Command {
  return new Command('replay')
    .description('replay minute counts from a CSV file (timestamp,slo,good,total) and print the burn-rate alert transitions as JSON lines')
    .addOption(configOption())
    .requiredOption('-e, --events <file>', 'CSV file: timestamp (Unix seconds of the minute end),slo,good,total')
    .addOption(new Option('--step <duration>', 'evaluation step, whole minutes, aligned to the epoch').default('1m'))
    .option('--from <time>', 'first evaluation time: Unix seconds or RFC 3339 (default: the first timestamp)')
    .option('--to <time>', 'last evaluation time: Unix seconds or RFC 3339 (default: the last timestamp)')
    .action(async (flags: ReplayFlags) => {
      try {
        process.exitCode = await replay(flags);
      } catch (error) {
        process.exitCode = reportCliError(error);
      }
    });
}

async function replay(flags: ReplayFlags): Promise<number> {
  const stepMs = parseDurationMs(flags.step);
  if (stepMs === undefined || stepMs < 60_000 || stepMs % 60_000 !== 0) return fail(`--step must be a whole number of minutes like 1m or 5m, got '${flags.step}'`);
  const fromMs = flags.from === undefined ? undefined : parseTime(flags.from);
  const toMs = flags.to === undefined ? undefined : parseTime(flags.to);
  if (fromMs === null) return fail(`--from must be Unix seconds or an RFC 3339 time, got '${flags.from ?? ''}'`);
  if (toMs === null) return fail(`--to must be Unix seconds or an RFC 3339 time, got '${flags.to ?? ''}'`);

  const loaded = await loadConfig(flags.config);
  let text: string;
  try {
    text = await readFile(flags.events, 'utf8');
  } catch (error) {
    return fail(`cannot read ${flags.events}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const slos = loaded.runtime.slos;
  // The CSV parser is loaded here, not when `sre-monitor start` loads every command.
  const { parseEventsCsv } = await import('../slo-replay/events-csv.js');
  const events = parseEventsCsv(text, flags.events, new Set(slos.map((slo) => slo.name)));
  if (!events.ok) {
    process.stderr.write(events.problems.map((line) => `${line}\n`).join(''));
    return 1;
  }
  const transitions = replaySlos(slos, events.rows, { stepMs, ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) });
  process.stdout.write(transitions.map((transition) => `${JSON.stringify(transition)}\n`).join(''));
  return 0;
}

/** Unix seconds (digits) or an RFC 3339 time, in ms; null when it is neither. */
function parseTime(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

function fail(message: string): number {
  process.stderr.write(`error: ${message}\n`);
  return 1;
}
