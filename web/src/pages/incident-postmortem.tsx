import { useState, type FormEvent } from 'react';
import { api, ApiError, listAll } from '../api';
import { ago, time } from '../format';
import { useSession } from '../session';
import type { ActionItem, IncidentDetail, Postmortem } from '../types';
import { useAction } from '../use-action';
import { families, useResource } from '../use-resource';

const refreshOn = families('incident');
const itemStatuses: ActionItem['status'][] = ['open', 'in_progress', 'done', 'wont_do'];

/** A date-only due ("2026-12-07") is stored as the end of that UTC day, midnight after it: show the day. */
function dueText(dueAt: string): string {
  const ms = Date.parse(dueAt);
  if (ms % 86_400_000 === 0) return new Date(ms - 1).toISOString().slice(0, 10);
  return time(dueAt);
}

/** The postmortem of a resolved incident: draft, Markdown editor with versioned saves, publish, action items. */
export function IncidentPostmortem({ incident, reloadIncident }: { incident: IncidentDetail; reloadIncident: () => void }) {
  const { canAct } = useSession();
  const path = `/api/v1/incidents/${encodeURIComponent(incident.id)}/postmortem`;
  // Only ask for the document once the timeline says it exists: a 404 is not worth a request.
  const exists = incident.timeline.some((entry) => entry.kind === 'postmortem_created');
  const create = useAction(reloadIncident);
  return (
    <section aria-labelledby="postmortem-title">
      <h2 id="postmortem-title">Postmortem</h2>
      {!exists && (
        <div className="card">
          <p className="muted">No postmortem yet.</p>
          {canAct && <button type="button" className="primary" disabled={create.busy} onClick={() => create.run(() => api(path, { method: 'POST' }))}>Create draft</button>}
          {create.error && <p className="error" role="alert">{create.error}</p>}
        </div>
      )}
      {exists && <PostmortemEditor path={path} incidentId={incident.id} />}
      {exists && <ActionItems incidentId={incident.id} />}
    </section>
  );
}

function PostmortemEditor({ path, incidentId }: { path: string; incidentId: string }) {
  const { canAct } = useSession();
  const { data, reload } = useResource(() => api<Postmortem>(path), `postmortem ${incidentId}`, refreshOn);
  // What the person is editing and the version it started from; null while only reading.
  const [draft, setDraft] = useState<{ markdown: string; version: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction(reload);
  if (!data) return null;
  const save = () => {
    if (draft === null) return;
    setMessage(null);
    action.run(() => api<Postmortem>(path, { method: 'PUT', body: { markdown: draft.markdown, version: draft.version } }).then(
      (saved) => { setDraft(null); setMessage(`Saved version ${saved.version}.`); },
      (failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 409) {
          throw new Error('Someone saved a newer version while you were editing; nothing was saved. Copy your text, then "Discard and load latest".');
        }
        throw failure;
      },
    ));
  };
  const publish = () => action.run(() => api(`${path}/publish`, { method: 'POST', body: { version: data.version } }), () => setMessage('Published.'));
  const text = draft?.markdown ?? data.markdown;
  return (
    <div className="card postmortem" data-testid="postmortem">
      <div className="title-row">
        <span className={`badge postmortem-${data.status}`}>{data.status}</span>
        <span className="muted small">version {data.version} · {data.author} · updated {ago(data.updated_at)}</span>
        <a className="small" href={`${path}.md`} target="_blank" rel="noreferrer">Markdown export</a>
      </div>
      <label className="sr-only" htmlFor="postmortem-markdown">Postmortem (Markdown)</label>
      <textarea id="postmortem-markdown" className="markdown-editor" rows={18} value={text} readOnly={!canAct} onChange={(e) => setDraft({ markdown: e.target.value, version: draft?.version ?? data.version })} />
      {canAct && (
        <div className="row">
          <button type="button" className="primary" disabled={action.busy || draft === null} onClick={save}>Save</button>
          {draft !== null && <button type="button" className="ghost" onClick={() => { setDraft(null); action.setError(null); reload(); }}>Discard and load latest</button>}
          {data.status !== 'published' && <button type="button" disabled={action.busy || draft !== null} onClick={publish}>Publish</button>}
        </div>
      )}
      {message && !action.error && <p className="muted small" role="status">{message}</p>}
      {action.error && <p className="error" role="alert">{action.error}</p>}
    </div>
  );
}

function ActionItems({ incidentId }: { incidentId: string }) {
  const { canAct } = useSession();
  const path = `/api/v1/incidents/${encodeURIComponent(incidentId)}/action-items`;
  const { data, reload } = useResource(() => listAll<ActionItem>(path), `action-items ${incidentId}`, refreshOn);
  const action = useAction(reload);
  const setStatus = (item: ActionItem, status: string) => action.run(() => api(`/api/v1/action-items/${encodeURIComponent(item.id)}`, { method: 'PATCH', body: { status } }));
  return (
    <div aria-labelledby="action-items-title">
      <h3 id="action-items-title">Action items</h3>
      {action.error && <p className="error" role="alert">{action.error}</p>}
      {data && (data.length === 0 ? <p className="muted">No action items.</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="action-items">
            <thead><tr><th scope="col">Item</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Priority</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {data.map((item) => (
                <tr key={item.id} className={item.overdue ? 'row-hot' : undefined}>
                  <td>{item.title}</td>
                  <td>{item.owner}</td>
                  <td className="nowrap">{dueText(item.due_at)}{item.overdue && <span className="badge status-down"> overdue</span>}</td>
                  <td>{item.priority}</td>
                  <td>
                    {canAct ? (
                      <select aria-label={`Status of ${item.title}`} value={item.status} disabled={action.busy} onChange={(e) => setStatus(item, e.target.value)}>
                        {itemStatuses.map((status) => <option key={status} value={status}>{status.replace('_', ' ')}</option>)}
                      </select>
                    ) : item.status.replace('_', ' ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {canAct && <NewActionItem path={path} onCreated={reload} />}
    </div>
  );
}

function NewActionItem({ path, onCreated }: { path: string; onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [priority, setPriority] = useState('medium');
  const action = useAction(onCreated);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(() => api(path, { method: 'POST', body: { title, owner, due, priority } }), () => { setTitle(''); setDue(''); });
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label="New action item">
      <label>Title<input value={title} onChange={(e) => setTitle(e.target.value)} required /></label>
      <label>Owner<input value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="a configured person" required /></label>
      <label>Due<input type="date" value={due} onChange={(e) => setDue(e.target.value)} required /></label>
      <label>Priority
        <select value={priority} onChange={(e) => setPriority(e.target.value)}>
          {['high', 'medium', 'low'].map((value) => <option key={value} value={value}>{value}</option>)}
        </select>
      </label>
      <button type="submit">Add action item</button>
      {action.error && <p className="error" role="alert">{action.error}</p>}
    </form>
  );
}
