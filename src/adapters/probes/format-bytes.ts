/**
 * Byte counts as people read them in monitor messages (`812 MB`, `1.5 GB`). Binary multiples
 * (1 MB = 1024 KB) because that is what Redis' `used_memory_human`, `free` and `df -h` show.
 */
const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** `512 B`, `12 KB`, `812 MB`, `1.5 GB`: whole numbers from 10 units up, one decimal below. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || Math.abs(value) >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
  return `${shown} ${units[unit]}`;
}
