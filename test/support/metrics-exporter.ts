/**
 * A tiny Prometheus exporter for tests: `/metrics` in the text exposition format on 127.0.0.1 and
 * a free port, serving counters and gauges the test sets. Values change synchronously, so
 * several changes made in one tick land in the same scrape.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface MetricsExporter {
  /** `127.0.0.1:<port>`, for a scrape config's `targets`. */
  target: string;
  /** Declares a counter series at 0 (exporters initialise their series) or adds to it. */
  increment(name: string, labels?: Record<string, string>, by?: number): void;
  /** Declares or sets a gauge series. */
  set(name: string, labels: Record<string, string>, value: number): void;
  /** Scrapes served so far. */
  scrapes(): number;
  close(): Promise<void>;
}

interface Family {
  type: 'counter' | 'gauge';
  series: Map<string, number>;
}

export async function startMetricsExporter(): Promise<MetricsExporter> {
  const families = new Map<string, Family>();
  let scrapeCount = 0;
  const familyOf = (name: string, type: Family['type']): Family => {
    let family = families.get(name);
    if (family === undefined) {
      family = { type, series: new Map() };
      families.set(name, family);
    }
    if (family.type !== type) throw new Error(`${name} is a ${family.type}, not a ${type}`);
    return family;
  };

  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('not found\n');
      return;
    }
    scrapeCount += 1;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(exposition(families));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    target: `127.0.0.1:${port}`,
    increment(name, labels = {}, by = 0) {
      if (!(by >= 0)) throw new Error(`a counter only goes up (got ${by})`);
      const series = familyOf(name, 'counter').series;
      const key = seriesKey(labels);
      series.set(key, (series.get(key) ?? 0) + by);
    },
    set(name, labels, value) {
      familyOf(name, 'gauge').series.set(seriesKey(labels), value);
    },
    scrapes: () => scrapeCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `{code="200",job="x"}` with escaped values, labels sorted; empty for no labels. */
function seriesKey(labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function exposition(families: Map<string, Family>): string {
  const lines: string[] = [];
  for (const [name, family] of families) {
    lines.push(`# TYPE ${name} ${family.type}`);
    for (const [key, value] of family.series) lines.push(`${name}${key} ${formatValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
