/**
 * The event file of `sre-monitor slo replay`: CSV with the header `timestamp,slo,good,total`
 * (any column order), one row per SLO and minute: `timestamp` is the Unix time in seconds of
 * the minute's end, good/total the events counted in that minute (decimals allowed). The whole file is checked
 * before anything is replayed, and every problem names its line and field.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface EventRow {
  /** 1-based line in the file. */
  line: number;
  /** Unix seconds of the minute end. */
  timestamp: number;
  slo: string;
  good: number;
  total: number;
}

export type EventsCsv = { ok: true; rows: EventRow[] } | { ok: false; problems: string[] };

export const eventColumns = ['timestamp', 'slo', 'good', 'total'] as const;
type Column = (typeof eventColumns)[number];

/** Problems beyond this many are summarised: a wrong file is usually wrong on every line. */
const maximumProblems = 20;

/** Parses and validates `text`; `display` names the file in messages, `knownSlos` are the config's SLO names. */
export function parseEventsCsv(text: string, display: string, knownSlos: ReadonlySet<string>): EventsCsv {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // With `info: true` each record comes as { record, info }; the typings only know string[][].
    records = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as unknown as typeof records;
  } catch (error) {
    const line = error instanceof CsvError && typeof error['lines'] === 'number' ? error['lines'] : 1;
    return { ok: false, problems: [`${display}:${line}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const header = records[0];
  if (header === undefined) return { ok: false, problems: [`${display}:1: the file is empty; it needs the header ${eventColumns.join(',')}`] };
  const columns = headerColumns(header.record, `${display}:${header.info.lines}`);
  if (!columns.ok) return { ok: false, problems: columns.problems };

  const problems: string[] = [];
  const rows: EventRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const at = `${display}:${info.lines}`;
    if (record.length !== header.record.length) {
      problems.push(`${at}: expected ${header.record.length} fields (${header.record.join(',')}), got ${record.length}`);
      continue;
    }
    const field = (name: Column): string => record[columns.index[name]] ?? '';
    const before = problems.length;
    const timestamp = plainNumber(field('timestamp'), 'timestamp', at, problems);
    const good = plainNumber(field('good'), 'good', at, problems);
    const total = plainNumber(field('total'), 'total', at, problems);
    const slo = field('slo');
    if (slo === '') problems.push(`${at}: slo: must name an SLO`);
    else if (!knownSlos.has(slo)) problems.push(`${at}: slo: unknown SLO '${slo}' (the config defines ${[...knownSlos].join(', ') || 'none'})`);
    if (timestamp !== null && timestamp % 60 !== 0) problems.push(`${at}: timestamp: must be the end of a minute (Unix seconds, a multiple of 60), got ${timestamp}`);
    if (good !== null && total !== null && good > total) problems.push(`${at}: good: ${good} is more than total (${total})`);
    if (problems.length === before && timestamp !== null && good !== null && total !== null) rows.push({ line: info.lines, timestamp, slo, good, total });
  }
  if (problems.length > maximumProblems) {
    return { ok: false, problems: [...problems.slice(0, maximumProblems), `... and ${problems.length - maximumProblems} more problems`] };
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

function headerColumns(header: string[], at: string): { ok: true; index: Record<Column, number> } | { ok: false; problems: string[] } {
  const names = header.map((name) => name.toLowerCase());
  const problems: string[] = [];
  const index = {} as Record<Column, number>;
  for (const column of eventColumns) {
    const found = names.indexOf(column);
    if (found < 0) problems.push(`${at}: missing column '${column}' (the header must be ${eventColumns.join(',')})`);
    else if (names.indexOf(column, found + 1) >= 0) problems.push(`${at}: column '${column}' appears twice`);
    index[column] = found;
  }
  for (const name of names) {
    if (!(eventColumns as readonly string[]).includes(name)) problems.push(`${at}: unknown column '${name}' (the header must be ${eventColumns.join(',')})`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, index };
}

/**
 * A timestamp in plain digits, or a count in plain decimal digits (`12` or `12.5`: PromQL
 * increases are fractional), or null after recording why not.
 */
function plainNumber(text: string, name: Column, at: string, problems: string[]): number | null {
  const pattern = name === 'timestamp' ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(text)) {
    const found = text === '' ? 'nothing' : `'${text.length > 30 ? `${text.slice(0, 27)}...` : text}'`;
    const what = name === 'timestamp' ? 'Unix seconds (a non-negative integer)' : 'a non-negative count like 12 or 12.5';
    problems.push(`${at}: ${name}: must be ${what}, got ${found}`);
    return null;
  }
  const value = Number(text);
  if (!(value <= Number.MAX_SAFE_INTEGER)) {
    problems.push(`${at}: ${name}: ${text} is too large`);
    return null;
  }
  return value;
}
