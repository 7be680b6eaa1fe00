import { describe, expect, it } from 'vitest';
import { baseIncident } from '../../../test/support/incident-builder.js';
import { ConflictError } from '../errors.js';
import { readRunbookDocument } from './runbook-document.js';
import { planRunbook } from './runbook-plan.js';
import { abortRun, beginCurrentStep, confirmStep, finishCurrentStep, interruptRun, newRunbookRun, truncateOutput } from './runbook-run.js';
import type { Runbook } from './runbook.js';

function runbook(steps: unknown[]): Runbook {
  const result = readRunbookDocument({ name: 'r', title: 'R', steps }, { source: 'config' });
  if (result.runbook === null) throw new Error(JSON.stringify(result.problems));
  return result.runbook;
}

describe('planRunbook', () => {
  it('renders templates with the incident and its labels', () => {
    const plan = planRunbook(
      runbook([
        'Page {{ $incident.commander }} about {{ .Incident.id }} ({{ $labels.team }}{{ $labels.missing }})',
        { title: 'Status page', http: { method: 'POST', url: 'https://status.example.com/{{ $incident.service }}', headers: { 'X-Severity': '{{ $incident.severity | toLower }}' }, body: '{"title": {{ printf "%q" $incident.title }}, "at": "{{ $incident.started_at }}"}' } },
      ]),
      baseIncident(),
      [],
    );
    expect(plan.problems).toEqual([]);
    expect(plan.steps[0]).toMatchObject({ text: 'Page alice about INC-2026-0101-001 (payments)' });
    expect(plan.steps[1]).toMatchObject({
      url: 'https://status.example.com/checkout',
      headers: { 'X-Severity': 'p1' },
      body: '{"title": "Checkout API down", "at": "2026-01-01T10:00:00.000Z"}',
    });
  });

  it.each([
    ['empty allow-list', [], 'runbooks.allow_commands is empty'],
    ['other commands allowed', ['/usr/bin/true'], 'allowed: /usr/bin/true'],
  ])('refuses a command not on the allow-list (%s), naming the step', (_name, allow, message) => {
    const plan = planRunbook(runbook(['Look', { title: 'Restart', command: { argv: ['/usr/bin/systemctl', 'restart', '{{ $incident.service }}'] } }]), baseIncident(), allow);
    expect(plan.problems).toEqual([{ field: 'steps[1].command.argv[0]', message: expect.stringContaining("step 2 'Restart': /usr/bin/systemctl is not on the command allow-list") as unknown }]);
    expect(plan.problems[0]?.message).toContain(message);
    expect(plan.steps[1]).toMatchObject({ argv: ['/usr/bin/systemctl', 'restart', 'checkout'] });
  });

  it('allows a command listed exactly', () => {
    const plan = planRunbook(runbook([{ title: 'Restart', command: { argv: ['/usr/bin/systemctl', 'restart', 'x'] } }]), baseIncident(), ['/usr/bin/systemctl']);
    expect(plan.problems).toEqual([]);
  });
});

describe('run state machine', () => {
  const steps = planRunbook(runbook(['Confirm scope', { title: 'Ping', http: { url: 'https://x' } }]), baseIncident(), []).steps;
  const start = () => newRunbookRun({ id: 'run-1', incidentId: 'INC-1', runbook: 'r', runbookTitle: 'R', steps, startedBy: 'alice', nowMs: 1000 });

  it('waits at a checklist step, runs the automated one and succeeds', () => {
    let run = beginCurrentStep(start(), 1000);
    expect([run.status, run.stepStates[0]?.status]).toEqual(['waiting_confirmation', 'waiting_confirmation']);
    run = confirmStep(run, 0, { actor: 'bob', note: 'only EU', skip: false }, 2000);
    expect(run.stepStates[0]).toEqual({ status: 'succeeded', startedAtMs: 1000, finishedAtMs: 2000, output: null, confirmedBy: 'bob', note: 'only EU' });
    run = beginCurrentStep(run, 2000);
    expect([run.status, run.stepStates[1]?.status]).toEqual(['running', 'running']);
    run = finishCurrentStep(run, { ok: true, output: 'HTTP 200' }, 3000);
    expect([run.status, run.currentStep, run.finishedAtMs]).toEqual(['succeeded', 2, 3000]);
  });

  it('a failed step fails the run with a reason', () => {
    let run = confirmStep(beginCurrentStep(start(), 1000), 0, { actor: 'bob', note: null, skip: true }, 1500);
    expect(run.stepStates[0]?.status).toBe('skipped');
    run = finishCurrentStep(beginCurrentStep(run, 1500), { ok: false, output: 'HTTP 500\nbody' }, 1600);
    expect([run.status, run.reason]).toEqual(['failed', "step 2 'Ping' failed: HTTP 500"]);
  });

  it.each([
    ['confirming a step that is not current', (run: ReturnType<typeof start>) => confirmStep(beginCurrentStep(run, 1), 1, { actor: 'a', note: null, skip: false }, 2)],
    ['confirming a step that is not waiting', (run: ReturnType<typeof start>) => confirmStep(run, 0, { actor: 'a', note: null, skip: false }, 2)],
    ['finishing a checklist step as if automated', (run: ReturnType<typeof start>) => finishCurrentStep(beginCurrentStep(run, 1), { ok: true, output: '' }, 2)],
    ['aborting twice', (run: ReturnType<typeof start>) => abortRun(abortRun(run, 'x', 1), 'y', 2)],
  ])('%s is a conflict', (_name, move) => {
    expect(() => move(start())).toThrow(ConflictError);
  });

  it('an interrupted automated step fails the run instead of running again', () => {
    const running = beginCurrentStep(confirmStep(beginCurrentStep(start(), 1), 0, { actor: 'a', note: null, skip: false }, 2), 3);
    const interrupted = interruptRun(running, 'sre-monitor restarted while the step ran', 10);
    expect(interrupted.status).toBe('failed');
    expect(interrupted.stepStates[1]).toMatchObject({ status: 'failed', output: 'sre-monitor restarted while the step ran' });
    const waiting = beginCurrentStep(start(), 1);
    expect(interruptRun(waiting, 'restart', 10)).toBe(waiting);
  });

  it('truncates long output', () => {
    expect(truncateOutput('x'.repeat(2500))).toBe(`${'x'.repeat(2000)}... (500 more characters)`);
  });
});
