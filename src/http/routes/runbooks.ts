/**
 * Runbooks over HTTP: `/api/v1/runbooks` lists the loaded runbooks with the open incidents each
 * matches; `/api/v1/incidents/:id/runbooks` starts one on an incident (or shows a dry run),
 * lists its runs, and takes the confirmations of checklist steps. Step indexes in paths and
 * bodies are 0-based, like the `steps[i]` of field paths; timeline messages say "step 1/5".
 *
 * Header values of HTTP steps are shown only for harmless headers: the rest may carry tokens.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { formatMatcher } from '../../core/alerting/label-matcher.js';
import type { RunbookPlan } from '../../core/runbooks/runbook-plan.js';
import type { RunbookRun } from '../../core/runbooks/runbook-run.js';
import type { Runbook, RunbookStep } from '../../core/runbooks/runbook.js';
import type { IncidentReader } from '../../engine/incidents/incident-ports.js';
import type { RunbookService } from '../../engine/runbooks/runbook-service.js';

export interface RunbookRouteDeps {
  runbooks: RunbookService;
  /** Kept in the signature so the lead can pass the incident service; the service already holds it. */
  incidents?: IncidentReader;
}

const shownHeaders = new Set(['content-type', 'accept', 'user-agent']);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function stepJson(step: RunbookStep): Record<string, unknown> {
  switch (step.kind) {
    case 'checklist':
      return { text: step.text };
    case 'http':
      return {
        method: step.method,
        url: step.url,
        headers: Object.fromEntries(Object.entries(step.headers).map(([name, value]) => [name, shownHeaders.has(name.toLowerCase()) ? value : '<hidden>'])),
        body: step.body,
        expect_status: step.expectStatus,
        timeout_ms: step.timeoutMs,
      };
    case 'wait_verify':
      return {
        ...(step.target.kind === 'monitor' ? { monitor: step.target.monitor } : { slo: step.target.slo, condition: `${step.target.measure} ${step.target.operator} ${step.target.threshold}` }),
        timeout_ms: step.timeoutMs,
        interval_ms: step.intervalMs,
      };
    case 'command':
      return { argv: step.argv, timeout_ms: step.timeoutMs };
  }
}

function runbookSummary(runbook: Runbook) {
  return {
    name: runbook.name,
    title: runbook.title,
    source: runbook.source,
    estimated_minutes: runbook.estimatedMs === null ? null : Math.round(runbook.estimatedMs / 60_000),
    match: { services: runbook.match.services, labels: runbook.match.labels.map(formatMatcher), severities: runbook.match.severities },
    step_count: runbook.steps.length,
  };
}

function runbookJson(runbook: Runbook) {
  return { ...runbookSummary(runbook), description: runbook.description, steps: runbook.steps.map((step, index) => ({ index, kind: step.kind, title: step.title, ...stepJson(step) })) };
}

export function runbookRunJson(run: RunbookRun) {
  return {
    id: run.id,
    incident_id: run.incidentId,
    runbook: run.runbook,
    runbook_title: run.runbookTitle,
    status: run.status,
    current_step: run.currentStep,
    started_by: run.startedBy,
    started_at: iso(run.startedAtMs),
    updated_at: iso(run.updatedAtMs),
    finished_at: iso(run.finishedAtMs),
    reason: run.reason,
    steps: run.steps.map((step, index) => {
      const state = run.stepStates[index];
      return {
        index,
        kind: step.kind,
        title: step.title,
        status: state?.status ?? 'pending',
        started_at: iso(state?.startedAtMs ?? null),
        finished_at: iso(state?.finishedAtMs ?? null),
        output: state?.output ?? null,
        confirmed_by: state?.confirmedBy ?? null,
        note: state?.note ?? null,
        ...stepJson(step),
      };
    }),
  };
}

function plannedAction(step: RunbookStep, refused: string | undefined): string {
  if (refused !== undefined) return `refused: ${refused}`;
  switch (step.kind) {
    case 'checklist':
      return 'wait for a person to confirm or skip';
    case 'http':
      return `send ${step.method} ${step.url}`;
    case 'wait_verify':
      return step.target.kind === 'monitor'
        ? `wait up to ${step.timeoutMs / 1000}s until monitor ${step.target.monitor} is up`
        : `wait up to ${step.timeoutMs / 1000}s until SLO ${step.target.slo} has ${step.target.measure} ${step.target.operator} ${step.target.threshold}`;
    case 'command':
      return `run ${step.argv.map((argument) => JSON.stringify(argument)).join(' ')}`;
  }
}

