import { useState } from 'react';
import { api } from '../api';
import { ago } from '../format';
import { useSession } from '../session';
import type { RunbookRun, RunbookSummary } from '../types';
import { useAction } from '../use-action';
import { families, useResource } from '../use-resource';

interface DryRun {
  runbook: string;
  would_start: boolean;
  problems: Array<{ field: string; message: string }>;
  steps: Array<{ index: number; title: string; action: string }>;
}

interface RunbooksData {
  matching: RunbookSummary[];
  runs: RunbookRun[];
}

const refreshOn = families('incident');

/** Runbooks matching the incident (start, dry run) and its runs with the step waiting for a person. */
export function IncidentRunbooks({ incidentId }: { incidentId: string }) {
  const { canAct } = useSession();
  const id = encodeURIComponent(incidentId);
  const load = async (): Promise<RunbooksData> => {
    const [matching, runs] = await Promise.all([
      api<{ items: RunbookSummary[] }>(`/api/v1/runbooks?incident=${id}`),
      api<{ items: RunbookRun[] }>(`/api/v1/incidents/${id}/runbooks`),
    ]);
    return { matching: matching.items, runs: runs.items };
  };
  const { data, reload } = useResource(load, `runbooks ${incidentId}`, refreshOn);
  const action = useAction(reload);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const start = (runbook: string, dry: boolean) => {
    if (dry) {
      action.run(() => api<DryRun>(`/api/v1/incidents/${id}/runbooks`, { method: 'POST', body: { runbook, dry_run: true } }).then(setDryRun));
    } else {
      action.run(() => api(`/api/v1/incidents/${id}/runbooks`, { method: 'POST', body: { runbook, dry_run: false } }), () => setDryRun(null));
    }
  };
  const confirm = (run: RunbookRun, index: number, skip: boolean) =>
    action.run(() => api(`/api/v1/incidents/${id}/runbooks/${encodeURIComponent(run.id)}/steps/${index}/confirm`, { method: 'POST', body: { skip } }));
  if (!data) return null;
  const unfinished = new Set(data.runs.filter((run) => run.status === 'running' || run.status === 'waiting_confirmation').map((run) => run.runbook));
  return (
    <section aria-labelledby="runbooks-title">
      <h2 id="runbooks-title">Runbooks</h2>
      {action.error && <p className="error" role="alert">{action.error}</p>}
      {data.matching.length === 0 ? <p className="muted">No runbook matches this incident.</p> : (
        <div className="card"><ul className="plain">
          {data.matching.map((runbook) => (
            <li key={runbook.name} data-runbook={runbook.name}>
              <strong>{runbook.title}</strong> <span className="muted small">{runbook.name} · {runbook.step_count} steps{runbook.estimated_minutes !== null && ` · ~${runbook.estimated_minutes} min`}</span>{' '}
              {canAct && (
                <>
                  <button type="button" disabled={action.busy || unfinished.has(runbook.name)} onClick={() => start(runbook.name, false)}>Start</button>
                  <button type="button" className="ghost" disabled={action.busy} onClick={() => start(runbook.name, true)}>Dry run</button>
                </>
              )}
            </li>
          ))}
        </ul></div>
      )}
      {dryRun && (
        <div className="card" data-testid="dry-run">
          <div className="title-row"><strong>Dry run of {dryRun.runbook}</strong> <span className="muted small">{dryRun.would_start ? 'would start' : 'would not start'}</span><button type="button" className="ghost" onClick={() => setDryRun(null)}>Close</button></div>
          {dryRun.problems.map((problem) => <p key={problem.field} className="error">{problem.field}: {problem.message}</p>)}
          <ol>{dryRun.steps.map((step) => <li key={step.index}>{step.title} <span className="muted small">{step.action}</span></li>)}</ol>
        </div>
      )}
      {data.runs.map((run) => (
        <div key={run.id} className="card" data-run={run.id}>
          <div className="title-row">
            <strong>{run.runbook_title}</strong>
            <span className={`badge run-${run.status}`}>{run.status.replace(/_/g, ' ')}</span>
            <span className="muted small">started by {run.started_by} {ago(run.started_at)}</span>
          </div>
          {run.reason && <p className="muted small">{run.reason}</p>}
          <ol className="steps">
            {run.steps.map((step) => (
              <li key={step.index} data-step-status={step.status}>
                <span className={`badge run-${step.status}`}>{step.status.replace(/_/g, ' ')}</span> {step.title}
                {step.confirmed_by && <span className="muted small"> · {step.confirmed_by}</span>}
                {step.note && <span className="muted small"> · {step.note}</span>}
                {canAct && step.status === 'waiting_confirmation' && (
                  <>
                    {' '}<button type="button" className="primary" disabled={action.busy} onClick={() => confirm(run, step.index, false)}>Confirm</button>
                    <button type="button" disabled={action.busy} onClick={() => confirm(run, step.index, true)}>Skip</button>
                  </>
                )}
                {step.output && <pre className="step-output">{step.output}</pre>}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
