/** Queues values first-in first-out in a growable ring buffer: O(1) push and shift, no `Array.shift()`. */

/**
 * A FIFO of values.
 *
 * Guarantees: `push` and `shift` are amortised O(1); iteration is in queue order and copies nothing.
 *
 * @typeParam T - the queued value type.
 */
export class RingQueue<T> {
  /** Invariant: the live values are slots head, head+1, … (mod capacity), `length` of them; others are undefined. */
  #slots: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#length) % this.#slots.length] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const value = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#length--;
    return value;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#slots[(this.#head + i) % this.#slots.length] as T;
  }

  #grow(): void {
    const slots: (T | undefined)[] = new Array(this.#slots.length * 2);
    for (let i = 0; i < this.#length; i++) slots[i] = this.#slots[(this.#head + i) % this.#slots.length];
    this.#slots = slots;
    this.#head = 0;
  }
}
