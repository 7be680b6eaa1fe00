/** Display helpers: percentages, durations and relative times as an SRE reads them. */
export function percent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function objective(ratio: number): string {
  const text = (ratio * 100).toFixed(3).replace(/\.?0+$/, '');
  return `${text}%`;
}

export function millis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function minutes(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1440) return `${(value / 1440).toFixed(1)} d`;
  if (abs >= 60) return `${(value / 60).toFixed(1)} h`;
  return `${value.toFixed(1)} min`;
}

export function ago(iso: string | null | undefined, nowMs = Date.now()): string {
  if (!iso) return '–';
  const seconds = Math.round((nowMs - Date.parse(iso)) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  if (abs < 1) return 'now';
  const text = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.floor(abs / 60)}m` : abs < 86_400 ? `${Math.floor(abs / 3600)}h` : `${Math.floor(abs / 86_400)}d`;
  return future ? `in ${text}` : `${text} ago`;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** `4w2d` (how the API prints 30 days) as `30d`; other durations as given. */
export function duration(text: string): string {
  let totalMs = 0;
  const parts = text.match(/\d+(ms|s|m|h|d|w|y)/g) ?? [];
  if (parts.join('') !== text) return text;
  for (const part of parts) {
    const unit = /ms|s|m|h|d|w|y/.exec(part)?.[0] ?? 'ms';
    totalMs += Number.parseInt(part, 10) * (unitMs[unit] ?? 0);
  }
  if (totalMs % unitMs.d! === 0) return `${totalMs / unitMs.d!}d`;
  if (totalMs % unitMs.h! === 0) return `${totalMs / unitMs.h!}h`;
  return text;
}

export function burnRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  return `${rate.toFixed(rate >= 10 ? 0 : 2)}×`;
}
