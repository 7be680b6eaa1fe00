import { useState, type FormEvent } from 'react';
import { api, listAll } from '../api';
import { ago, time } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import type { Alert, Silence, Slo } from '../types';
import { families, useResource } from '../use-resource';

type Tab = 'firing' | 'pending' | 'suppressed' | 'resolved';
const tabs: Array<{ id: Tab; label: string }> = [
  { id: 'firing', label: 'Firing' },
  { id: 'pending', label: 'Pending' },
  { id: 'suppressed', label: 'Silenced' },
  { id: 'resolved', label: 'Resolved' },
];

/** A pending alert: an SLO burn-rate alert or a rule's alert whose `for` has not passed yet. */
type PendingAlert =
  | { kind: 'slo'; key: string; slo: Slo; severity: 'page' | 'ticket' }
  | { kind: 'rule'; key: string; labels: Record<string, string>; summary: string | undefined; activeAt: string; forSeconds: number };

interface AlertsData {
  firing: Alert[];
  suppressed: Alert[];
  resolved: Alert[];
  pending: PendingAlert[];
}

/** The part of GET /api/v1/rules (Prometheus' shape) the pending tab reads. */
interface RulesAnswer {
  data: { groups: Array<{ rules: Array<{ duration: number; alerts: Array<{ state: string; labels: Record<string, string>; annotations: Record<string, string>; activeAt: string }> }> }> };
}

async function loadAlerts(): Promise<AlertsData> {
  const [firing, suppressed, resolved, slos, rules] = await Promise.all([
    api<{ items: Alert[] }>('/api/v1/alerts?state=firing'),
    api<{ items: Alert[] }>('/api/v1/alerts?state=suppressed'),
    api<{ items: Alert[] }>('/api/v1/alerts?state=resolved'),
    listAll<Slo>('/api/v1/slos'),
    api<RulesAnswer>('/api/v1/rules?type=alert'),
  ]);
  // Pending alerts are never sent to the pipeline, so the alert list starts at firing: SLO
  // burn-rate alerts are pending in their SLO's status, rule alerts in the rules' state.
  const pending: PendingAlert[] = [
    ...slos.flatMap((slo) => (['page', 'ticket'] as const).filter((severity) => slo.status?.alerts[severity].state === 'pending').map((severity): PendingAlert => ({ kind: 'slo', key: `slo/${slo.name}/${severity}`, slo, severity }))),
    ...rules.data.groups.flatMap((group) => group.rules).flatMap((rule) =>
      rule.alerts.filter((alert) => alert.state === 'pending').map((alert): PendingAlert => ({ kind: 'rule', key: `rule/${JSON.stringify(alert.labels)}`, labels: alert.labels, summary: alert.annotations.summary, activeAt: alert.activeAt, forSeconds: rule.duration })),
    ),
  ];
  return { firing: firing.items.filter((alert) => alert.state === 'firing'), suppressed: suppressed.items, resolved: resolved.items, pending };
}

const refreshOn = families('alert', 'silence', 'slo');

function PendingRow({ entry }: { entry: PendingAlert }) {
  if (entry.kind === 'slo') {
    return (
      <li className="card" data-pending="SLOBurnRate">
        <span className="badge status-pending">pending</span> <strong>SLOBurnRate</strong> {entry.severity} · <Link to={`/slos/${encodeURIComponent(entry.slo.name)}`}>{entry.slo.name}</Link> ({entry.slo.service})
      </li>
    );
  }
  const { alertname, ...labels } = entry.labels;
  const firesAtMs = Date.parse(entry.activeAt) + entry.forSeconds * 1000;
  return (
    <li className="card" data-pending={alertname}>
      <span className="badge status-pending">pending</span> <strong>{alertname}</strong>{' '}
      {Object.entries(labels).map(([name, value]) => <span key={name} className="tag">{name}={value}</span>)}
      <div className="muted small">active since {time(entry.activeAt)}; fires at {time(new Date(firesAtMs).toISOString())} if it still holds</div>
      {entry.summary && <div>{entry.summary}</div>}
    </li>
  );
}

/** Alerts by state with acknowledge, and silences with create and expire. */
export function AlertsPage() {
  const [tab, setTab] = useState<Tab>('firing');
  const { data, error, reload } = useResource(loadAlerts, 'alerts', refreshOn);
  const silences = useResource(() => api<{ items: Silence[] }>('/api/v1/silences'), 'silences', families('silence'));
  const [silenceDraft, setSilenceDraft] = useState('');
  const count = (id: Tab) => (data ? data[id].length : 0);
  return (
    <section className="page" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="tabs" role="tablist" aria-label="Alert states">
        {tabs.map((entry) => (
          <button key={entry.id} type="button" role="tab" id={`tab-${entry.id}`} aria-selected={tab === entry.id} aria-controls="alerts-panel" className={tab === entry.id ? 'tab active' : 'tab'} onClick={() => setTab(entry.id)}>
            {entry.label} <span className="count">{count(entry.id)}</span>
          </button>
        ))}
      </div>
      <div id="alerts-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {data && tab === 'pending' && (
          data.pending.length === 0 ? <p className="muted">No alert is pending.</p> : (
            <ul className="plain">
              {data.pending.map((entry) => <PendingRow key={entry.key} entry={entry} />)}
            </ul>
          )
        )}
        {data && tab !== 'pending' && (
          data[tab].length === 0 ? <p className="muted">No {tab === 'suppressed' ? 'silenced' : tab} alerts.</p> : (
            <div className="table-wrap">
              <table className="table" data-testid="alerts-table">
                <tbody>{data[tab].map((alert) => <AlertRow key={alert.fingerprint} alert={alert} onChanged={reload} onSilence={setSilenceDraft} />)}</tbody>
              </table>
            </div>
          )
        )}
      </div>
      <Silences silences={silences.data?.items ?? []} reload={silences.reload} draft={silenceDraft} />
    </section>
  );
}

