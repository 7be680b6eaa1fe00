import { describe, expect, it } from 'vitest';
import { readRunbookDocument, runbookFieldProblems } from './runbook-document.js';

const base = {
  name: 'api-failures',
  title: 'API failures',
  match: { services: ['checkout'], labels: ['team="payments"'], severities: ['P1', 'P2'] },
  steps: [
    'Check the error logs for patterns',
    { title: 'Open a status page incident', http: { method: 'post', url: 'https://status.example.com/api', headers: { 'X-Incident': '{{ $incident.id }}' }, body: '{"name": "{{ .Incident.title }}"}', expect_status: [200, 201], timeout: '5s' } },
    { title: 'Wait for the API', wait_verify: { monitor: 'checkout-http', timeout: '10m', interval: '30s' } },
    { title: 'Budget recovers', wait_verify: { slo: 'checkout-availability', condition: 'budget_remaining > 0.5' } },
    { title: 'Restart', command: { argv: ['/usr/bin/systemctl', 'restart', '{{ $incident.service }}'], timeout: '1m' } },
  ],
};

describe('readRunbookDocument', () => {
  it('reads every step kind with defaults and the Markdown body as description', () => {
    const result = readRunbookDocument(base, { source: 'runbooks/api.md', description: '# API failures' });
    expect(result.problems).toEqual([]);
    const runbook = result.runbook!;
    expect(runbook.description).toBe('# API failures');
    expect(runbook.match.labels.map((matcher) => [matcher.name, matcher.type, matcher.value])).toEqual([['team', '=', 'payments']]);
    expect(runbook.steps.map((step) => step.kind)).toEqual(['checklist', 'http', 'wait_verify', 'wait_verify', 'command']);
    expect(runbook.steps[0]).toEqual({ kind: 'checklist', title: 'Check the error logs for patterns', text: 'Check the error logs for patterns' });
    expect(runbook.steps[1]).toMatchObject({ method: 'POST', expectStatus: [200, 201], timeoutMs: 5000 });
    expect(runbook.steps[2]).toMatchObject({ target: { kind: 'monitor', monitor: 'checkout-http' }, timeoutMs: 600_000, intervalMs: 30_000 });
    expect(runbook.steps[3]).toMatchObject({ target: { kind: 'slo', slo: 'checkout-availability', measure: 'budget_remaining', operator: '>', threshold: 0.5 } });
    expect(runbook.steps[4]).toMatchObject({ argv: ['/usr/bin/systemctl', 'restart', '{{ $incident.service }}'], timeoutMs: 60_000 });
  });

  it.each([
    ['unknown template variable', { steps: [{ title: 'x', http: { url: 'https://x/{{ $incident.nope }}' } }] }, 'steps[0].http.url', 'unknown variable $incident.nope'],
    ['undefined $ variable', { steps: [{ title: 'x', http: { url: 'https://x', body: '{{ $alert.id }}' } }] }, 'steps[0].http.body', 'undefined variable "$alert"'],
    ['unknown variable in a checklist line', { steps: ['Page {{ .Incident.owner }}'] }, 'steps[0]', 'unknown variable $incident.owner'],
    ['shell string command', { steps: [{ title: 'x', command: 'systemctl restart api' }] }, 'steps[0].command', 'a shell string is never run'],
    ['relative program', { steps: [{ title: 'x', command: { argv: ['systemctl'] } }] }, 'steps[0].command.argv[0]', 'absolute path'],
    ['two kinds in one step', { steps: [{ title: 'x', checklist: 'a', http: { url: 'https://x' } }] }, 'steps[0]', 'exactly one kind'],
    ['bad condition', { steps: [{ title: 'x', wait_verify: { slo: 's', condition: 'latency < 3' } }] }, 'steps[0].wait_verify.condition', 'must read like'],
    ['bad matcher', { match: { labels: ['team=~"("'] } }, 'match.labels[0]', ''],
    ['bad name', { name: 'API Failures' }, 'name', 'lowercase'],
    ['no steps', { steps: [] }, 'steps', 'non-empty'],
    ['unknown field', { owner: 'x' }, 'owner', 'unknown field'],
    ['bad timeout', { steps: [{ title: 'x', http: { url: 'https://x', timeout: 'soon' } }] }, 'steps[0].http.timeout', 'must be a duration'],
    ['bad url scheme', { steps: [{ title: 'x', http: { url: 'ftp://x' } }] }, 'steps[0].http.url', 'http://'],
  ])('%s is a problem naming its field', (_name, change, field, message) => {
    const result = readRunbookDocument({ ...base, ...change }, { source: 'config' });
    expect(result.runbook).toBeNull();
    const problems = runbookFieldProblems(result.problems, '');
    expect(problems.map((problem) => problem.field)).toContain(field);
    expect(problems.find((problem) => problem.field === field)?.message).toContain(message);
  });

  it('prefixes field paths for config items', () => {
    const result = readRunbookDocument({ ...base, steps: [{ title: 'x', http: { url: 'https://x/{{ $incident.nope }}' } }] }, { source: 'config' });
    expect(runbookFieldProblems(result.problems, 'runbooks.items[2]')[0]?.field).toBe('runbooks.items[2].steps[0].http.url');
  });
});
