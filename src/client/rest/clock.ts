/** Declares the clock the RESTClient waits on (throttling, Retry-After), so tests control time. */
import { setTimeout as delay } from 'node:timers/promises';

/** Reads the time and sleeps; tests inject a fake that advances instantly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now` and unref'd timers (a pending retry never keeps the process alive on its own). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal, ref: false } : { ref: false });
  },
};
