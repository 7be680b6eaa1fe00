import { useMemo, useState } from 'react';
import { api } from '../api';
import { StatusBadge } from '../components/status';
import { TimeChart, type ChartSeries } from '../components/time-chart';
import { UptimeBar } from '../components/uptime-bar';
import { ago, millis, percent, time } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import type { Bucket, LiveEvent, Monitor, MonitorResult, UptimeWindow } from '../types';
import { useResource } from '../use-resource';

interface MonitorData {
  monitor: Monitor;
  uptime: { windows: Record<'24h' | '7d' | '30d' | '90d', UptimeWindow> };
  days: Bucket[];
  minutes: Bucket[];
  results: MonitorResult[];
  loadedAtMs: number;
}

const dayMs = 86_400_000;

async function loadMonitor(name: string): Promise<MonitorData> {
  const base = `/api/v1/monitors/${encodeURIComponent(name)}`;
  const nowMs = Date.now();
  const from90d = new Date(Math.floor(nowMs / dayMs) * dayMs - 89 * dayMs).toISOString();
  const [monitor, uptime, days, minutes, results] = await Promise.all([
    api<Monitor>(base),
    api<MonitorData['uptime']>(`${base}/uptime`),
    api<{ items: Bucket[] }>(`${base}/buckets?size=1h&from=${encodeURIComponent(from90d)}`),
    api<{ items: Bucket[] }>(`${base}/buckets?size=1m`),
    api<{ items: MonitorResult[] }>(`${base}/results?limit=12`),
  ]);
  return { monitor, uptime, days: days.items, minutes: minutes.items, results: results.items, loadedAtMs: nowMs };
}

/** One monitor: status, 90-day bar, latency percentiles, recent results, breaker, actions. */
export function MonitorPage({ name }: { name: string }) {
  const refreshOn = (event: LiveEvent) => (event.type.startsWith('monitor.') || event.type.startsWith('breaker.')) && event.data.monitor === name;
  const { data, error, reload } = useResource(() => loadMonitor(name), `monitor:${name}`, refreshOn);
  if (error && !data) return <section className="page"><h1>{name}</h1><p className="error" role="alert">{error}</p></section>;
  if (!data) return <section className="page"><h1>{name}</h1><p className="muted" role="status">Loading…</p></section>;
  const { monitor, uptime } = data;
  return (
    <section className="page" aria-labelledby="monitor-title">
      <p className="crumbs"><Link to="/monitors">Monitors</Link> / <Link to={`/services/${encodeURIComponent(monitor.service)}`}>{monitor.service}</Link></p>
      <div className="title-row">
        <h1 id="monitor-title">{monitor.name}</h1>
        <span data-testid="monitor-status"><StatusBadge status={monitor.status.status} /></span>
      </div>
      <p className="muted">
        {monitor.kind} every {monitor.interval} · since {time(monitor.status.since)} · {monitor.status.message || 'no message'}
        {monitor.next_check_at && <> · next check {ago(monitor.next_check_at)}</>}
      </p>
      <MonitorActions monitor={monitor} onDone={reload} />

      <div className="card">
        <h2>Uptime, last 90 days</h2>
        <UptimeBar buckets={data.days} nowMs={data.loadedAtMs} />
        <div className="uptime-windows">
          {(['24h', '7d', '30d', '90d'] as const).map((window) => (
            <div key={window}>
              <div className="stat-value small-value">{percent(uptime.windows[window].uptime, 3)}</div>
              <div className="muted small">{window} · p95 {millis(uptime.windows[window].latency_p95_ms)}</div>
            </div>
          ))}
        </div>
      </div>

      <div className="card">
        <LatencyChart buckets={data.minutes} nowMs={data.loadedAtMs} />
      </div>

      <div className="grid-2">
        <div className="card">
          <h2>Circuit breaker</h2>
          <BreakerState monitor={monitor} onDone={reload} />
        </div>
        <div className="card">
          <h2>Recent results</h2>
          <ul className="plain results">
            {data.results.map((result) => (
              <li key={result.at}>
                <StatusBadge status={result.status} /> <span className="mono">{millis(result.latency_ms)}</span> <span className="muted small">{ago(result.at)}</span>
                {result.message && <div className="muted small ellipsis" title={result.message}>{result.message}</div>}
              </li>
            ))}
            {data.results.length === 0 && <li className="muted">No results in the last 24 hours.</li>}
          </ul>
        </div>
      </div>
    </section>
  );
}

