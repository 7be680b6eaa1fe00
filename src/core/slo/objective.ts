/**
 * SLO objectives as ratios. Users write `0.999`, `99.9` or `"99.9%"`; we keep the ratio 0.999,
 * parsed from its decimal digits (`Number("99.9e-2")`), never `99.9 / 100` (0.9990000000000001)
 * or `100 - 99.9` (0.09999999999999432). The error budget is then `1 - objective` in the same
 * float64 arithmetic Prometheus uses for `1 - 0.999`, so our thresholds agree with a PromQL rule
 * to the last bit, and a ratio exactly at a threshold fires in neither.
 */

/** An objective as written: a ratio below 1, a percent from 1 to 100, or a string with `%`. */
export type ObjectiveInput = number | string;

export type ObjectiveParse = { ok: true; ratio: number } | { ok: false; message: string };

const decimalText = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE]([-+]?\d+))?$/;

/**
 * Reads an objective. Numbers below 1 are ratios (`0.999`); numbers from 1 up are percents
 * (`99.9`); strings may end in `%` (`"99.9%"`) or be a plain number read by the same rule.
 * The result must lie strictly between 0 and 1: 100% leaves no budget, 0% has no objective;
 * a bare `1` is refused as ambiguous (100%? 1%?).
 */
export function parseObjective(input: ObjectiveInput): ObjectiveParse {
  return parseRatio(input, false);
}

/**
 * Reads a per-slice target: like an objective, but 100% is allowed (a slice with no bad event)
 * and a bare `1` means the ratio 1.
 */
export function parseSliceTarget(input: ObjectiveInput): ObjectiveParse {
  if (input === 1 || (typeof input === 'string' && input.trim() === '1')) return { ok: true, ratio: 1 };
  return parseRatio(input, true);
}

function parseRatio(input: ObjectiveInput, allowWhole: boolean): ObjectiveParse {
  let text: string;
  let percent: boolean;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: `must be a finite number, got ${String(input)}` };
    if (input <= 0) return { ok: false, message: `must be above 0 (got ${input}): write 0.999 or "99.9%"` };
    text = String(input);
    percent = input >= 1;
  } else {
    const trimmed = input.trim();
    percent = trimmed.endsWith('%');
    text = percent ? trimmed.slice(0, -1).trim() : trimmed;
    if (!decimalText.test(text)) return { ok: false, message: `must be a number like 0.999, 99.9 or "99.9%", got "${input}"` };
    if (!percent && Number(text) >= 1) percent = true;
  }
  if (Number(text) === 1 && !percentSign(input)) {
    // 1 reads as 100% to some and as 1% to others; neither is a sensible objective, so ask.
    return { ok: false, message: 'is ambiguous as 1: a 100% objective leaves no error budget; write "1%" if one percent is meant' };
  }
  const ratio = percent ? shiftDecimal(text, -2) : Number(text);
  if (!(ratio > 0)) return { ok: false, message: `must be above 0% (got ${describe(input)})` };
  if (allowWhole && ratio === 1) return { ok: true, ratio };
  if (ratio >= 1) {
    return { ok: false, message: `must be below 100% (got ${describe(input)}): a 100% objective leaves no error budget` };
  }
  return { ok: true, ratio };
}

/**
 * The error budget as a ratio of events (or time): `1 - objective`, computed exactly as PromQL
 * computes `1 - 0.999`, so `errorRatio > factor * budget` matches a Prometheus rule bit for bit.
 */
export function errorBudgetRatio(objectiveRatio: number): number {
  return 1 - objectiveRatio;
}

/** `0.999` -> `"99.9%"`, from the decimal digits of the ratio (no float noise in messages). */
export function formatObjectivePercent(objectiveRatio: number): string {
  return `${shiftDecimal(String(objectiveRatio), 2)}%`;
}

/** The number `text × 10^places`, parsed once from decimal text so it is correctly rounded. */
function shiftDecimal(text: string, places: number): number {
  const match = decimalText.exec(text);
  if (!match) return Number.NaN;
  const exponent = Number(match[2] ?? '0') + places;
  return Number(`${match[1] ?? '0'}e${exponent}`);
}

function percentSign(input: ObjectiveInput): boolean {
  return typeof input === 'string' && input.trim().endsWith('%');
}

function describe(input: ObjectiveInput): string {
  return typeof input === 'number' ? String(input) : `"${input}"`;
}