function matchersFor(alert: Alert): string {
  const keep = ['alertname', 'service', 'slo', 'monitor'].filter((name) => alert.labels[name] !== undefined);
  return `{${keep.map((name) => `${name}=${JSON.stringify(alert.labels[name])}`).join(', ')}}`;
}

export function AlertRow({ alert, onChanged, onSilence }: { alert: Alert; onChanged: () => void; onSilence?: (matchers: string) => void }) {
  const { canAct } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const acknowledge = () => {
    setBusy(true);
    api(`/api/v1/alerts/${alert.fingerprint}/acknowledge`, { method: 'POST' }).then(
      () => { setBusy(false); onChanged(); },
      (failure: unknown) => { setBusy(false); setError(failure instanceof Error ? failure.message : String(failure)); },
    );
  };
  const severity = alert.labels.severity ?? 'none';
  const labels = Object.entries(alert.labels).filter(([name]) => name !== 'alertname' && name !== 'severity');
  return (
    <tr data-alert={alert.fingerprint}>
      <td><span className={`badge severity-${severity.toLowerCase()}`}>{severity}</span></td>
      <td>
        <strong>{alert.labels.alertname}</strong>
        {alert.annotations.summary && <div>{alert.annotations.summary}</div>}
        <div className="labels">{labels.map(([name, value]) => <span key={name} className="tag">{name}={value}</span>)}</div>
      </td>
      <td className="nowrap">
        <div>{alert.state === 'resolved' ? `resolved ${ago(alert.ends_at)}` : `since ${ago(alert.starts_at)}`}</div>
        <div className="muted small">{alert.source}</div>
      </td>
      <td className="nowrap">
        {alert.acknowledged_by ? <span className="muted small" data-testid="acknowledged">acked by {alert.acknowledged_by} {ago(alert.acknowledged_at)}</span> : null}
        {canAct && alert.state !== 'resolved' && !alert.acknowledged_by && <button type="button" disabled={busy} onClick={acknowledge}>Acknowledge</button>}
        {canAct && onSilence && alert.state === 'firing' && <button type="button" className="ghost" onClick={() => onSilence(matchersFor(alert))}>Silence…</button>}
        {error && <div className="error" role="alert">{error}</div>}
      </td>
    </tr>
  );
}

function Silences({ silences, reload, draft }: { silences: Silence[]; reload: () => void; draft: string }) {
  const { canAct } = useSession();
  const [showExpired, setShowExpired] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = silences.filter((silence) => showExpired || silence.state !== 'expired');
  const expire = (id: string) => {
    api(`/api/v1/silences/${encodeURIComponent(id)}`, { method: 'DELETE' }).then(reload, (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };
  return (
    <section aria-labelledby="silences-title">
      <div className="title-row">
        <h2 id="silences-title">Silences</h2>
        <label className="small"><input type="checkbox" checked={showExpired} onChange={(e) => setShowExpired(e.target.checked)} /> show expired</label>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {canAct && <NewSilence key={draft} initialMatchers={draft} onCreated={reload} />}
      {shown.length === 0 ? <p className="muted">No silences.</p> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">State</th><th scope="col">Matchers</th><th scope="col">Until</th><th scope="col">By</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {shown.map((silence) => (
                <tr key={silence.id}>
                  <td><span className={`badge silence-${silence.state}`}>{silence.state}</span></td>
                  <td><code>{silence.matchers.join(', ')}</code><div className="muted small">{silence.comment}</div></td>
                  <td className="nowrap">{time(silence.ends_at)}</td>
                  <td>{silence.created_by}</td>
                  <td>{canAct && silence.state !== 'expired' && <button type="button" className="ghost" onClick={() => expire(silence.id)}>Expire</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewSilence({ initialMatchers, onCreated }: { initialMatchers: string; onCreated: () => void }) {
  const [matchers, setMatchers] = useState(initialMatchers);
  const [duration, setDuration] = useState('2h');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    api('/api/v1/silences', { method: 'POST', body: { matchers, duration, comment } }).then(
      () => { setMatchers(''); setComment(''); onCreated(); },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  };
  return (
    <form className="card silence-form" onSubmit={submit} aria-label="New silence">
      <label>Matchers<input value={matchers} onChange={(e) => setMatchers(e.target.value)} placeholder='{service="backend-api", severity=~"P3|P4"}' required /></label>
      <label>For
        <select value={duration} onChange={(e) => setDuration(e.target.value)}>
          {['30m', '1h', '2h', '4h', '12h', '1d', '7d'].map((value) => <option key={value} value={value}>{value}</option>)}
        </select>
      </label>
      <label>Comment<input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why, and a ticket" required /></label>
      <button type="submit" className="primary">Create silence</button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
