/**
 * The good-event rule of an events SLI, e.g. `status < 500 && latency_ms < 300`: a small,
 * typed expression language over one outcome's `status`, `latency_ms` and `ok`. jsep parses
 * the JavaScript-like text; we compile the tree into closures over a whitelist of operators, so
 * nothing is ever `eval`ed, there is no way to reach an object, a function or a property, and
 * type mistakes (`status && ok`, `latency_ms + 1`) are reported when the config loads.
 */
import jsep from 'jsep';

/** What one raw outcome may carry; a rule may use any of them. */
export interface EventOutcome {
  status?: number;
  latency_ms?: number;
  ok?: boolean;
}

type ValueType = 'number' | 'boolean';

export const goodEventVariables: Readonly<Record<keyof EventOutcome, ValueType>> = { status: 'number', latency_ms: 'number', ok: 'boolean' };

export type GoodEventVerdict = { ok: true; good: boolean } | { ok: false; message: string };

export interface GoodEventRule {
  /** The rule as written. */
  source: string;
  /** Variables the rule mentions, sorted. */
  variables: string[];
  /** Whether one outcome is good; an error when the rule needs a variable the outcome lacks. */
  classify(outcome: EventOutcome): GoodEventVerdict;
}

export type GoodEventRuleCompile = { ok: true; rule: GoodEventRule } | { ok: false; message: string };

export const maximumRuleLength = 1000;

interface Compiled {
  type: ValueType;
  run: (outcome: EventOutcome) => number | boolean;
}

class MissingVariable extends Error {}
class RuleTypeError extends Error {}

const comparisons: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
const arithmetic: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

/**
 * Compiled rules by their text. A config of 10,000 SLOs repeats a few rules thousands of times,
 * and each SLO is compiled at load, at the config checks and when the engine restores it: with
 * the cache, a start compiles each distinct text once. Bounded, as the API can bring new texts.
 */
const compiledRules = new Map<string, GoodEventRuleCompile>();
const maximumCachedRules = 1000;

/** Parses and type-checks a rule; the message names what is wrong and where. Same text, same (immutable) result. */
export function compileGoodEventRule(source: string): GoodEventRuleCompile {
  const cached = compiledRules.get(source);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(source);
  if (compiledRules.size >= maximumCachedRules) compiledRules.clear();
  compiledRules.set(source, compiled);
  return compiled;
}

function compileUncached(source: string): GoodEventRuleCompile {
  if (source.trim() === '') return { ok: false, message: 'must not be empty' };
  if (source.length > maximumRuleLength) return { ok: false, message: `must be at most ${maximumRuleLength} characters` };
  let tree: jsep.Expression;
  try {
    tree = jsep(source);
  } catch (error) {
    return { ok: false, message: `is not a valid expression: ${error instanceof Error ? error.message : String(error)}` };
  }
  const variables = new Set<string>();
  let compiled: Compiled;
  try {
    compiled = compile(tree, variables);
  } catch (error) {
    if (error instanceof RuleTypeError) return { ok: false, message: error.message };
    throw error;
  }
  if (compiled.type !== 'boolean') return { ok: false, message: 'must be a condition (true or false), like status < 500 && latency_ms < 300' };
  const rule: GoodEventRule = {
    source,
    variables: [...variables].sort(),
    classify(outcome) {
      try {
        return { ok: true, good: compiled.run(outcome) === true };
      } catch (error) {
        if (error instanceof MissingVariable) return { ok: false, message: error.message };
        throw error;
      }
    },
  };
  return { ok: true, rule };
}

function compile(node: jsep.Expression, variables: Set<string>): Compiled {
  switch (node.type) {
    case 'Literal':
      return literal(node as jsep.Literal);
    case 'Identifier':
      return identifier((node as jsep.Identifier).name, variables);
    case 'UnaryExpression':
      return unary(node as jsep.UnaryExpression, variables);
    case 'BinaryExpression':
      return binary(node as jsep.BinaryExpression, variables);
    case 'ConditionalExpression':
      return conditional(node as jsep.ConditionalExpression, variables);
    default:
      throw new RuleTypeError(`may only use status, latency_ms, ok, numbers, true/false, comparisons, arithmetic, !, && and ||; found ${describeNode(node)}`);
  }
}

