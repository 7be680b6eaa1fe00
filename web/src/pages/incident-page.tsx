import { Fragment, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ago, percent, time } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import type { IncidentDetail, IncidentRoles } from '../types';
import { useAction } from '../use-action';
import { families, useResource } from '../use-resource';
import { IncidentPostmortem } from './incident-postmortem';
import { IncidentRunbooks } from './incident-runbooks';

const refreshOn = families('incident');

const roleNames: Array<{ key: keyof Omit<IncidentRoles, 'subject_matter_experts'>; label: string }> = [
  { key: 'commander', label: 'Commander' },
  { key: 'primary_resolver', label: 'Primary resolver' },
  { key: 'communications_lead', label: 'Communications lead' },
];

/** One incident: header, responder actions, SLO impact, runbooks, postmortem and the live timeline. */
export function IncidentPage({ id }: { id: string }) {
  const path = `/api/v1/incidents/${encodeURIComponent(id)}`;
  const { data: incident, error, reload } = useResource(() => api<IncidentDetail>(path), `incident ${id}`, refreshOn);
  return (
    <section className="page" aria-labelledby="incident-title">
      <p className="crumbs"><Link to="/incidents">Incidents</Link> / {id}</p>
      {error && <p className="error" role="alert">{error}</p>}
      {incident && (
        <>
          <div className="title-row">
            <h1 id="incident-title">{incident.title}</h1>
            <span className={`badge severity-${incident.severity.toLowerCase()}`}>{incident.severity}</span>
            <span className={`badge incident-${incident.status}`} data-testid="incident-status">{incident.status}</span>
          </div>
          <IncidentActions incident={incident} path={path} reload={reload} />
          <div className="grid-2">
            <IncidentFacts incident={incident} />
            <SloImpactCard incident={incident} />
          </div>
          <IncidentRunbooks incidentId={incident.id} />
          {incident.status === 'resolved' && <IncidentPostmortem incident={incident} reloadIncident={reload} />}
          <Timeline incident={incident} path={path} reload={reload} />
        </>
      )}
    </section>
  );
}

function IncidentFacts({ incident }: { incident: IncidentDetail }) {
  const { roles } = incident;
  return (
    <div className="card">
      <h2>Details</h2>
      <dl className="facts">
        <dt>Id</dt><dd><code>{incident.id}</code></dd>
        <dt>Started</dt><dd>{time(incident.started_at)} ({ago(incident.started_at)})</dd>
        <dt>Acknowledged</dt><dd>{incident.acknowledged_by ? `${incident.acknowledged_by}, ${ago(incident.acknowledged_at)}` : 'no'}</dd>
        {incident.resolved_at && <><dt>Resolved</dt><dd>{incident.resolved_by}, {ago(incident.resolved_at)}</dd></>}
        <dt>Services</dt><dd>{incident.services.length === 0 ? '–' : incident.services.map((name) => <Link key={name} className="tag" to={`/services/${encodeURIComponent(name)}`}>{name}</Link>)}</dd>
        {roleNames.map(({ key, label }) => <Fragment key={key}><dt>{label}</dt><dd>{roles[key] ?? '–'}</dd></Fragment>)}
        <dt>Experts</dt><dd>{roles.subject_matter_experts.join(', ') || '–'}</dd>
        <dt>Alerts</dt><dd>{incident.alerts.length === 0 ? '–' : incident.alerts.map((fingerprint) => <Link key={fingerprint} className="tag" to="/alerts"><code>{fingerprint}</code></Link>)}</dd>
        {incident.customer_impact && <><dt>Customer impact</dt><dd>{incident.customer_impact}</dd></>}
      </dl>
      {incident.description && <p>{incident.description}</p>}
    </div>
  );
}

