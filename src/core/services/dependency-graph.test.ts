import { describe, expect, it } from 'vitest';
import { checkDependencyGraph, findCycles } from './dependency-graph.js';

const node = (name: string, ...dependencies: string[]) => ({ name, dependencies });
const field = (index: number) => `services[${index}].dependencies`;

describe('dependency graph checks', () => {
  it('accepts an acyclic graph', () => {
    expect(checkDependencyGraph([node('web', 'api'), node('api', 'db', 'cache'), node('db'), node('cache')], field)).toEqual([]);
  });

  it('names unknown dependencies by position', () => {
    expect(checkDependencyGraph([node('web', 'api', 'nope')], field)).toEqual([
      { field: 'services[0].dependencies[0]', message: "unknown service 'api'" },
      { field: 'services[0].dependencies[1]', message: "unknown service 'nope'" },
    ]);
  });

  it('refuses self-dependencies', () => {
    expect(checkDependencyGraph([node('api', 'api')], field)).toEqual([
      { field: 'services[0].dependencies[0]', message: 'a service cannot depend on itself' },
    ]);
  });

  it.each([
    ['two services', [node('a', 'b'), node('b', 'a')], [['a', 'b']]],
    ['three services', [node('c', 'a'), node('a', 'b'), node('b', 'c')], [['a', 'b', 'c']]],
    ['two separate cycles', [node('a', 'b'), node('b', 'a'), node('x', 'y'), node('y', 'x')], [['a', 'b'], ['x', 'y']]],
    ['a cycle reached from outside', [node('web', 'a'), node('a', 'b'), node('b', 'a')], [['a', 'b']]],
  ])('finds each cycle once: %s', (_name, nodes, cycles) => {
    expect(findCycles(nodes)).toEqual(cycles);
  });

  it('reports a cycle at the first service on it', () => {
    const problems = checkDependencyGraph([node('web'), node('b', 'a'), node('a', 'b')], field);
    expect(problems).toEqual([{ field: 'services[2].dependencies', message: 'dependency cycle: a -> b -> a' }]);
  });
});
