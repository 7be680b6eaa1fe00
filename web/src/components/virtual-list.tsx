/**
 * A windowed list: only the rows in view (plus a few either side) are in the DOM, so 5,000 or
 * 50,000 monitors scroll as smoothly as 50. Rows have a fixed height, which makes the maths
 * one division and needs no measuring.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeightPx: number;
  /** Height of the scrolling viewport. */
  heightPx: number;
  overscan?: number;
  renderRow: (item: T, index: number) => ReactNode;
  rowKey: (item: T) => string;
  label: string;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeightPx, heightPx, overscan = 8, renderRow, rowKey, label } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);

  useEffect(() => {
    // A shorter list (new filter) must not leave the viewport scrolled past its end.
    const element = viewport.current;
    if (element && element.scrollTop > items.length * rowHeightPx) element.scrollTop = 0;
  }, [items.length, rowHeightPx]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeightPx) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + heightPx) / rowHeightPx) + overscan);
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index += 1) {
    const item = items[index] as T;
    rows.push(
      <div key={rowKey(item)} role="row" aria-rowindex={index + 1} className="vrow" style={{ transform: `translateY(${index * rowHeightPx}px)`, height: rowHeightPx }}>
        {renderRow(item, index)}
      </div>,
    );
  }
  return (
    <div ref={viewport} className="vlist" style={{ height: heightPx }} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)} role="grid" aria-label={label} aria-rowcount={items.length} tabIndex={0}>
      <div style={{ height: items.length * rowHeightPx, position: 'relative' }} role="rowgroup">{rows}</div>
    </div>
  );
}