function SloImpactCard({ incident }: { incident: IncidentDetail }) {
  return (
    <div className="card">
      <h2>SLO impact</h2>
      {incident.slo_impact.length === 0 ? <p className="muted">No linked SLO.</p> : (
        <table className="table">
          <thead><tr><th scope="col">SLO</th><th scope="col">Budget at start</th><th scope="col">{incident.resolved_at ? 'At resolution' : 'Now'}</th><th scope="col">Burned</th></tr></thead>
          <tbody>
            {incident.slo_impact.map((item) => (
              <tr key={item.slo}>
                <td><Link to={`/slos/${encodeURIComponent(item.slo)}`}>{item.slo}</Link></td>
                <td>{percent(item.budget_remaining_at_start, 1)}</td>
                <td>{percent(item.budget_remaining_at_end, 1)}</td>
                <td>{percent(item.budget_burned_ratio, 1)}{item.budget_burned_minutes !== null && <span className="muted small"> ({item.budget_burned_minutes.toFixed(1)} min)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function IncidentActions({ incident, path, reload }: { incident: IncidentDetail; path: string; reload: () => void }) {
  const { canAct } = useSession();
  const action = useAction(reload);
  const [showRoles, setShowRoles] = useState(false);
  if (!canAct) return null;
  const post = (suffix: string, body: unknown = {}) => action.run(() => api(`${path}${suffix}`, { method: 'POST', body }));
  const setStatus = (status: string) => action.run(() => api(path, { method: 'PATCH', body: { status } }));
  const open = incident.status !== 'resolved';
  return (
    <>
      <div className="actions" role="group" aria-label="Incident actions">
        {open && !incident.acknowledged_at && <button type="button" className="primary" disabled={action.busy} onClick={() => post('/acknowledge')}>Acknowledge</button>}
        {open && incident.status === 'investigating' && <button type="button" disabled={action.busy} onClick={() => setStatus('identified')}>Mark identified</button>}
        {open && incident.status !== 'monitoring' && <button type="button" disabled={action.busy} onClick={() => setStatus('monitoring')}>Mark monitoring</button>}
        {open && <button type="button" disabled={action.busy} onClick={() => post('/resolve')}>Resolve</button>}
        {!open && <button type="button" disabled={action.busy} onClick={() => post('/reopen')}>Reopen</button>}
        <button type="button" className="ghost" aria-expanded={showRoles} onClick={() => setShowRoles(!showRoles)}>Set roles…</button>
      </div>
      {action.error && <p className="error" role="alert">{action.error}</p>}
      {showRoles && <RolesForm incident={incident} path={path} onSaved={() => { setShowRoles(false); reload(); }} />}
    </>
  );
}

function RolesForm({ incident, path, onSaved }: { incident: IncidentDetail; path: string; onSaved: () => void }) {
  const [roles, setRoles] = useState({
    commander: incident.roles.commander ?? '',
    primary_resolver: incident.roles.primary_resolver ?? '',
    communications_lead: incident.roles.communications_lead ?? '',
  });
  const [experts, setExperts] = useState(incident.roles.subject_matter_experts.join(', '));
  const action = useAction(onSaved);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      commander: roles.commander.trim() || null,
      primary_resolver: roles.primary_resolver.trim() || null,
      communications_lead: roles.communications_lead.trim() || null,
      subject_matter_experts: experts.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    };
    action.run(() => api(`${path}/roles`, { method: 'POST', body }));
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label="Roles">
      {roleNames.map(({ key, label }) => (
        <label key={key}>{label}<input value={roles[key]} onChange={(e) => setRoles({ ...roles, [key]: e.target.value })} /></label>
      ))}
      <label>Experts<input value={experts} onChange={(e) => setExperts(e.target.value)} placeholder="dba, network" /></label>
      <button type="submit" className="primary" disabled={action.busy}>Save roles</button>
      {action.error && <p className="error" role="alert">{action.error}</p>}
    </form>
  );
}

function Timeline({ incident, path, reload }: { incident: IncidentDetail; path: string; reload: () => void }) {
  const { canAct } = useSession();
  const [text, setText] = useState('');
  const action = useAction(reload);
  const send = (kind: 'note' | 'update') => {
    if (text.trim() === '') return;
    const request = kind === 'note'
      ? () => api(`${path}/notes`, { method: 'POST', body: { text } })
      : () => api(`${path}/updates`, { method: 'POST', body: { message: text } });
    action.run(request, () => setText(''));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send('note');
  };
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline" data-testid="timeline">
        {incident.timeline.map((entry) => (
          <li key={entry.id} data-kind={entry.kind}>
            <span className="muted small nowrap" title={entry.at}>{time(entry.at)}</span>
            <span className="tag">{entry.kind.replace(/_/g, ' ')}</span>
            <strong className="ellipsis" title={entry.actor}>{entry.actor}</strong>
            <span className="timeline-message">{entry.message}</span>
          </li>
        ))}
      </ol>
      {canAct && (
        <form className="card note-form" onSubmit={submit} aria-label="Add to timeline">
          <label className="sr-only" htmlFor="timeline-text">Note or status update</label>
          <textarea id="timeline-text" rows={2} value={text} onChange={(e) => setText(e.target.value)} placeholder="What happened, what you tried, what comes next" />
          <div className="row">
            <button type="submit" disabled={action.busy || text.trim() === ''}>Add note</button>
            <button type="button" disabled={action.busy || text.trim() === ''} onClick={() => send('update')}>Post status update</button>
          </div>
          {action.error && <p className="error" role="alert">{action.error}</p>}
        </form>
      )}
    </section>
  );
}
