/**
 * The runbook routes on a real Fastify server (real auth with tokens in a real SQLite store,
 * problem+json errors) before the lead wires them into app.ts. Incidents come from the in-memory
 * ports of test/support/memory-incidents.ts until the incident service is merged; HTTP steps
 * call a real local server on 127.0.0.1.
 */
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseIncident } from '../../../test/support/incident-builder.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { createMemoryIncidents, type MemoryIncidents } from '../../../test/support/memory-incidents.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import { createAppMetrics } from '../../adapters/metrics/metrics-registry.js';
import { readRunbookDocument } from '../../core/runbooks/runbook-document.js';
import type { Runbook } from '../../core/runbooks/runbook.js';
import { cliActor } from '../../engine/actor.js';
import { createEventBus } from '../../engine/event-bus.js';
import { createRunbookService, type RunbookService } from '../../engine/runbooks/runbook-service.js';
import { createTokenService } from '../../engine/token-service.js';
import { registerAuth } from '../auth.js';
import { createErrorHandler } from '../problem.js';
import { validatorCompiler } from '../validator-compiler.js';
import { registerRunbookRoutes } from './runbooks.js';

const newStoreFile = useTestStoreFiles();
const servers = createLocalServers();
const incidentId = 'INC-2026-0101-001';

function runbook(document: Record<string, unknown>): Runbook {
  const result = readRunbookDocument(document, { source: 'config', description: 'Markdown body' });
  if (result.runbook === null) throw new Error(JSON.stringify(result.problems));
  return result.runbook;
}

