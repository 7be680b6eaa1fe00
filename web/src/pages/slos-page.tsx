import { listAll } from '../api';
import { BudgetBar } from '../components/status';
import { burnRate, duration, objective, percent } from '../format';
import { Link } from '../router';
import type { Slo } from '../types';
import { families, useResource } from '../use-resource';

const refreshOn = families('slo');

export function windowText(window: Slo['window']): string {
  if (window === undefined) return '30d';
  return typeof window === 'string' ? duration(window) : `calendar ${window.calendar}`;
}

/** Every SLO: objective, SLI now, budget left, burn rate and policy; least budget first. */
export function SlosPage() {
  const { data, error } = useResource(() => listAll<Slo>('/api/v1/slos'), 'slos', refreshOn);
  const slos = [...(data ?? [])].sort((a, b) => (a.status?.error_budget.remaining_ratio ?? 2) - (b.status?.error_budget.remaining_ratio ?? 2) || a.name.localeCompare(b.name));
  return (
    <section className="page" aria-labelledby="slos-title">
      <h1 id="slos-title">SLOs</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {data && slos.length === 0 && <p className="muted">No SLOs yet: add some under <code>slos:</code> in the config file.</p>}
      {slos.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="slos-table">
            <thead>
              <tr>
                <th scope="col">SLO</th>
                <th scope="col">Objective</th>
                <th scope="col">SLI now</th>
                <th scope="col">Budget left</th>
                <th scope="col" className="hide-narrow">Burn 1h</th>
                <th scope="col">Policy</th>
                <th scope="col" className="hide-narrow">Alerts</th>
              </tr>
            </thead>
            <tbody>
              {slos.map((slo) => (
                <tr key={slo.name}>
                  <td>
                    <Link to={`/slos/${encodeURIComponent(slo.name)}`}>{slo.name}</Link>
                    <div className="muted small">{slo.service} · {windowText(slo.window)}</div>
                  </td>
                  <td>{objective(slo.objective)}</td>
                  <td>{percent(slo.status?.sli.ratio, 3)}</td>
                  <td><BudgetBar ratio={slo.status?.error_budget.remaining_ratio ?? null} label={slo.name} /></td>
                  <td className="hide-narrow">{burnRate(slo.status?.burn_rates['1h']?.burn_rate)}</td>
                  <td><span className={`badge policy-${slo.status?.policy ?? 'none'}`}>{slo.status?.policy ?? 'not evaluated'}</span></td>
                  <td className="hide-narrow">{alertSummary(slo)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function alertSummary(slo: Slo): string {
  const alerts = slo.status?.alerts;
  if (!alerts) return '–';
  const active = (['page', 'ticket'] as const).filter((severity) => alerts[severity].state !== 'inactive').map((severity) => `${severity} ${alerts[severity].state}`);
  return active.length === 0 ? 'none' : active.join(', ');
}
