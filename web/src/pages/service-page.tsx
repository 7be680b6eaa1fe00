import { api, listAll } from '../api';
import { BudgetBar, HealthScore, StatusBadge } from '../components/status';
import { ago, objective, percent } from '../format';
import { Link } from '../router';
import type { Alert, Incident, Monitor, OverviewItem, Service, Slo } from '../types';
import { families, useResource } from '../use-resource';
import { AlertRow } from './alerts-page';

interface ServiceData {
  service: Service;
  health: OverviewItem | undefined;
  monitors: Monitor[];
  slos: Slo[];
  alerts: Alert[];
  /** The service's ten latest incidents, open or not. */
  incidents: Incident[];
}

const refreshOn = families('monitor', 'alert', 'slo', 'service', 'silence', 'breaker', 'incident');

async function loadService(name: string): Promise<ServiceData> {
  const encoded = encodeURIComponent(name);
  const filter = encodeURIComponent(`{service=${JSON.stringify(name)}}`);
  const [service, overview, monitors, slos, alerts, incidents] = await Promise.all([
    api<Service>(`/api/v1/services/${encoded}`),
    api<{ items: OverviewItem[] }>('/api/v1/overview'),
    listAll<Monitor>(`/api/v1/monitors?service=${encoded}`),
    listAll<Slo>(`/api/v1/slos?service=${encoded}`),
    api<{ items: Alert[] }>(`/api/v1/alerts?state=firing&filter=${filter}`),
    api<{ items: Incident[] }>(`/api/v1/incidents?service=${encoded}&limit=10`),
  ]);
  return { service, health: overview.items.find((item) => item.name === name), monitors, slos, alerts: alerts.items, incidents: incidents.items };
}

/** One service: its health, monitors, SLOs, alerts, dependencies and links. */
export function ServicePage({ name }: { name: string }) {
  const { data, error, reload } = useResource(() => loadService(name), `service:${name}`, refreshOn);
  if (error) return <section className="page"><h1>{name}</h1><p className="error" role="alert">{error}</p></section>;
  if (!data) return <section className="page"><h1>{name}</h1><p className="muted" role="status">Loading…</p></section>;
  const { service, health, monitors, slos, alerts, incidents } = data;
  return (
    <section className="page" aria-labelledby="service-title">
      <p className="crumbs"><Link to="/">Overview</Link> / service</p>
      <div className="title-row">
        <h1 id="service-title">{service.display_name}</h1>
        {health && <HealthScore score={health.health_score} />}
      </div>
      <p className="muted">
        <code>{service.name}</code> · {service.criticality} · team {service.team ?? '–'}
        {service.tags.length > 0 && <> · {service.tags.map((tag) => <span key={tag} className="tag">{tag}</span>)}</>}
      </p>
      <div className="grid-2">
        <div className="card">
          <h2>Dependencies</h2>
          {service.dependencies.length === 0 ? <p className="muted">None.</p> : (
            <ul className="plain">{service.dependencies.map((dep) => <li key={dep}><Link to={`/services/${encodeURIComponent(dep)}`}>{dep}</Link></li>)}</ul>
          )}
        </div>
        <div className="card">
          <h2>Links</h2>
          {Object.keys(service.links).length === 0 ? <p className="muted">None.</p> : (
            <ul className="plain">{Object.entries(service.links).map(([kind, url]) => <li key={kind}><a href={url} rel="noreferrer noopener" target="_blank">{kind}</a></li>)}</ul>
          )}
        </div>
      </div>

      <h2>Alerts firing</h2>
      {alerts.length === 0 ? <p className="muted">None.</p> : (
        <div className="table-wrap"><table className="table"><tbody>{alerts.map((alert) => <AlertRow key={alert.fingerprint} alert={alert} onChanged={reload} />)}</tbody></table></div>
      )}

      <h2>Incidents</h2>
      {incidents.length === 0 ? <p className="muted">None.</p> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Incident</th><th>Severity</th><th>Status</th><th>Started</th></tr></thead>
            <tbody>
              {incidents.map((incident) => (
                <tr key={incident.id}>
                  <td><Link to={`/incidents/${encodeURIComponent(incident.id)}`}>{incident.id}</Link> {incident.title}</td>
                  <td><span className={`badge severity-${incident.severity.toLowerCase()}`}>{incident.severity}</span></td>
                  <td>{incident.status}</td>
                  <td>{ago(incident.started_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Monitors</h2>
      {monitors.length === 0 ? <p className="muted">None.</p> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">Status</th><th scope="col">Monitor</th><th scope="col">Kind</th><th scope="col">Last check</th><th scope="col" className="hide-narrow">Message</th></tr></thead>
            <tbody>
              {monitors.map((monitor) => (
                <tr key={monitor.name} data-monitor={monitor.name}>
                  <td><StatusBadge status={monitor.status.status} /></td>
                  <td><Link to={`/monitors/${encodeURIComponent(monitor.name)}`}>{monitor.name}</Link></td>
                  <td>{monitor.kind}</td>
                  <td>{ago(monitor.status.last_check_at)}</td>
                  <td className="hide-narrow muted">{monitor.status.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>SLOs</h2>
      {slos.length === 0 ? <p className="muted">None.</p> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">SLO</th><th scope="col">Objective</th><th scope="col">SLI now</th><th scope="col">Budget left</th><th scope="col">Policy</th></tr></thead>
            <tbody>
              {slos.map((slo) => (
                <tr key={slo.name}>
                  <td><Link to={`/slos/${encodeURIComponent(slo.name)}`}>{slo.name}</Link></td>
                  <td>{objective(slo.objective)}</td>
                  <td>{percent(slo.status?.sli.ratio, 3)}</td>
                  <td><BudgetBar ratio={slo.status?.error_budget.remaining_ratio ?? null} /></td>
                  <td>{slo.status?.policy ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
