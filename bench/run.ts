/**
 * bench/: benchmarks, run as `npm run bench -- NAME [flags]`. Each benchmark is one module
 * exporting `run(args)`; this dispatcher only looks the name up in the registry below, so a new
 * benchmark is one file plus one registry line. Results are recorded in bench/README.md.
 */

/** What every benchmark module exports. Resolves with the process exit code. */
export interface BenchmarkModule {
  run(args: string[]): Promise<number>;
}

interface BenchmarkEntry {
  /** One line shown by `npm run bench` without a name. */
  description: string;
  load(): Promise<BenchmarkModule>;
}

// Lazy imports: listing the benchmarks or running one never loads the others.
const benchmarks: Record<string, BenchmarkEntry> = {
  http: {
    description: 'HTTP throughput, latency and memory of /health/live, /health/ready and the service list, on SQLite and PostgreSQL',
    load: () => import('./http.js'),
  },
  monitors: {
    description: '10,000 HTTP monitors at 10 s on SQLite and PostgreSQL against a local target: checks/s, lag, CPU, RSS, writes; a bare undici loop as reference',
    load: () => import('./monitors.js'),
  },
  alerts: {
    description: 'Alerting: 5,000 alerts/s on /api/v2/alerts through 100 routes and 50 silences, webhook fan-out, rule-to-webhook latency, RSS',
    load: () => import('./alerts.js'),
  },
  slo: {
    description: '10,000 SLOs: evaluation step, in-process and HTTP ingestion, RSS, restart with 30 days of counts, and Prometheus evaluating the same Sloth-style rules',
    load: () => import('./slo.js'),
  },
  dashboard: {
    description: 'Web dashboard in chromium: JavaScript shipped, overview time to content, 5,000-monitor list first render and scrolling',
    load: () => import('./dashboard.js'),
  },
};

function usage(): string {
  const names = Object.keys(benchmarks);
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${benchmarks[name]?.description ?? ''}`);
  return ['usage: npm run bench -- NAME [flags]   (NAME --help shows its flags)', '', 'benchmarks:', ...lines, ''].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  const entry = Object.hasOwn(benchmarks, name) ? benchmarks[name] : undefined;
  if (entry === undefined) {
    process.stderr.write(`unknown benchmark '${name}'; available: ${Object.keys(benchmarks).join(', ')}\n\n${usage()}`);
    return 2;
  }
  const benchmark = await entry.load();
  return benchmark.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
