import { describe, expect, it } from 'vitest';
import { ConfigError, describeValue, formatConfigProblem, formatPath, parsePath, type PathSegment } from './config-problem.js';

describe('formatConfigProblem', () => {
  it.each([
    [{ file: 'demo.yaml', line: 14, column: 5, path: 'services[2].criticality', message: 'must be one of critical, high, medium, low' }, 'demo.yaml:14:5 services[2].criticality: must be one of critical, high, medium, low'],
    [{ file: 'conf/a.yaml', line: 3, column: 1, path: '', message: 'YAML syntax error: x' }, 'conf/a.yaml:3:1: YAML syntax error: x'],
  ])('renders %j', (problem, expected) => {
    expect(formatConfigProblem(problem)).toBe(expected);
  });

  it('puts every problem in the ConfigError message', () => {
    const problems = [
      { file: 'a.yaml', line: 1, column: 1, path: 'server', message: 'x' },
      { file: 'a.yaml', line: 2, column: 3, path: 'auth', message: 'y' },
    ];
    const error = new ConfigError(problems);
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe('invalid configuration (2 problems)\na.yaml:1:1 server: x\na.yaml:2:3 auth: y');
  });
});

describe('formatPath and parsePath', () => {
  it.each<[PathSegment[], string]>([
    [[], ''],
    [['server', 'port'], 'server.port'],
    [['services', 2, 'criticality'], 'services[2].criticality'],
    [['services', 0, 'dependencies', 1], 'services[0].dependencies[1]'],
    [['labels', 'a b'], 'labels["a b"]'],
    [['labels', '7'], 'labels["7"]'],
  ])('%j <-> %s', (segments, text) => {
    expect(formatPath(segments)).toBe(text);
    expect(parsePath(text)).toEqual(segments);
  });
});

describe('describeValue', () => {
  it.each<[unknown, string]>([
    ['abc', '"abc"'],
    [42, '42'],
    [false, 'false'],
    [null, 'an empty value'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    ['x'.repeat(50), `"${'x'.repeat(37)}..."`],
  ])('%j -> %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
