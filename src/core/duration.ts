/**
 * Prometheus duration syntax (`30s`, `5m`, `1h30m`, `30d`, `500ms`), the units users already
 * write in Prometheus and Alertmanager configs. Units must appear largest first, each once.
 */
const unitMs: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** JSON-schema pattern for a Prometheus duration, for config and API schemas. */
export const durationSchemaPattern = '^(0|(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?)$';

/** Parses a duration to milliseconds; returns undefined for anything that is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const match = durationPattern.exec(text);
  if (!match) return undefined;
  let total = 0;
  order.forEach((unit, index) => {
    const part = match[index + 1];
    if (part !== undefined) total += Number(part) * (unitMs[unit] ?? 0);
  });
  return total;
}

/** Formats milliseconds the way Prometheus prints durations (`1h30m`, `0s`). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of order) {
    const size = unitMs[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
