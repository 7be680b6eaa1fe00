import { useMemo } from 'react';
import { api } from '../api';
import { BudgetBar } from '../components/status';
import { TimeChart, type ChartSeries } from '../components/time-chart';
import { burnRate, minutes, objective, percent, time } from '../format';
import { Link } from '../router';
import type { BurnRateCondition, LiveEvent, Slo, SloHistoryPoint } from '../types';
import { useResource } from '../use-resource';
import { windowText } from './slos-page';

interface History {
  from: string;
  to: string;
  start: SloHistoryPoint | null;
  points: SloHistoryPoint[];
}

const defaultConditions: Record<'page' | 'ticket', BurnRateCondition[]> = {
  page: [{ long: '1h', short: '5m', factor: 14.4 }, { long: '6h', short: '30m', factor: 6 }],
  ticket: [{ long: '1d', short: '2h', factor: 3 }, { long: '3d', short: '6h', factor: 1 }],
};

async function loadSloPage(name: string): Promise<{ slo: Slo; history: History }> {
  const encoded = encodeURIComponent(name);
  const [slo, history] = await Promise.all([api<Slo>(`/api/v1/slos/${encoded}`), api<History>(`/api/v1/slos/${encoded}/history`)]);
  return { slo, history };
}

/** One SLO: SLI and budget now, burn-down over the window, burn rate per alert window, policy. */
export function SloPage({ name }: { name: string }) {
  const refreshOn = (event: LiveEvent) => event.type.startsWith('slo.') && event.data.slo === name;
  const { data, error } = useResource(() => loadSloPage(name), `slo:${name}`, refreshOn);
  if (error && !data) return <section className="page"><h1>{name}</h1><p className="error" role="alert">{error}</p></section>;
  if (!data) return <section className="page"><h1>{name}</h1><p className="muted" role="status">Loading…</p></section>;
  const { slo, history } = data;
  const status = slo.status;
  return (
    <section className="page" aria-labelledby="slo-title">
      <p className="crumbs"><Link to="/slos">SLOs</Link> / <Link to={`/services/${encodeURIComponent(slo.service)}`}>{slo.service}</Link></p>
      <div className="title-row">
        <h1 id="slo-title">{slo.name}</h1>
        <span className={`badge policy-${status?.policy ?? 'none'}`}>{status?.policy ?? 'not evaluated'}</span>
      </div>
      {slo.description && <p className="muted">{slo.description}</p>}
      <div className="stats">
        <div className="card stat"><div className="stat-value">{objective(slo.objective)}</div><div className="stat-label">Objective</div><div className="muted small">over {windowText(slo.window)}</div></div>
        <div className="card stat"><div className="stat-value">{percent(status?.sli.ratio, 3)}</div><div className="stat-label">SLI now</div><div className="muted small">{status ? `${status.sli.good.toLocaleString()} good of ${status.sli.total.toLocaleString()}` : 'not evaluated yet'}</div></div>
        <div className="card stat">
          <div className="stat-value"><BudgetBar ratio={status?.error_budget.remaining_ratio ?? null} label="error budget" /></div>
          <div className="stat-label">Budget left</div>
          <div className="muted small">{status ? `${minutes(status.error_budget.remaining_minutes)} of ${minutes(status.error_budget.total_minutes)}${status.error_budget.exhaustion_at ? ` · spent by ${time(status.error_budget.exhaustion_at)} at this rate` : ''}` : '–'}</div>
        </div>
        <div className="card stat"><div className="stat-value">{status?.level ?? '–'}</div><div className="stat-label">Budget level</div><div className="muted small">evaluated {time(status?.evaluated_at)}</div></div>
      </div>
      <div className="card"><BurnDown history={history} /></div>
      {status && <BurnRates slo={slo} />}
    </section>
  );
}

function BurnDown({ history }: { history: History }) {
  // A young SLO has evaluations only at the end of its window: start the axis at the first one
  // then, or the chart is a blank window with a dot at the edge.
  const firstMs = history.start ? Date.parse(history.from) : Date.parse(history.points[0]?.at ?? history.from);
  const startMs = Math.max(Date.parse(history.from), firstMs - 60_000);
  const xRange = useMemo<[number, number]>(() => [startMs / 1000, Date.parse(history.to) / 1000], [startMs, history.to]);
  const { times, series } = useMemo(() => {
    const points = history.start ? [{ ...history.start, at: history.from }, ...history.points] : history.points;
    const chartSeries: ChartSeries[] = [
      { label: 'budget left', color: '--chart-1', values: points.map((p) => p.budget_remaining * 100) },
    ];
    return { times: points.map((p) => Date.parse(p.at) / 1000), series: chartSeries };
  }, [history]);
  if (times.length === 0) return <><h2>Error budget burn-down</h2><p className="muted">No evaluations kept yet.</p></>;
  const since = startMs > Date.parse(history.from) ? `since the first evaluation, ${time(new Date(startMs).toISOString())}` : `over the window, ${time(history.from)} – ${time(history.to)}`;
  return <TimeChart title={`Error budget left ${since}`} times={times} series={series} yLabel="% left" formatY={formatPercent} yRange={percentRange} xRange={xRange} />;
}

const formatPercent = (value: number) => `${Math.round(value)}%`;
const percentRange: [number, number] = [0, 100];

function BurnRates({ slo }: { slo: Slo }) {
  const status = slo.status;
  if (!status) return null;
  const alerting = slo.alerting;
  const rows = (['page', 'ticket'] as const).flatMap((severity) => {
    const configured = alerting === false ? false : alerting?.[severity];
    const conditions = configured === false ? [] : configured ?? defaultConditions[severity];
    return conditions.map((condition) => ({ severity, condition }));
  });
  return (
    <div className="grid-2">
      <div className="card">
        <h2>Burn rate per alert window</h2>
        {rows.length === 0 ? <p className="muted">Burn-rate alerts are off for this SLO.</p> : (
          <table className="table compact">
            <thead><tr><th scope="col">Alert</th><th scope="col">Long</th><th scope="col">Short</th><th scope="col">Threshold</th></tr></thead>
            <tbody>
              {rows.map(({ severity, condition }) => {
                const long = status.burn_rates[condition.long]?.burn_rate ?? null;
                const short = status.burn_rates[condition.short]?.burn_rate ?? null;
                const hot = long !== null && short !== null && long > condition.factor && short > condition.factor;
                return (
                  <tr key={`${severity}-${condition.long}-${condition.short}`} className={hot ? 'row-hot' : undefined}>
                    <td>{severity} <span className="muted small">({status.alerts[severity].state})</span></td>
                    <td>{condition.long}: {burnRate(long)}</td>
                    <td>{condition.short}: {burnRate(short)}</td>
                    <td>&gt; {condition.factor}×</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2>All windows</h2>
        <table className="table compact">
          <thead><tr><th scope="col">Window</th><th scope="col">Burn rate</th><th scope="col">Error ratio</th></tr></thead>
          <tbody>
            {Object.entries(status.burn_rates).map(([window, rate]) => (
              <tr key={window}><td>{window}</td><td>{burnRate(rate.burn_rate)}</td><td>{percent(rate.error_ratio, 3)}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
