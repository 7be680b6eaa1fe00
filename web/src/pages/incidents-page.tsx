import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ago } from '../format';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import type { Incident } from '../types';
import { families, useResource } from '../use-resource';

/** Seed 000's scale, shown until the configured one (`GET /api/v1/incidents/severities`) arrives. */
const defaultSeverities = ['P1', 'P2', 'P3', 'P4', 'P5'];

/** The configured severity names, most severe first. */
function useSeverities(): string[] {
  const { data } = useResource(() => api<{ items: Array<{ name: string }> }>('/api/v1/incidents/severities'), 'incident severities', () => false);
  return data?.items.map((level) => level.name) ?? defaultSeverities;
}
const statuses = [
  { value: 'open', label: 'Open' },
  { value: 'investigating', label: 'Investigating' },
  { value: 'identified', label: 'Identified' },
  { value: 'monitoring', label: 'Monitoring' },
  { value: 'resolved', label: 'Resolved' },
  { value: '', label: 'Any status' },
];
const pageSize = 50;
const refreshOn = families('incident');

interface Filters {
  status: string;
  severity: string;
  service: string;
}

interface IncidentPage {
  items: Incident[];
  next_cursor: string | null;
}

/** Open first, then newest first (the API already sorts by start, newest first). */
function sortIncidents(items: Incident[]): Incident[] {
  return [...items].sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved'));
}

function query(filters: Filters, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(pageSize) });
  if (filters.status) params.set('status', filters.status);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.service.trim()) params.set('service', filters.service.trim());
  if (cursor !== null) params.set('cursor', cursor);
  return `/api/v1/incidents?${params.toString()}`;
}

/** Incidents with filters and cursor pages; responders declare new ones. */
export function IncidentsPage() {
  const { canAct } = useSession();
  const severities = useSeverities();
  const [filters, setFilters] = useState<Filters>({ status: '', severity: '', service: '' });
  // Cursors of the pages before the current one, so "Newer" can step back.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const key = `incidents ${JSON.stringify(filters)} ${cursor ?? ''}`;
  const { data, error } = useResource(() => api<IncidentPage>(query(filters, cursor)), key, refreshOn);
  const setFilter = (name: keyof Filters, value: string) => {
    setFilters((current) => ({ ...current, [name]: value }));
    setCursors([null]);
  };
  return (
    <section className="page" aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {canAct && <DeclareIncident />}
      <div className="filters" role="group" aria-label="Filters">
        <label><span className="label-inline">Status</span>
          <select value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>
            {statuses.map((entry) => <option key={entry.value} value={entry.value}>{entry.label}</option>)}
          </select>
        </label>
        <label><span className="label-inline">Severity</span>
          <select value={filters.severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">Any</option>
            {severities.map((name) => <option key={name} value={name}>{name}</option>)}
          </select>
        </label>
        <label><span className="label-inline">Service</span>
          <input type="search" value={filters.service} onChange={(e) => setFilter('service', e.target.value)} placeholder="service name" />
        </label>
      </div>
      {data && (data.items.length === 0 ? <p className="muted">No incidents match.</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="incidents-table">
            <thead><tr><th scope="col">Severity</th><th scope="col">Incident</th><th scope="col">Status</th><th scope="col">Services</th><th scope="col">Started</th></tr></thead>
            <tbody>
              {sortIncidents(data.items).map((incident) => (
                <tr key={incident.id} data-incident={incident.id}>
                  <td><span className={`badge severity-${incident.severity.toLowerCase()}`}>{incident.severity}</span></td>
                  <td><Link to={`/incidents/${encodeURIComponent(incident.id)}`}><strong>{incident.title}</strong></Link><div className="muted small">{incident.id}</div></td>
                  <td><span className={`badge incident-${incident.status}`}>{incident.status}</span>{incident.acknowledged_by && incident.status !== 'resolved' && <div className="muted small">acked by {incident.acknowledged_by}</div>}</td>
                  <td>{incident.services.map((name) => <span key={name} className="tag">{name}</span>)}</td>
                  <td className="nowrap">{ago(incident.started_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <div className="actions">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors((list) => list.slice(0, -1))}>Newer</button>
        <button type="button" disabled={!data?.next_cursor} onClick={() => { const next = data?.next_cursor; if (next) setCursors((list) => [...list, next]); }}>Older</button>
      </div>
    </section>
  );
}

function DeclareIncident() {
  const severities = useSeverities();
  const [title, setTitle] = useState('');
  const [chosen, setSeverity] = useState<string | null>(null);
  // Until one is picked: the middle of the scale (P3 of P1..P5), as a reported incident usually is.
  const severity = chosen ?? severities[Math.floor((severities.length - 1) / 2)] ?? '';
  const [services, setServices] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const list = services.split(',').map((name) => name.trim()).filter((name) => name !== '');
    api<Incident>('/api/v1/incidents', { method: 'POST', body: { title, severity, services: list } }).then(
      (created) => { setBusy(false); navigate(`/incidents/${encodeURIComponent(created.id)}`); },
      (failure: unknown) => { setBusy(false); setError(failure instanceof Error ? failure.message : String(failure)); },
    );
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label="Declare incident">
      <label>Title<input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Checkout returns 500s" required /></label>
      <label>Severity
        <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
          {severities.map((name) => <option key={name} value={name}>{name}</option>)}
        </select>
      </label>
      <label>Services<input value={services} onChange={(e) => setServices(e.target.value)} placeholder="shop, payments" /></label>
      <button type="submit" className="primary" disabled={busy}>Declare incident</button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