function LatencyChart({ buckets, nowMs }: { buckets: Bucket[]; nowMs: number }) {
  const xRange = useMemo<[number, number]>(() => [nowMs / 1000 - 86_400, nowMs / 1000], [nowMs]);
  const { times, series } = useMemo(() => {
    const chartSeries: ChartSeries[] = [
      { label: 'p50', color: '--chart-1', values: buckets.map((b) => b.latency_p50_ms) },
      { label: 'p95', color: '--chart-2', values: buckets.map((b) => b.latency_p95_ms) },
      { label: 'p99', color: '--chart-3', values: buckets.map((b) => b.latency_p99_ms), dash: [4, 3] },
    ];
    return { times: buckets.map((b) => Date.parse(b.end) / 1000), series: chartSeries };
  }, [buckets]);
  if (buckets.length === 0) return <><h2>Latency</h2><p className="muted">No checks in the last 24 hours.</p></>;
  return <TimeChart title="Latency percentiles per minute, last 24 hours" times={times} series={series} yLabel="ms" formatY={formatMs} xRange={xRange} />;
}

const formatMs = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(1)}s` : `${Math.round(value)}`);

function useAction(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (path: string) => {
    setBusy(true);
    setError(null);
    api(path, { method: 'POST' }).then(
      () => {
        setBusy(false);
        onDone();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  };
  return { busy, error, run };
}

function MonitorActions({ monitor, onDone }: { monitor: Monitor; onDone: () => void }) {
  const { canAct } = useSession();
  const { busy, error, run } = useAction(onDone);
  if (!canAct) return null;
  const base = `/api/v1/monitors/${encodeURIComponent(monitor.name)}`;
  return (
    <div className="actions">
      {monitor.paused
        ? <button type="button" className="primary" disabled={busy} onClick={() => run(`${base}/resume`)}>Resume</button>
        : <button type="button" disabled={busy} onClick={() => run(`${base}/pause`)}>Pause</button>}
      {monitor.kind !== 'heartbeat' && <button type="button" disabled={busy || monitor.paused} onClick={() => run(`${base}/check`)}>Run now</button>}
      {error && <span className="error" role="alert">{error}</span>}
    </div>
  );
}

function BreakerState({ monitor, onDone }: { monitor: Monitor; onDone: () => void }) {
  const { canAct } = useSession();
  const { busy, error, run } = useAction(onDone);
  const breaker = monitor.breaker;
  if (!breaker) return <p className="muted">No circuit breaker on this monitor.</p>;
  return (
    <>
      <p><span className={`badge breaker-${breaker.state}`}>{breaker.state.replace('_', '-')}</span> since {ago(breaker.changed_at)}</p>
      <dl className="facts">
        <dt>Failures in a row</dt><dd>{breaker.consecutive_failures} of {breaker.failure_threshold}</dd>
        <dt>Open for</dt><dd>{millis(breaker.open_duration_ms)}</dd>
        {breaker.next_trial_at && <><dt>Next trial</dt><dd>{ago(breaker.next_trial_at)}</dd></>}
      </dl>
      {canAct && breaker.state !== 'closed' && <button type="button" disabled={busy} onClick={() => run(`/api/v1/breakers/${encodeURIComponent(monitor.name)}/reset`)}>Reset breaker</button>}
      {error && <p className="error" role="alert">{error}</p>}
    </>
  );
}
