/**
 * Numbers printed the way Prometheus' Go templates print them, so a summary written for
 * Prometheus reads the same here: `{{ $value }}` is Go's `%v` of a float64 (`1.234567e+06`,
 * `0.5`), and the humanize functions are Prometheus' own (template/template.go), built on `%.4g`.
 * Rounding is Go's: half up, and an exact decimal half to even (`%.2f` of 0.125 is `0.12`).
 */

interface Decimal {
  negative: boolean;
  /** Significant digits without trailing zeros; '' for zero. */
  digits: string;
  /** Position of the decimal point relative to the digits (Go's `dp`). */
  point: number;
}

/**
 * The value's decimal digits, exact for every double whose expansion has at most 100
 * significant digits (`toExponential(99)` rounds only beyond that), which covers every case
 * where a tie at the cut can happen.
 */
function exactDecimal(value: number): Decimal {
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return { negative, digits: '', point: 0 };
  const [mantissa = '0', exponent = '0'] = magnitude.toExponential(99).split('e');
  return { negative, digits: mantissa.replace('.', '').replace(/0+$/, ''), point: Number(exponent) + 1 };
}

/** Keeps the first `keep` digits, rounding as Go does: half up, exact halves to even. */
function roundDecimal(decimal: Decimal, keep: number): Decimal {
  if (keep < 0) return { ...decimal, digits: '', point: 0 };
  if (decimal.digits.length <= keep) return decimal;
  const kept = decimal.digits.slice(0, keep);
  const dropped = decimal.digits.slice(keep);
  const lastKept = Number(kept[kept.length - 1] ?? '0');
  const up = dropped[0] !== undefined && (dropped[0] > '5' || (dropped[0] === '5' && (dropped.length > 1 || lastKept % 2 === 1)));
  if (!up) return { ...decimal, digits: kept.replace(/0+$/, '') };
  const digits = kept.split('').map(Number);
  let index = digits.length - 1;
  while (index >= 0 && digits[index] === 9) {
    digits[index] = 0;
    index -= 1;
  }
  let point = decimal.point;
  if (index < 0) {
    digits.unshift(1);
    point += 1;
  } else {
    digits[index] = (digits[index] ?? 0) + 1;
  }
  return { ...decimal, digits: digits.join('').replace(/0+$/, ''), point };
}

function decimalOf(value: number, significant: number | null): Decimal {
  if (significant === null) {
    // The shortest digits that read back as the same double (Go's shortest mode).
    const exact = exactDecimal(value);
    if (exact.digits === '') return exact;
    const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
    return { negative: exact.negative, digits: mantissa.replace('.', '').replace(/0+$/, ''), point: Number(exponent) + 1 };
  }
  return roundDecimal(exactDecimal(value), significant);
}

function specialValue(value: number): string | null {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return null;
}

