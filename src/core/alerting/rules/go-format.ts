/**
 * Numbers printed the way Prometheus' Go templates print them, so a summary written for
 * Prometheus reads the same here: `{{ $value }}` is Go's `%v` of a float64 (`1.234567e+06`,
 * `0.5`), and the humanize functions are Prometheus' own (template/template.go), built on `%.4g`.
 * Known difference: at exact decimal ties Go rounds half to even and JavaScript half up
 * (`%.2f` of 0.125), which only shows in the last printed digit.
 */

interface Decimal {
  negative: boolean;
  /** Significant digits without trailing zeros; '' for zero. */
  digits: string;
  /** Position of the decimal point relative to the digits (Go's `dp`). */
  point: number;
}

function decimalOf(value: number, significant: number | null): Decimal {
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return { negative, digits: '', point: 0 };
  const text = significant === null ? magnitude.toExponential() : magnitude.toExponential(Math.max(0, significant - 1));
  const [mantissa = '0', exponent = '0'] = text.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { negative, digits, point: Number(exponent) + 1 };
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
  const text = Math.abs(value).toFixed(precision);
  return value < 0 && Number(text) !== 0 ? `-${text}` : text;
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
