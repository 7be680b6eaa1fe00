/**
 * A deterministic corpus of Alertmanager routing trees and alerts for comparing
 * `sre-monitor route test` with `amtool config routes test`: nested routes, `continue`, regex and
 * negative matchers, empty values, `(?i)`, `[[:digit:]]`, legacy `match` / `match_re`, several
 * matchers in one entry (`a=1, b=2` and `{...}`), quoted values with spaces, commas, quotes and
 * backslashes. The same seed always gives the same corpus, so a failure can be replayed.
 */

export interface RouteNode {
  receiver?: string;
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  routes?: RouteNode[];
}

/** One alert: label name/value pairs in argument order (a later duplicate wins). */
export type LabelPairs = Array<[string, string]>;

export interface CorpusTree {
  root: RouteNode;
  alerts: LabelPairs[];
}

export const corpusReceivers = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];

const valuesByLabel: Record<string, string[]> = {
  alertname: ['HighLatency', 'DiskFull', 'highlatency', ''],
  service: ['api', 'web', 'db', 'API', 'Api', 'api-gateway', ''],
  team: ['sre', 'db', 'web', 'x, y', 'a "quoted" team', ''],
  severity: ['critical', 'warning', 'info', 'CRITICAL', 'page'],
  env: ['prod', 'staging', 'dev', '', 'prod '],
  zone: ['12', '007', 'eu-1', 'x9', ''],
  code: ['500', '503', '404', '5xx', '200'],
  instance: ['host:9100', 'host-1:9100', 'back\\slash', 'ü☃', 'line\nbreak'],
};
const labelNames = Object.keys(valuesByLabel);

const regexes = [
  '.*', '.+', '', '(?i)api', 'api|web', '[[:digit:]]+', '[[:alpha:]]+', '5..', '5[0-9]{2}', '(?i)(crit|warn).*',
  'prod|staging', '[a-z]+', 'x[[:digit:]]', 'host.*', '\\d+', '(?i)HIGH.*', '.*, .*', 'a)|(b', '(?i)prod\\s*', '0+7',
];

/** mulberry32: small, fast, good enough to spread cases. */
function createRandom(seed: number): { next(): number; int(n: number): number; chance(p: number): boolean; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (items) => items[int(items.length)]! };
}

type Random = ReturnType<typeof createRandom>;

/** A value in the matcher syntax: bare when nothing in it needs quoting, else quoted and escaped. */
export function matcherValue(value: string, random?: Random): string {
  const bareIsSafe = value !== '' && !/[,"\\\s{}]/.test(value);
  if (bareIsSafe && random?.chance(0.5) === true) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function matcherText(random: Random, values: Map<string, string[]>): string {
  const name = random.pick(labelNames);
  const type = random.pick(['=', '!=', '=~', '!~', '=~', '!='] as const);
  const value = type === '=' || type === '!=' ? random.pick(valuesByLabel[name]!) : random.pick(regexes);
  if (type === '=') values.set(name, [...(values.get(name) ?? []), value]);
  const space = random.chance(0.2) ? ' ' : '';
  return `${name}${space}${type}${space}${matcherValue(value, random)}`;
}

function matcherEntry(random: Random, values: Map<string, string[]>): string {
  const count = 1 + (random.chance(0.3) ? random.int(3) : 0);
  const matchers = Array.from({ length: count }, () => matcherText(random, values));
  const joined = matchers.join(random.pick([', ', ',']));
  if (random.chance(0.3)) return `{${joined}${random.chance(0.3) ? ',' : ''}}`;
  return joined;
}

function generateRoute(random: Random, depth: number, values: Map<string, string[]>): RouteNode {
  const route: RouteNode = {};
  if (random.chance(0.7)) route.receiver = random.pick(corpusReceivers);
  const style = random.int(5);
  if (style <= 1) route.matchers = Array.from({ length: 1 + random.int(2) }, () => matcherEntry(random, values));
  if (style === 2 || (style === 4 && random.chance(0.5))) {
    const name = random.pick(labelNames);
    const value = random.pick(valuesByLabel[name]!);
    route.match = { [name]: value };
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  if (style === 3 || style === 4) route.match_re = { [random.pick(labelNames)]: random.pick(regexes) };
  if (random.chance(0.5)) route.continue = true;
  if (random.chance(0.15)) route.group_by = random.chance(0.5) ? ['...'] : ['alertname', 'service'];
  if (random.chance(0.1)) route.group_wait = '10s';
  if (random.chance(0.1)) route.mute_time_intervals = ['weekends'];
  if (depth < 3 && random.chance(0.6 - depth * 0.15)) {
    route.routes = Array.from({ length: 1 + random.int(4) }, () => generateRoute(random, depth + 1, values));
  }
  return route;
}

function generateAlert(random: Random, values: Map<string, string[]>): LabelPairs {
  const pairs: LabelPairs = [];
  const count = 2 + random.int(6);
  for (let index = 0; index < count; index += 1) {
    const name = random.pick(labelNames);
    const seen = values.get(name);
    pairs.push([name, seen !== undefined && random.chance(0.7) ? random.pick(seen) : random.pick(valuesByLabel[name]!)]);
  }
  return pairs;
}

/** `trees` routing trees with `alertsPerTree` alerts each, from `seed`. */
export function generateCorpus(seed: number, trees: number, alertsPerTree: number): CorpusTree[] {
  const random = createRandom(seed);
  return Array.from({ length: trees }, () => {
    const values = new Map<string, string[]>();
    const root: RouteNode = { receiver: random.pick(corpusReceivers), routes: Array.from({ length: 1 + random.int(5) }, () => generateRoute(random, 1, values)) };
    if (random.chance(0.3)) root.group_by = ['alertname'];
    return { root, alerts: Array.from({ length: alertsPerTree }, () => generateAlert(random, values)) };
  });
}

function yamlLines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) return [`${indent}${JSON.stringify(value)}`];
    return value.flatMap((item) => {
      const [first, ...rest] = yamlLines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [`${indent}{}`];
  return entries.flatMap(([key, item]) => {
    if (typeof item === 'string' || typeof item === 'boolean') return [`${indent}${key}: ${JSON.stringify(item)}`];
    if (Array.isArray(item) && item.every((entry) => typeof entry === 'string')) return [`${indent}${key}: ${JSON.stringify(item)}`];
    return [`${indent}${key}:`, ...yamlLines(item, `${indent}  `)];
  });
}

/** An alertmanager.yml (block YAML, JSON-quoted scalars) with `root` as its routing tree. */
export function alertmanagerYaml(root: RouteNode, extraReceivers: readonly string[] = []): string {
  const config = {
    route: root,
    receivers: [...corpusReceivers, ...extraReceivers].map((name) => ({ name })),
    time_intervals: [{ name: 'weekends', time_intervals: [{ weekdays: ['saturday', 'sunday'] }] }],
  };
  return `${yamlLines(config, '').join('\n')}\n`;
}

/** Label arguments for amtool and `route test`: `name="value"` or bare `name=value`. */
export function labelArguments(alert: LabelPairs): string[] {
  return alert.map(([name, value]) => `${name}=${matcherValue(value)}`);
}

/** One `--labels-file` line: `{name="value", ...}`. */
export function labelsLine(alert: LabelPairs): string {
  return `{${alert.map(([name, value]) => `${name}=${matcherValue(value)}`).join(', ')}}`;
}
