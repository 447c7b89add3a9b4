/** Provides a manual Clock for tests: time moves only when the test advances it, and due sleeps wake in order. */
import type { Clock } from '../client/rest/clock.js';

interface PendingSleep {
  readonly deadline: number;
  readonly ms: number;
  readonly wake: () => void;
}

/** Lets pending promise callbacks and I/O callbacks run once (one macrotask turn). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A Clock for tests of anything that takes one (Reflector, Backoff, workqueues and rate limiters, leader
 * election, Manager): `now()` stands still until `advance`, and `sleep(ms)` resolves when the time reaches its
 * deadline.
 *
 * Guarantees: due sleeps wake one at a time in deadline order (ties in the order they were asked for), each
 * waiter running before the next wakes; `now()` never goes backwards; a sleep whose signal aborts rejects with
 * the signal's reason and is no longer pending; `sleeps` records every duration asked for, in order.
 */
export class FakeClock implements Clock {
  #now: number;
  /** Not yet due, in the order asked for. */
  #pending: PendingSleep[] = [];
  /** Every sleep duration asked for, in order. */
  readonly sleeps: number[] = [];

  /** Starts at `start` ms since the epoch (default 1,000,000: positive, and far from 0 edge cases). */
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
      const onAbort = (): void => {
        this.#pending = this.#pending.filter((sleep) => sleep !== entry);
        reject(signal?.reason);
      };
      const entry: PendingSleep = {
        deadline: this.#now + Math.max(0, ms),
        ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.push(entry);
    });
  }

  /** The durations of the sleeps not yet due, in the order they were asked for. */
  pending(): number[] {
    return this.#pending.map((sleep) => sleep.ms);
  }

  /** Lets the code under test run until `count` sleeps are pending; throws after `maxTurns` turns. */
  async waitForSleeps(count = 1, maxTurns = 10_000): Promise<number[]> {
    for (let turn = 0; this.#pending.length < count; turn++) {
      if (turn >= maxTurns) throw new Error(`expected ${count} pending sleeps, found ${this.#pending.length}`);
      await nextTurn();
    }
    return this.pending();
  }

  /** Moves time forward by `ms`, waking each sleep that falls due, in deadline order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      let due: PendingSleep | undefined;
      for (const sleep of this.#pending) {
        if (sleep.deadline <= target && (due === undefined || sleep.deadline < due.deadline)) due = sleep;
      }
      if (due === undefined) break;
      this.#pending = this.#pending.filter((sleep) => sleep !== due);
      this.#now = Math.max(this.#now, due.deadline);
      due.wake();
      await nextTurn();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Moves time to the earliest deadline and wakes that sleep; returns its duration. Throws when none is pending. */
  async fireNext(): Promise<number> {
    let next: PendingSleep | undefined;
    for (const sleep of this.#pending) if (next === undefined || sleep.deadline < next.deadline) next = sleep;
    if (next === undefined) throw new Error('no sleep is pending');
    await this.advance(next.deadline - this.#now);
    return next.ms;
  }
}