function dryRunJson(incidentId: string, plan: RunbookPlan) {
  return {
    dry_run: true,
    incident_id: incidentId,
    runbook: plan.runbook,
    would_start: plan.problems.length === 0,
    problems: plan.problems,
    steps: plan.steps.map((step, index) => {
      const refused = plan.problems.find((problem) => problem.field.startsWith(`steps[${index}].command`))?.message;
      return { index, kind: step.kind, title: step.title, action: plannedAction(step, refused), ...stepJson(step) };
    }),
  };
}

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });
const IncidentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const RunParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), run: Type.String({ minLength: 1, maxLength: 64 }) });
const StepParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  run: Type.String({ minLength: 1, maxLength: 64 }),
  index: Type.Integer({ minimum: 0, maximum: 1000, description: '0-based step index.' }),
});
const ListQuery = Type.Object({ incident: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only runbooks matching this incident, most specific first.' })) }, { additionalProperties: false });
const StartBody = Type.Object(
  {
    runbook: Type.String({ minLength: 1, maxLength: 100 }),
    dry_run: Type.Optional(Type.Boolean({ default: false, description: 'Show the resolved steps (rendered bodies, commands that would run or are refused) and change nothing.' })),
  },
  { additionalProperties: false },
);
const ConfirmBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    skip: Type.Optional(Type.Boolean({ default: false, description: 'Skip the step instead of confirming it.' })),
  },
  { additionalProperties: false },
);
const AbortBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });

export function registerRunbookRoutes(app: FastifyInstance, deps: RunbookRouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['runbooks'];
  const { runbooks } = deps;

  api.get('/api/v1/runbooks', { schema: { tags, summary: 'Runbooks, with the open incidents each matches', querystring: ListQuery } }, async (request) => {
    if (request.query.incident !== undefined) {
      const matching = await runbooks.matching(request.query.incident);
      return { items: matching.map((runbook) => ({ ...runbookSummary(runbook), open_incidents: [request.query.incident] })) };
    }
    const listing = await runbooks.list();
    return { items: listing.map((entry) => ({ ...runbookSummary(entry.runbook), open_incidents: entry.openIncidents })) };
  });

  api.get('/api/v1/runbooks/:name', { schema: { tags, summary: 'One runbook with its description and steps', params: NameParams } }, (request) =>
    Promise.resolve(runbookJson(runbooks.get(request.params.name))),
  );

  api.post(
    '/api/v1/incidents/:id/runbooks',
    { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Start a runbook on an incident (or a dry run)', params: IncidentParams, body: StartBody } },
    async (request, reply) => {
      const result = await runbooks.start(request.params.id, { runbook: request.body.runbook, dryRun: request.body.dry_run ?? false }, request.actor.name);
      if (result.dryRun) return reply.code(200).send(dryRunJson(request.params.id, result.plan));
      return reply.code(201).header('location', `/api/v1/incidents/${encodeURIComponent(request.params.id)}/runbooks/${result.run.id}`).send(runbookRunJson(result.run));
    },
  );

  api.get('/api/v1/incidents/:id/runbooks', { schema: { tags, summary: "An incident's runbook runs, oldest first", params: IncidentParams } }, async (request) => ({
    items: (await runbooks.runs(request.params.id)).map(runbookRunJson),
  }));

  api.get('/api/v1/incidents/:id/runbooks/:run', { schema: { tags, summary: 'One runbook run', params: RunParams } }, async (request) =>
    runbookRunJson(await runbooks.run(request.params.id, request.params.run)),
  );

  api.post(
    '/api/v1/incidents/:id/runbooks/:run/steps/:index/confirm',
    { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Confirm (or skip) the checklist step waiting for a person', params: StepParams, body: ConfirmBody } },
    async (request) => {
      const { body } = request;
      return runbookRunJson(await runbooks.confirm(request.params.id, request.params.run, request.params.index, { note: body.note ?? null, skip: body.skip ?? false }, request.actor.name));
    },
  );

  api.post(
    '/api/v1/incidents/:id/runbooks/:run/abort',
    { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Stop a run; later steps do not run', params: RunParams, body: AbortBody } },
    async (request) => runbookRunJson(await runbooks.abort(request.params.id, request.params.run, request.body.reason ?? null, request.actor.name)),
  );
}
