/**
 * Checks on the service dependency graph: every dependency names a known service, no service
 * depends on itself, and there are no cycles (a cycle makes "which service is the root cause"
 * unanswerable and would loop any later impact walk).
 */
import type { FieldProblem } from '../errors.js';

export interface DependencyNode {
  name: string;
  dependencies: readonly string[];
}

/**
 * Returns one problem per unknown dependency and one per cycle. `fieldOf(index)` names the
 * field of node `index` for messages, e.g. `services[3].dependencies`.
 */
export function checkDependencyGraph(
  nodes: readonly DependencyNode[],
  fieldOf: (index: number) => string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const indexByName = new Map(nodes.map((node, index) => [node.name, index]));
  nodes.forEach((node, index) => {
    node.dependencies.forEach((dependency, depIndex) => {
      if (dependency === node.name) {
        problems.push({ field: `${fieldOf(index)}[${depIndex}]`, message: `a service cannot depend on itself` });
      } else if (!indexByName.has(dependency)) {
        problems.push({ field: `${fieldOf(index)}[${depIndex}]`, message: `unknown service '${dependency}'` });
      }
    });
  });
  for (const cycle of findCycles(nodes)) {
    const first = cycle[0] ?? '';
    problems.push({
      field: fieldOf(indexByName.get(first) ?? 0),
      message: `dependency cycle: ${[...cycle, first].join(' -> ')}`,
    });
  }
  return problems;
}

/** Each cycle once, as the list of names along it, starting at its smallest name. */
export function findCycles(nodes: readonly DependencyNode[]): string[][] {
  const edges = new Map(nodes.map((node) => [node.name, node.dependencies.filter((d) => d !== node.name)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (!edges.has(next)) continue;
      const nextState = state.get(next);
      if (nextState === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const rotated = rotateToSmallest(cycle);
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (nextState === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };

  for (const node of nodes) if (!state.has(node.name)) visit(node.name);
  return cycles;
}

function rotateToSmallest(cycle: string[]): string[] {
  let smallest = 0;
  cycle.forEach((name, index) => {
    if (name < (cycle[smallest] ?? name)) smallest = index;
  });
  return [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
}
