/**
 * A binary min-heap of (due time, key, generation): the scheduler's agenda. Entries are never
 * removed from the middle; a monitor that is changed or deleted bumps its generation and the
 * stale entry is dropped when it surfaces (lazy deletion keeps every operation O(log n)).
 */
export interface DueEntry {
  dueMs: number;
  key: string;
  generation: number;
}

export class DueQueue {
  readonly #heap: DueEntry[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(entry: DueEntry): void {
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent] as DueEntry)) break;
      heap[index] = heap[parent] as DueEntry;
      index = parent;
    }
    heap[index] = entry;
  }

  peek(): DueEntry | undefined {
    return this.#heap[0];
  }

  pop(): DueEntry | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as DueEntry, heap[left] as DueEntry) ? right : left;
      if (!before(heap[child] as DueEntry, last)) break;
      heap[index] = heap[child] as DueEntry;
      index = child;
    }
    heap[index] = last;
    return top;
  }

  clear(): void {
    this.#heap.length = 0;
  }
}

function before(a: DueEntry, b: DueEntry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.key < b.key);
}
