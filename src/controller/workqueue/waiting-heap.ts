/** Orders items waiting for a delayed add by ready time in a binary min-heap indexed by item. */

/** An item and the time it becomes ready. */
interface WaitEntry<T> {
  readonly item: T;
  readyAt: number;
  /** Insertion sequence: breaks ties so items ready at the same time come out in the order they were added. */
  readonly seq: number;
  /** Invariant: this entry's position in #heap. */
  index: number;
}

/**
 * A min-heap of (item, readyAt) with at most one entry per item (SameValueZero).
 *
 * Guarantees: `insert` keeps the earlier ready time when the item is already waiting; `pop` returns items in
 * ready-time order, ties in insertion order; every operation is O(log n).
 *
 * @typeParam T - the item type.
 */
export class WaitingHeap<T> {
  readonly #heap: WaitEntry<T>[] = [];
  readonly #entries = new Map<T, WaitEntry<T>>();
  #seq = 0;

  /** The earliest ready time, or undefined when empty. */
  nextReadyAt(): number | undefined {
    return this.#heap[0]?.readyAt;
  }

  /** Adds `item` ready at `readyAt`, or moves a waiting item's ready time earlier (never later). */
  insert(item: T, readyAt: number): void {
    const existing = this.#entries.get(item);
    if (existing) {
      if (readyAt < existing.readyAt) {
        existing.readyAt = readyAt;
        this.#up(existing.index);
      }
      return;
    }
    const entry: WaitEntry<T> = { item, readyAt, seq: this.#seq++, index: this.#heap.length };
    this.#heap.push(entry);
    this.#entries.set(item, entry);
    this.#up(entry.index);
  }

  /** Removes and returns the earliest item; the caller has checked that the heap is not empty. */
  pop(): T {
    const top = this.#heap[0] as WaitEntry<T>;
    const last = this.#heap.pop() as WaitEntry<T>;
    if (last !== top) {
      last.index = 0;
      this.#heap[0] = last;
      this.#down(0);
    }
    this.#entries.delete(top.item);
    return top.item;
  }

  /** Drops every waiting item. */
  clear(): void {
    this.#heap.length = 0;
    this.#entries.clear();
  }

  #less(a: WaitEntry<T>, b: WaitEntry<T>): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as WaitEntry<T>;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as WaitEntry<T>;
      if (!this.#less(entry, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as WaitEntry<T>;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      let child = left;
      if (right < heap.length && this.#less(heap[right] as WaitEntry<T>, heap[left] as WaitEntry<T>)) child = right;
      const smaller = heap[child] as WaitEntry<T>;
      if (!this.#less(smaller, entry)) break;
      heap[index] = smaller;
      smaller.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}