function literal(node: jsep.Literal): Compiled {
  const value = node.value;
  if (typeof value === 'number') return { type: 'number', run: () => value };
  if (typeof value === 'boolean') return { type: 'boolean', run: () => value };
  throw new RuleTypeError(`may only use numbers and true/false as values; found ${node.raw}`);
}

function identifier(name: string, variables: Set<string>): Compiled {
  if (!Object.hasOwn(goodEventVariables, name)) throw new RuleTypeError(`unknown variable '${name}' (use status, latency_ms or ok)`);
  const key = name as keyof EventOutcome;
  variables.add(key);
  return {
    type: goodEventVariables[key],
    run: (outcome) => {
      const value = outcome[key];
      if (value === undefined || value === null) throw new MissingVariable(`${key} is missing, and the SLI's good_when rule needs it`);
      return value;
    },
  };
}

function unary(node: jsep.UnaryExpression, variables: Set<string>): Compiled {
  const argument = compile(node.argument, variables);
  if (node.operator === '!') {
    expectType(argument, 'boolean', '!');
    return { type: 'boolean', run: (outcome) => !argument.run(outcome) };
  }
  if (node.operator === '-' || node.operator === '+') {
    expectType(argument, 'number', node.operator);
    const sign = node.operator === '-' ? -1 : 1;
    return { type: 'number', run: (outcome) => sign * (argument.run(outcome) as number) };
  }
  throw new RuleTypeError(`operator '${node.operator}' is not allowed`);
}

function binary(node: jsep.BinaryExpression, variables: Set<string>): Compiled {
  const left = compile(node.left, variables);
  const right = compile(node.right, variables);
  const { operator } = node;
  if (operator === '&&' || operator === '||') {
    expectType(left, 'boolean', operator);
    expectType(right, 'boolean', operator);
    return operator === '&&'
      ? { type: 'boolean', run: (outcome) => left.run(outcome) === true && right.run(outcome) === true }
      : { type: 'boolean', run: (outcome) => left.run(outcome) === true || right.run(outcome) === true };
  }
  const compare = comparisons[operator];
  if (compare !== undefined) {
    expectType(left, 'number', operator);
    expectType(right, 'number', operator);
    return { type: 'boolean', run: (outcome) => compare(left.run(outcome) as number, right.run(outcome) as number) };
  }
  if (['==', '===', '!=', '!=='].includes(operator)) {
    if (left.type !== right.type) throw new RuleTypeError(`'${operator}' compares a ${left.type} with a ${right.type}`);
    const equal = operator === '==' || operator === '===';
    return { type: 'boolean', run: (outcome) => (left.run(outcome) === right.run(outcome)) === equal };
  }
  const calculate = arithmetic[operator];
  if (calculate !== undefined) {
    expectType(left, 'number', operator);
    expectType(right, 'number', operator);
    return { type: 'number', run: (outcome) => calculate(left.run(outcome) as number, right.run(outcome) as number) };
  }
  throw new RuleTypeError(`operator '${operator}' is not allowed`);
}

function conditional(node: jsep.ConditionalExpression, variables: Set<string>): Compiled {
  const test = compile(node.test, variables);
  const consequent = compile(node.consequent, variables);
  const alternate = compile(node.alternate, variables);
  expectType(test, 'boolean', '?:');
  if (consequent.type !== alternate.type) throw new RuleTypeError(`both branches of '?:' must have the same type`);
  return { type: consequent.type, run: (outcome) => (test.run(outcome) === true ? consequent.run(outcome) : alternate.run(outcome)) };
}

function expectType(operand: Compiled, type: ValueType, operator: string): void {
  if (operand.type !== type) throw new RuleTypeError(`'${operator}' needs ${type === 'number' ? 'numbers' : 'conditions'}, got a ${operand.type}`);
}

function describeNode(node: jsep.Expression): string {
  switch (node.type) {
    case 'CallExpression':
      return 'a function call';
    case 'MemberExpression':
      return 'a property access';
    case 'Compound':
    case 'SequenceExpression':
      return 'several expressions';
    case 'ArrayExpression':
      return 'a list';
    case 'ThisExpression':
      return "'this'";
    default:
      return `a ${node.type}`;
  }
}