function exponentForm(decimal: Decimal, fractionDigits: number): string {
  const digits = (decimal.digits === '' ? '0' : decimal.digits).padEnd(fractionDigits + 1, '0');
  const exponent = decimal.digits === '' ? 0 : decimal.point - 1;
  const mantissa = fractionDigits > 0 ? `${digits[0] ?? '0'}.${digits.slice(1, fractionDigits + 1)}` : (digits[0] ?? '0');
  const sign = exponent < 0 ? '-' : '+';
  return `${decimal.negative ? '-' : ''}${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function fixedForm(decimal: Decimal, fractionDigits: number): string {
  const { digits, point } = decimal;
  let integer: string;
  let fraction: string;
  if (point <= 0) {
    integer = '0';
    fraction = '0'.repeat(-point) + digits;
  } else {
    integer = digits.slice(0, point).padEnd(point, '0');
    fraction = digits.slice(point);
  }
  fraction = fraction.padEnd(fractionDigits, '0').slice(0, fractionDigits);
  return `${decimal.negative ? '-' : ''}${integer}${fractionDigits > 0 ? `.${fraction}` : ''}`;
}

/** Go's `%g` (precision null: `%v`, the shortest form that reads back as the same number). */
export function formatGoG(value: number, precision: number | null = null): string {
  const special = specialValue(value);
  if (special !== null) return special;
  const decimal = decimalOf(value, precision === null ? null : Math.max(1, precision));
  const count = decimal.digits.length;
  let prec = precision === null ? count : Math.max(1, precision);
  let exponentLimit = prec;
  if (exponentLimit > count && count >= decimal.point) exponentLimit = count;
  if (precision === null) exponentLimit = 6;
  const exponent = decimal.point - 1;
  if (count > 0 && (exponent < -4 || exponent >= exponentLimit)) {
    return exponentForm(decimal, Math.min(prec, count) - 1);
  }
  if (prec > decimal.point) prec = count;
  return fixedForm(decimal, Math.max(prec - decimal.point, 0));
}

/** Go's `%.Ne` (`%e` is `%.6e`); precision null is strconv's shortest 'e' form (`9e+02`, `1.5e-01`). */
export function formatGoE(value: number, precision: number | null = 6): string {
  const special = specialValue(value);
  if (special !== null) return special;
  if (precision === null) {
    const decimal = decimalOf(value, null);
    return exponentForm(decimal, Math.max(0, decimal.digits.length - 1));
  }
  return exponentForm(decimalOf(value, precision + 1), precision);
}

/** Go's `%.Nf` (`%f` is `%.6f`). */
export function formatGoF(value: number, precision = 6): string {
  const special = specialValue(value);
  if (special !== null) return special;
  const exact = exactDecimal(value);
  return fixedForm(roundDecimal(exact, exact.point + precision), precision);
}

const bigPrefixes = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const smallPrefixes = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function scaleDown(value: number): { value: number; prefix: string } {
  let scaled = value;
  let prefix = '';
  for (const candidate of smallPrefixes) {
    if (Math.abs(scaled) >= 1) break;
    prefix = candidate;
    scaled *= 1000;
  }
  return { value: scaled, prefix };
}

/** Prometheus `humanize`: SI prefixes, 4 significant digits (`1.235k`, `12.5m`). */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return formatGoG(value, 4);
  if (Math.abs(value) >= 1) {
    let scaled = value;
    let prefix = '';
    for (const candidate of bigPrefixes) {
      if (Math.abs(scaled) < 1000) break;
      prefix = candidate;
      scaled /= 1000;
    }
    return `${formatGoG(scaled, 4)}${prefix}`;
  }
  const { value: scaled, prefix } = scaleDown(value);
  return `${formatGoG(scaled, 4)}${prefix}`;
}

/** Prometheus `humanize1024`: binary prefixes (`1ki`, `1.5Mi`). */
export function humanize1024(value: number): string {
  if (Math.abs(value) <= 1 || !Number.isFinite(value)) return formatGoG(value, 4);
  let scaled = value;
  let prefix = '';
  for (const candidate of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(scaled) < 1024) break;
    prefix = candidate;
    scaled /= 1024;
  }
  return `${formatGoG(scaled, 4)}${prefix}`;
}

/** Prometheus `humanizePercentage`: a ratio as percent (`0.1234` -> `12.34%`). */
export function humanizePercentage(value: number): string {
  return `${formatGoG(value * 100, 4)}%`;
}

/** Prometheus `humanizeDuration`: seconds as `1d 2h 3m 4s`, `1.5s`, `250ms`. */
export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return formatGoG(value, 4);
  if (value === 0) return `${formatGoG(value, 4)}s`;
  if (Math.abs(value) >= 1) {
    const sign = value < 0 ? '-' : '';
    const whole = Math.trunc(Math.abs(value));
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86_400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatGoG(Math.abs(value), 4)}s`;
  }
  const { value: scaled, prefix } = scaleDown(value);
  return `${formatGoG(scaled, 4)}${prefix}s`;
}

/** Prometheus `humanizeTimestamp`: Unix seconds as Go prints a UTC time (`2026-01-01 00:00:00 +0000 UTC`). */
export function humanizeTimestamp(value: number): string {
  if (!Number.isFinite(value)) return formatGoG(value, 4);
  const date = new Date(Math.round(value * 1000));
  const iso = date.toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`} +0000 UTC`;
}
