import { createServer, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { baseIncident } from '../../../test/support/incident-builder.js';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import { createMemoryIncidents, type MemoryIncidents } from '../../../test/support/memory-incidents.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { readRunbookDocument } from '../../core/runbooks/runbook-document.js';
import type { Runbook } from '../../core/runbooks/runbook.js';
import type { Store } from '../../adapters/store/store.js';
import { createRunbookService, type RunbookService } from './runbook-service.js';

const newStoreFile = useTestStoreFiles();
const servers = createLocalServers();

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function startReceiver(status = 200): Promise<{ base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.writeHead(status, { 'content-type': 'application/json' }).end('{"id":"sp-1"}');
    });
  });
  return { base: `http://${await servers.listen(server)}`, received };
}

function runbook(document: Record<string, unknown>): Runbook {
  const result = readRunbookDocument({ name: 'outage', title: 'Outage', match: { severities: ['P1'] }, ...document }, { source: 'config' });
  if (result.runbook === null) throw new Error(JSON.stringify(result.problems));
  return result.runbook;
}

interface Harness {
  service: RunbookService;
  incidents: MemoryIncidents;
  timers: ManualTimers;
  store: Store;
  monitors: Map<string, string>;
}

const services: RunbookService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  await servers.closeAll();
});

async function harness(runbooks: Runbook[], options: { allow?: string[]; store?: Store; timers?: ManualTimers; incidents?: MemoryIncidents } = {}): Promise<Harness> {
  const timers = options.timers ?? createManualTimers(Date.UTC(2026, 0, 1, 10, 5));
  const incidents = options.incidents ?? createMemoryIncidents(timers.clock);
  if (options.incidents === undefined) incidents.add(baseIncident());
  const store = options.store ?? (await (await newStoreFile()).open());
  const monitors = new Map<string, string>([['checkout-http', 'down']]);
  let next = 0;
  const service = createRunbookService({
    runbooks: () => runbooks,
    allowCommands: () => options.allow ?? [],
    incidents,
    timeline: incidents,
    runs: store.runbookRuns,
    status: {
      monitorStatus: (name) => Promise.resolve(monitors.get(name) ?? null),
      sloStatus: (name) => Promise.resolve(name === 'checkout-availability' ? { sliRatio: 0.9995, budgetRemainingRatio: 0.4 } : null),
    },
    clock: timers.clock,
    timers,
    newId: () => `run-${++next}`,
  });
  services.push(service);
  return { service, incidents, timers, store, monitors };
}

const incidentId = 'INC-2026-0101-001';

