// A Clock for tests: time moves only when a test or a sleep moves it.
import type { Clock } from '../../../src/client/rest/clock.js';

export interface FakeClock extends Clock {
  /** Durations of the sleeps that completed. */
  readonly sleeps: number[];
  /** Durations of every sleep asked for, completed or not. */
  readonly requestedSleeps: number[];
  advance(ms: number): void;
}

/**
 * Sleeps complete at once and advance the time; `frozen` sleeps complete without moving time; `manual` sleeps wait
 * until aborted.
 */
export function fakeClock(options: { manual?: boolean; frozen?: boolean } = {}): FakeClock {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const requestedSleeps: number[] = [];
  return {
    sleeps,
    requestedSleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: (ms, signal) => {
      requestedSleeps.push(ms);
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (options.manual) {
        return new Promise((_, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      }
      sleeps.push(ms);
      if (!options.frozen) now += ms;
      return Promise.resolve();
    },
  };
}
