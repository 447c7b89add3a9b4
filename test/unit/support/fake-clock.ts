// A Clock whose time moves only when the test advances it; sleeps wait for their deadline on that time.
import type { Clock } from '../../../src/client/rest/clock.js';

interface Timer {
  readonly deadline: number;
  readonly ms: number;
  readonly resolve: () => void;
}

/** Lets every pending promise callback and I/O callback run once. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A manual clock. `sleep(ms)` resolves when `advance` moves the time to its deadline (or rejects on abort);
 * `sleeps` records every duration asked for, in order.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  /** Every sleep duration asked for, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        deadline: this.#now + Math.max(0, ms),
        ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** The durations of the sleeps not yet due, in the order they were asked for. */
  pending(): number[] {
    return this.#timers.map((t) => t.ms);
  }

  /** Waits (letting the code under test run) until `count` sleeps are pending; fails after `maxTurns` turns. */
  async waitForSleeps(count = 1, maxTurns = 10_000): Promise<number[]> {
    for (let turn = 0; this.#timers.length < count; turn++) {
      if (turn >= maxTurns) throw new Error(`expected ${count} pending sleeps, found ${this.#timers.length}`);
      await settle();
    }
    return this.pending();
  }

  /** Moves time forward by `ms`, waking each due sleep in deadline order and letting its waiter run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.deadline <= target).sort((a, b) => a.deadline - b.deadline)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.deadline);
      due.resolve();
      await settle();
    }
    this.#now = target;
  }

  /** Moves time to the earliest pending deadline and wakes that sleep; returns its duration. */
  async fireNext(): Promise<number> {
    const next = [...this.#timers].sort((a, b) => a.deadline - b.deadline)[0];
    if (next === undefined) throw new Error('no sleep is pending');
    await this.advance(next.deadline - this.#now);
    return next.ms;
  }
}