describe('runbook routes', () => {
  let app: FastifyInstance;
  let service: RunbookService;
  let incidents: MemoryIncidents;
  let tokens: { viewer: string; responder: string };
  let received: Array<{ url: string; body: string }>;
  let base: string;

  beforeEach(async () => {
    received = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ url: request.url ?? '', body });
        response.writeHead(202).end('accepted');
      });
    });
    const statusPage = `http://${await servers.listen(receiver)}`;
    const store = await (await newStoreFile()).open();
    const timers = createManualTimers(Date.UTC(2026, 0, 1, 10, 5));
    incidents = createMemoryIncidents(timers.clock);
    incidents.add(baseIncident());
    const runbooks = [
      runbook({
        name: 'service-outage',
        title: 'Service outage',
        match: { severities: ['P1'], labels: ['type="outage"'] },
        steps: ['Confirm the outage of {{ $incident.service }}', { title: 'Status page', http: { method: 'POST', url: `${statusPage}/incidents`, headers: { 'content-type': 'text/plain', authorization: 'Bearer s3cret' }, body: 'down: {{ $incident.title }}' } }],
      }),
      runbook({ name: 'restart', title: 'Restart', match: { services: ['checkout'] }, steps: [{ title: 'Restart the service', command: { argv: ['/usr/bin/systemctl', 'restart', '{{ $incident.service }}'] } }] }),
      runbook({ name: 'security', title: 'Security', match: { labels: ['type="security"'] }, steps: ['Rotate credentials'] }),
    ];
    service = createRunbookService({
      runbooks: () => runbooks,
      allowCommands: () => [],
      incidents,
      timeline: incidents,
      runs: store.runbookRuns,
      status: { monitorStatus: () => Promise.resolve(null), sloStatus: () => Promise.resolve(null) },
      clock: timers.clock,
      timers,
      newId: () => 'run-1',
    });
    const tokenService = createTokenService({ store, clock: timers.clock });
    tokens = {
      viewer: (await tokenService.create('viewer', 'viewer', cliActor)).secret,
      responder: (await tokenService.create('oncall-bob', 'responder', cliActor)).secret,
    };
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setErrorHandler(createErrorHandler({ bodyLimitBytes: 1_000_000 }));
    registerAuth(app, {
      tokens: tokenService,
      clock: timers.clock,
      bus: createEventBus({ clock: timers.clock }),
      metrics: createAppMetrics({ version: 'test', store: 'sqlite', collectDefaults: false }),
      settings: () => ({ anonymousRole: null, lockout: { maxFailures: 100, windowMs: 60_000, blockMs: 60_000 } }),
    });
    registerRunbookRoutes(app, { runbooks: service, incidents });
    base = `http://${await servers.listen(app.server)}`;
    await app.ready();
  });

  afterEach(async () => {
    await service.stop();
    await app.close();
    await servers.closeAll();
  });

  const call = async (pathname: string, init: { token?: string; json?: unknown; method?: string } = {}) => {
    const response = await fetch(`${base}${pathname}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: { ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }), ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
  };

  it('lists runbooks with the open incidents they match, and one runbook with hidden secret headers', async () => {
    const list = await call('/api/v1/runbooks', { token: tokens.viewer });
    expect(list.status).toBe(200);
    expect((list.body.items as Array<Record<string, unknown>>).map((item) => [item.name, item.open_incidents, item.match])).toEqual([
      ['service-outage', [incidentId], { services: [], labels: ['type="outage"'], severities: ['P1'] }],
      ['restart', [incidentId], { services: ['checkout'], labels: [], severities: [] }],
      ['security', [], { services: [], labels: ['type="security"'], severities: [] }],
    ]);
    const matching = await call(`/api/v1/runbooks?incident=${incidentId}`, { token: tokens.viewer });
    expect((matching.body.items as Array<Record<string, unknown>>).map((item) => item.name)).toEqual(['service-outage', 'restart']);
    const one = await call('/api/v1/runbooks/service-outage', { token: tokens.viewer });
    expect(one.body).toMatchObject({ name: 'service-outage', description: 'Markdown body', steps: [{ index: 0, kind: 'checklist' }, { index: 1, kind: 'http', headers: { 'content-type': 'text/plain', authorization: '<hidden>' } }] });
    const missing = await call('/api/v1/runbooks/nope', { token: tokens.viewer });
    expect([missing.status, missing.type]).toEqual([404, 'application/problem+json; charset=utf-8']);
  });

  it('starts a run as a responder, confirms the checklist step and runs the HTTP action', async () => {
    const denied = await call(`/api/v1/incidents/${incidentId}/runbooks`, { token: tokens.viewer, json: { runbook: 'service-outage' } });
    expect(denied.status).toBe(403);

    const started = await call(`/api/v1/incidents/${incidentId}/runbooks`, { token: tokens.responder, json: { runbook: 'service-outage' } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ id: 'run-1', status: 'running', started_by: 'oncall-bob' });
    await service.idle();

    const early = await call(`/api/v1/incidents/${incidentId}/runbooks/run-1/steps/1/confirm`, { token: tokens.responder, json: {} });
    expect([early.status, early.body.detail]).toEqual([409, 'step 2 is not the step waiting for confirmation (step 1 is waiting_confirmation)']);

    const confirmed = await call(`/api/v1/incidents/${incidentId}/runbooks/run-1/steps/0/confirm`, { token: tokens.responder, json: { note: 'all regions' } });
    expect(confirmed.status).toBe(200);
    await service.idle();
    expect(received).toEqual([{ url: '/incidents', body: 'down: Checkout API down' }]);

    const runs = await call(`/api/v1/incidents/${incidentId}/runbooks`, { token: tokens.viewer });
    expect(runs.body.items).toMatchObject([
      {
        id: 'run-1',
        status: 'succeeded',
        steps: [
          { index: 0, title: 'Confirm the outage of checkout', status: 'succeeded', confirmed_by: 'oncall-bob', note: 'all regions' },
          { index: 1, status: 'succeeded', output: 'HTTP 202\naccepted' },
        ],
      },
    ]);
    expect(incidents.entries().map((entry) => entry.kind)).toEqual(['runbook_started', 'runbook_step', 'runbook_step', 'runbook_step', 'runbook_step', 'runbook_finished']);
  });

  it('dry run shows rendered steps and the refused command, and changes nothing', async () => {
    const dry = await call(`/api/v1/incidents/${incidentId}/runbooks`, { token: tokens.responder, json: { runbook: 'restart', dry_run: true } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, would_start: false, steps: [{ index: 0, argv: ['/usr/bin/systemctl', 'restart', 'checkout'] }] });
    expect((dry.body.steps as Array<{ action: string }>)[0]?.action).toMatch(/^refused: step 1 'Restart the service': \/usr\/bin\/systemctl is not on the command allow-list/);
    const runs = await call(`/api/v1/incidents/${incidentId}/runbooks`, { token: tokens.viewer });
    expect([runs.body.items, incidents.entries()]).toEqual([[], []]);
  });

  it.each([
    ['a command off the allow-list', incidentId, { runbook: 'restart' }, 400, 'steps[0].command.argv[0]'],
    ['an unknown incident', 'INC-2099-0101-001', { runbook: 'service-outage' }, 404, undefined],
    ['an unknown runbook', incidentId, { runbook: 'nope' }, 404, undefined],
    ['an unknown body field', incidentId, { runbook: 'restart', force: true }, 400, undefined],
  ])('refuses to start with %s as problem+json, timeline untouched', async (_name, id, json, status, field) => {
    const response = await call(`/api/v1/incidents/${id}/runbooks`, { token: tokens.responder, json });
    expect([response.status, response.type]).toEqual([status, 'application/problem+json; charset=utf-8']);
    if (field !== undefined) expect((response.body.errors as Array<{ field: string }>).map((error) => error.field)).toEqual([field]);
    expect(incidents.entries()).toEqual([]);
  });

  it('skips a checklist step and aborts a run as a responder', async () => {
    await call(`/api/v1/incidents/${incidentId}/runbooks`, { token: tokens.responder, json: { runbook: 'security' } });
    await service.idle();
    const viewerAbort = await call(`/api/v1/incidents/${incidentId}/runbooks/run-1/abort`, { token: tokens.viewer, json: {} });
    expect(viewerAbort.status).toBe(403);
    const aborted = await call(`/api/v1/incidents/${incidentId}/runbooks/run-1/abort`, { token: tokens.responder, json: { reason: 'false alarm' } });
    expect(aborted.body).toMatchObject({ status: 'aborted', reason: 'false alarm', steps: [{ status: 'waiting_confirmation' }] });
    const late = await call(`/api/v1/incidents/${incidentId}/runbooks/run-1/steps/0/confirm`, { token: tokens.responder, json: { skip: true } });
    expect([late.status, late.body.detail]).toEqual([409, 'run run-1 is aborted; cannot confirm step 1']);
    expect(incidents.entries().at(-1)?.message).toBe("runbook 'Security' aborted: false alarm");
  });

  it('answers 404 for runs of an unknown incident', async () => {
    const response = await call('/api/v1/incidents/INC-2099-0101-001/runbooks', { token: tokens.viewer });
    expect(response.status).toBe(404);
  });
});
