/** Declares the clock the RESTClient waits on (throttling, Retry-After), so tests control time. */
import { setTimeout as delay } from 'node:timers/promises';

/** Reads the time and sleeps; tests inject a fake that advances instantly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A real clock (`Date.now`, node timers); `ref` says whether a pending sleep keeps the process alive. */
function timerClock(ref: boolean): Clock {
  return {
    now: () => Date.now(),
    sleep: async (ms, signal) => {
      await delay(ms, undefined, signal ? { signal, ref } : { ref });
    },
  };
}

/**
 * The real clock: `Date.now` and unref'd timers. Background loops (backoffs, leader election) wait on it: while they
 * run, the informer or manager itself keeps the process alive, and a stopped one never holds it up.
 */
export const systemClock: Clock = timerClock(false);

/**
 * The real clock of a RESTClient's own waits (throttling, Retry-After): ref'd timers, because a request someone
 * awaits must keep the process alive while it waits, as it does while on the wire.
 */
export const requestClock: Clock = timerClock(true);
