import type { ReactNode } from 'react';
import { api, takeEarly } from '../api';
import { BudgetBar, HealthScore } from '../components/status';
import { Link } from '../router';
import type { Incident, Overview, OverviewItem } from '../types';
import { families, useResource } from '../use-resource';

/** index.html starts this read early; keep the two in step. */
const overviewPath = '/api/v1/overview';
const refreshOn = families('monitor', 'alert', 'slo', 'service', 'silence', 'breaker');
const openIncidentsPath = '/api/v1/incidents?status=open&limit=500';

/** Every service, worst first: health score, monitors, firing alerts and the lowest SLO budget. */
export function OverviewPage() {
  const { data, error } = useResource(() => api<Overview>(overviewPath), 'overview', refreshOn, () => takeEarly<Overview>(overviewPath));
  // Read apart from the overview so the services table never waits for it.
  const incidents = useResource(() => api<{ items: Incident[]; next_cursor: string | null }>(openIncidentsPath), 'overview-incidents', families('incident'));
  const openIncidents = incidents.data?.items.length ?? 0;
  const moreIncidents = incidents.data?.next_cursor ? '+' : '';
  const items = data?.items ?? [];
  const down = items.reduce((sum, item) => sum + item.monitors.down, 0);
  // Every firing alert, not only the services' own: many carry no `service` label.
  const alerts = data?.alerts;
  const firing = alerts?.firing ?? 0;
  const monitors = items.reduce((sum, item) => sum + item.monitors.total, 0);
  const unhealthy = items.filter((item) => item.health_score < 90).length;
  return (
    <section className="page" aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {data && (
        <>
          <div className="stats">
            <Stat label="Services" value={items.length} detail={`${unhealthy} below 90`} tone={unhealthy > 0 ? 'warn' : 'good'} />
            <Stat label="Monitors down" value={down} detail={`of ${monitors}`} tone={down > 0 ? 'bad' : 'good'} />
            <Stat label="Alerts firing" value={firing} detail={<AlertsDetail alerts={alerts} />} tone={firing > 0 ? 'bad' : 'good'} />
            {incidents.data && <Stat label="Open incidents" value={`${openIncidents}${moreIncidents}`} detail={<Link to="/incidents">see incidents</Link>} tone={openIncidents > 0 ? 'bad' : 'good'} />}
          </div>
          <div className="table-wrap">
            <table className="table" data-testid="overview-table">
              <caption className="sr-only">Services, worst health first</caption>
              <thead>
                <tr>
                  <th scope="col">Health</th>
                  <th scope="col">Service</th>
                  <th scope="col">Monitors</th>
                  <th scope="col">Alerts</th>
                  <th scope="col">Lowest SLO budget</th>
                  <th scope="col" className="hide-narrow">Team</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.name} data-service={item.name}>
                    <td><HealthScore score={item.health_score} /></td>
                    <td>
                      <Link to={`/services/${encodeURIComponent(item.name)}`}>{item.display_name}</Link>
                      <div className="muted small">{item.criticality}{item.health_worst ? ` · worst: ${item.health_worst}` : ''}</div>
                    </td>
                    <td><MonitorCounts counts={item.monitors} /></td>
                    <td>
                      {item.alerts.firing > 0 ? <span className="badge status-down">{item.alerts.firing} firing</span> : <span className="muted">none</span>}
                      {item.alerts.suppressed > 0 && <span className="muted small"> +{item.alerts.suppressed} silenced</span>}
                    </td>
                    <td>
                      <BudgetBar ratio={item.lowest_budget_remaining_ratio} />
                      <div className="muted small">{item.slos.length} SLO{item.slos.length === 1 ? '' : 's'}</div>
                    </td>
                    <td className="hide-narrow">{item.team ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {items.length === 0 && <p className="muted">No services yet: add some under <code>services:</code> in the config file.</p>}
        </>
      )}
    </section>
  );
}

/** "not silenced", or how many of the firing alerts no service row shows, linking to the list. */
function AlertsDetail({ alerts }: { alerts: Overview['alerts'] | undefined }) {
  const outside = alerts?.without_service ?? 0;
  if (outside === 0) return <>not silenced</>;
  return <Link to="/alerts">{outside} not tied to a service</Link>;
}

function Stat(props: { label: string; value: number | string; detail: ReactNode; tone: string }) {
  return (
    <div className={`card stat tone-border-${props.tone}`}>
      <div className="stat-value">{props.value}</div>
      <div className="stat-label">{props.label}</div>
      <div className="muted small">{props.detail}</div>
    </div>
  );
}

export function MonitorCounts({ counts }: { counts: OverviewItem['monitors'] }) {
  if (counts.total === 0) return <span className="muted">none</span>;
  return (
    <span className="counts">
      <span className="status-text-up">{counts.up} up</span>
      {counts.degraded > 0 && <span className="status-text-degraded"> · {counts.degraded} degraded</span>}
      {counts.down > 0 && <span className="status-text-down"> · {counts.down} down</span>}
      {counts.paused + counts.pending + counts.maintenance > 0 && <span className="muted"> · {counts.paused + counts.pending + counts.maintenance} other</span>}
    </span>
  );
}
