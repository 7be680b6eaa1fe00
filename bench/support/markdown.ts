/** Markdown output for results that are pasted into bench/README.md as they are printed. */

export type Alignment = 'left' | 'right';

export interface Column {
  title: string;
  align?: Alignment;
}

/** A GitHub-flavoured Markdown table, padded so it also reads well in a terminal. */
export function markdownTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((column, index) => Math.max(column.title.length, 3, ...rows.map((row) => (row[index] ?? '').length)));
  const pad = (text: string, index: number) => {
    const width = widths[index] ?? 0;
    return columns[index]?.align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((width, index) => (columns[index]?.align === 'right' ? `${'-'.repeat(width + 1)}:` : `${'-'.repeat(width + 2)}`)).join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join('\n');
}

/** 15000.4 -> "15,000". */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Milliseconds with a precision that suits sub-ms latencies. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

export function formatPercent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : `${Math.round(value)}%`;
}

export function passMark(passed: boolean): string {
  return passed ? 'pass' : 'FAIL';
}
