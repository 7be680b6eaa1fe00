/**
 * Resolves a runbook for one incident: renders every step template with the incident and checks
 * every command against the allow-list. Starting a run needs a plan without problems; a dry run
 * shows the plan and its problems and changes nothing. Checking commands here, at start, means a
 * run is refused before its first step rather than stopping halfway at a forbidden command.
 */
import type { FieldProblem } from '../errors.js';
import type { Incident } from '../incidents/incident.js';
import type { Runbook, RunbookStep } from './runbook.js';
import { renderStepTemplate } from './step-template.js';

export interface RunbookPlan {
  runbook: string;
  /** Steps with their templates rendered for the incident. */
  steps: RunbookStep[];
  /** Why the run may not start (a template failed to render, a command is not allowed), by field. */
  problems: FieldProblem[];
}

/** True when `program` is exactly one of the allow-listed paths (no prefix or basename matching). */
export function commandAllowed(program: string, allowCommands: readonly string[]): boolean {
  return allowCommands.includes(program);
}

export function planRunbook(runbook: Runbook, incident: Incident, allowCommands: readonly string[]): RunbookPlan {
  const problems: FieldProblem[] = [];
  const render = (source: string, field: string): string => {
    try {
      return renderStepTemplate(source, incident);
    } catch (error) {
      problems.push({ field, message: error instanceof Error ? error.message : String(error) });
      return source;
    }
  };
  const steps = runbook.steps.map((step, index): RunbookStep => {
    const at = `steps[${index}]`;
    // Titles may use templates too (a bare checklist line is its own title).
    return resolveStep({ ...step, title: render(step.title, `${at}.title`) }, index);
  });
  return { runbook: runbook.name, steps, problems };

  function resolveStep(step: RunbookStep, index: number): RunbookStep {
    const at = `steps[${index}]`;
    switch (step.kind) {
      case 'checklist':
        return { ...step, text: render(step.text, `${at}.checklist`) };
      case 'http':
        return {
          ...step,
          url: render(step.url, `${at}.http.url`),
          headers: Object.fromEntries(Object.entries(step.headers).map(([name, value]) => [name, render(value, `${at}.http.headers.${name}`)])),
          body: step.body === null ? null : render(step.body, `${at}.http.body`),
        };
      case 'wait_verify':
        return step;
      case 'command': {
        const program = step.argv[0] ?? '';
        if (!commandAllowed(program, allowCommands)) {
          const allowed = allowCommands.length === 0 ? 'runbooks.allow_commands is empty, so no command may run' : `allowed: ${allowCommands.join(', ')}`;
          problems.push({ field: `${at}.command.argv[0]`, message: `step ${index + 1} '${step.title}': ${program} is not on the command allow-list (${allowed})` });
        }
        return { ...step, argv: step.argv.map((argument, position) => (position === 0 ? argument : render(argument, `${at}.command.argv[${position}]`))) };
      }
    }
  }
}