describe('runbook service', () => {
  it('runs checklist, HTTP and wait steps in order and records each on the timeline', async () => {
    const receiver = await startReceiver();
    const { service, incidents, timers, monitors } = await harness([
      runbook({
        steps: [
          'Confirm the scope of {{ $incident.title }}',
          { title: 'Open a status page incident', http: { method: 'POST', url: `${receiver.base}/incidents/{{ $incident.id }}`, headers: { 'content-type': 'application/json' }, body: '{"name": {{ printf "%q" $incident.title }}, "team": "{{ $labels.team }}"}' } },
          { title: 'Checkout is back', wait_verify: { monitor: 'checkout-http', timeout: '10m', interval: '1m' } },
        ],
      }),
    ]);
    const started = await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    expect(started.dryRun).toBe(false);
    await service.idle();
    let [run] = await service.runs(incidentId);
    expect([run?.status, run?.stepStates[0]?.status]).toEqual(['waiting_confirmation', 'waiting_confirmation']);
    expect(receiver.received).toEqual([]);

    await service.confirm(incidentId, 'run-1', 0, { note: 'EU only', skip: false }, 'bob');
    await service.idle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ method: 'POST', url: `/incidents/${incidentId}`, body: '{"name": "Checkout API down", "team": "payments"}' });
    [run] = await service.runs(incidentId);
    expect(run?.stepStates[1]).toMatchObject({ status: 'succeeded', output: 'HTTP 200\n{"id":"sp-1"}' });
    expect(run?.stepStates[2]).toMatchObject({ status: 'running', output: 'monitor checkout-http is down' });

    await timers.advanceMs(60_000);
    await service.idle();
    monitors.set('checkout-http', 'up');
    await timers.advanceMs(60_000);
    await service.idle();
    [run] = await service.runs(incidentId);
    expect(run?.status).toBe('succeeded');
    expect(run?.stepStates[2]).toMatchObject({ status: 'succeeded', output: 'monitor checkout-http is up', finishedAtMs: Date.UTC(2026, 0, 1, 10, 7) });

    expect(incidents.entries().map((entry) => `${entry.kind} ${entry.actor}: ${entry.message}`)).toEqual([
      "runbook_started alice: runbook 'Outage' started (3 steps)",
      "runbook_step sre-monitor: step 1/3 'Confirm the scope of Checkout API down' waiting for confirmation",
      "runbook_step bob: step 1/3 'Confirm the scope of Checkout API down' confirmed by bob: EU only",
      "runbook_step sre-monitor: step 2/3 'Open a status page incident' started",
      "runbook_step sre-monitor: step 2/3 'Open a status page incident' succeeded: HTTP 200",
      "runbook_step sre-monitor: step 3/3 'Checkout is back' started",
      "runbook_step sre-monitor: step 3/3 'Checkout is back' succeeded: monitor checkout-http is up",
      "runbook_finished sre-monitor: runbook 'Outage' succeeded",
    ]);
    expect(incidents.entries()[4]?.data).toMatchObject({ run: 'run-1', runbook: 'outage', step: 2, status: 'succeeded', output: 'HTTP 200\n{"id":"sp-1"}' });
  });

  it('dry run shows rendered steps and refused commands and changes nothing', async () => {
    const receiver = await startReceiver();
    const { service, incidents, store } = await harness([
      runbook({ steps: [{ title: 'Notify', http: { method: 'POST', url: `${receiver.base}/x`, body: 'incident {{ $incident.id }}' } }, { title: 'Restart', command: { argv: ['/usr/bin/systemctl', 'restart', '{{ $incident.service }}'] } }] }),
    ]);
    const result = await service.start(incidentId, { runbook: 'outage', dryRun: true }, 'alice');
    if (!result.dryRun) throw new Error('expected a dry run');
    expect(result.plan.steps[0]).toMatchObject({ body: `incident ${incidentId}` });
    expect(result.plan.steps[1]).toMatchObject({ argv: ['/usr/bin/systemctl', 'restart', 'checkout'] });
    expect(result.plan.problems).toEqual([{ field: 'steps[1].command.argv[0]', message: expect.stringContaining("step 2 'Restart'") as unknown }]);
    await service.idle();
    expect([receiver.received, incidents.entries(), await store.runbookRuns.listByIncident(incidentId)]).toEqual([[], [], []]);
  });

  it('refuses to start a run with a command off the allow-list, before any step runs', async () => {
    const receiver = await startReceiver();
    const { service, incidents, store } = await harness([runbook({ steps: [{ title: 'Notify', http: { url: `${receiver.base}/x` } }, { title: 'Restart', command: { argv: ['/usr/bin/systemctl', 'restart', 'api'] } }] })], { allow: ['/usr/bin/true'] });
    const error = await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems[0]?.field).toBe('steps[1].command.argv[0]');
    await service.idle();
    expect([receiver.received, incidents.entries(), await store.runbookRuns.listByIncident(incidentId)]).toEqual([[], [], []]);
  });

  it('runs an allow-listed command without a shell and records its output', async () => {
    const node = process.execPath;
    const { service } = await harness([runbook({ steps: [{ title: 'Print', command: { argv: [node, '-e', 'console.log(process.argv[1])', '{{ $incident.id }}; rm -rf /'] } }] })], { allow: [node] });
    await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await service.idle();
    const [run] = await service.runs(incidentId);
    expect(run?.status).toBe('succeeded');
    expect(run?.stepStates[0]?.output).toBe(`exit 0\n${incidentId}; rm -rf /\n`);
  });

  it('fails the run when an allow-listed command exits non-zero, with its output', async () => {
    const node = process.execPath;
    const { service } = await harness([runbook({ steps: [{ title: 'Fail', command: { argv: [node, '-e', 'console.error("no such unit"); process.exit(3)'] } }] })], { allow: [node] });
    await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await service.idle();
    const [run] = await service.runs(incidentId);
    expect([run?.status, run?.stepStates[0]?.output]).toEqual(['failed', 'exit 3\nno such unit\n']);
  });

  it('keeps polling a wait_verify step after a restart, with its deadline from the original start', async () => {
    const file = await newStoreFile();
    const store = await file.open();
    const timers = createManualTimers(Date.UTC(2026, 0, 1, 10, 5));
    const books = [runbook({ steps: [{ title: 'Back up', wait_verify: { monitor: 'checkout-http', timeout: '5m', interval: '1m' } }] })];
    const first = await harness(books, { store, timers });
    await first.service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await timers.advanceMs(60_000);
    await first.service.stop();
    await store.close();

    const reopened = await file.open();
    const second = await harness(books, { store: reopened, timers, incidents: first.incidents });
    await second.service.resume();
    await second.service.idle();
    expect((await reopened.runbookRuns.get('run-1'))?.stepStates[0]?.status).toBe('running');
    await timers.advanceMs(180_000);
    await second.service.idle();
    expect((await reopened.runbookRuns.get('run-1'))?.status).toBe('running');
    await timers.advanceMs(60_000);
    await second.service.idle();
    const run = await reopened.runbookRuns.get('run-1');
    expect([run?.status, run?.finishedAtMs]).toEqual(['failed', Date.UTC(2026, 0, 1, 10, 10)]);
  });

  it.each([
    ['an unexpected status', 500, {}, 'HTTP 500 (expected 2xx)'],
    ['a status outside expect_status', 200, { expect_status: [201] }, 'HTTP 200 (expected 201)'],
  ])('fails the run on %s and leaves later steps pending', async (_name, status, extra, output) => {
    const receiver = await startReceiver(status);
    const { service, incidents } = await harness([runbook({ steps: [{ title: 'Call', http: { url: `${receiver.base}/x`, ...extra } }, 'Never reached'] })]);
    await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await service.idle();
    const [run] = await service.runs(incidentId);
    expect(run?.status).toBe('failed');
    expect(run?.reason).toBe(`step 1 'Call' failed: ${output}`);
    expect(run?.stepStates.map((state) => state.status)).toEqual(['failed', 'pending']);
    expect(incidents.entries().at(-1)?.message).toBe(`runbook 'Outage' failed: step 1 'Call' failed: ${output}`);
  });

  it('fails a wait at its timeout, not before', async () => {
    const { service, timers } = await harness([runbook({ steps: [{ title: 'Budget back', wait_verify: { slo: 'checkout-availability', condition: 'budget_remaining >= 0.5', timeout: '5m', interval: '1m' } }] })]);
    await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await timers.advanceMs(299_000);
    await service.idle();
    expect((await service.runs(incidentId))[0]?.status).toBe('running');
    await timers.advanceMs(1_000);
    await service.idle();
    const [run] = await service.runs(incidentId);
    expect(run?.status).toBe('failed');
    expect(run?.stepStates[0]?.output).toBe('timed out after 300s: SLO checkout-availability: budget_remaining = 0.4 (want budget_remaining >= 0.5)');
    expect(run?.finishedAtMs).toBe(Date.UTC(2026, 0, 1, 10, 10));
  });

  it('answers NotFound for an unknown incident or runbook and Conflict for a wrong confirmation', async () => {
    const { service } = await harness([runbook({ steps: ['One', 'Two'] })]);
    await expect(service.start('INC-2099-0101-001', { runbook: 'outage', dryRun: false }, 'alice')).rejects.toThrow(NotFoundError);
    await expect(service.start(incidentId, { runbook: 'nope', dryRun: true }, 'alice')).rejects.toThrow(NotFoundError);
    await service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await service.idle();
    await expect(service.confirm(incidentId, 'run-1', 1, { note: null, skip: false }, 'bob')).rejects.toThrow(ConflictError);
    await expect(service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice')).rejects.toThrow(ConflictError);
    await expect(service.confirm('INC-2099-0101-001', 'run-1', 0, { note: null, skip: false }, 'bob')).rejects.toThrow(NotFoundError);
    const skipped = await service.confirm(incidentId, 'run-1', 0, { note: null, skip: true }, 'bob');
    expect(skipped.stepStates[0]?.status).toBe('skipped');
    const aborted = await service.abort(incidentId, 'run-1', null, 'carol');
    expect([aborted.status, aborted.reason]).toEqual(['aborted', 'aborted by carol']);
    await expect(service.confirm(incidentId, 'run-1', 1, { note: null, skip: false }, 'bob')).rejects.toThrow(ConflictError);
  });

  it('lists runbooks with the open incidents they match, most specific first for an incident', async () => {
    const { service, incidents } = await harness([
      runbook({ steps: ['x'] }),
      runbook({ name: 'checkout-outage', match: { services: ['checkout'], severities: ['P1'], labels: ['type="outage"'] }, steps: ['x'] }),
      runbook({ name: 'security', match: { labels: ['type="security"'] }, steps: ['x'] }),
    ]);
    incidents.add(baseIncident({ id: 'INC-2026-0101-002', status: 'resolved', resolvedAtMs: Date.UTC(2026, 0, 1, 10, 3) }));
    expect((await service.list()).map((entry) => [entry.runbook.name, entry.openIncidents])).toEqual([
      ['outage', [incidentId]],
      ['checkout-outage', [incidentId]],
      ['security', []],
    ]);
    expect((await service.matching(incidentId)).map((entry) => entry.name)).toEqual(['checkout-outage', 'outage']);
  });

  it('after a restart resumes a run waiting for a person and fails one cut off mid-request', async () => {
    const receiver = await startReceiver();
    const file = await newStoreFile();
    const store = await file.open();
    const timers = createManualTimers(Date.UTC(2026, 0, 1, 10, 5));
    const first = await harness([runbook({ steps: ['Confirm', { title: 'Notify', http: { url: `${receiver.base}/x` } }] }), runbook({ name: 'notify', steps: [{ title: 'Notify', http: { method: 'POST', url: `${receiver.base}/y` } }] })], { store, timers });
    await first.service.start(incidentId, { runbook: 'outage', dryRun: false }, 'alice');
    await first.service.idle();
    // A run whose POST was in flight when the process died: stored as running step 1.
    const cut = await first.service.start(incidentId, { runbook: 'notify', dryRun: true }, 'alice');
    if (!cut.dryRun) throw new Error('expected a dry run');
    await store.runbookRuns.insert({
      id: 'run-cut', incidentId, runbook: 'notify', runbookTitle: 'Outage', steps: cut.plan.steps, status: 'running', currentStep: 0, startedBy: 'alice',
      stepStates: [{ status: 'running', startedAtMs: timers.clock.nowMs(), finishedAtMs: null, output: null, confirmedBy: null, note: null }],
      startedAtMs: timers.clock.nowMs(), updatedAtMs: timers.clock.nowMs(), finishedAtMs: null, reason: null,
    });
    await first.service.stop();
    await store.close();

    const reopened = await file.open();
    const second = await harness([], { store: reopened, timers, incidents: first.incidents });
    await second.service.resume();
    await second.service.idle();
    const cutRun = await reopened.runbookRuns.get('run-cut');
    expect([cutRun?.status, cutRun?.stepStates[0]?.status]).toEqual(['failed', 'failed']);
    expect(cutRun?.reason).toContain('was interrupted');
    expect(receiver.received).toEqual([]);

    await second.service.confirm(incidentId, 'run-1', 0, { note: null, skip: false }, 'bob');
    await second.service.idle();
    expect((await reopened.runbookRuns.get('run-1'))?.status).toBe('succeeded');
    expect(receiver.received.map((request) => request.url)).toEqual(['/x']);
  });
});
