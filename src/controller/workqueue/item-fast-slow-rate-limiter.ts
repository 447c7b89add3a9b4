/** Retries an item quickly a few times, then slowly. */
import { requireAtLeast } from './errors.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/** Options for newItemFastSlowRateLimiter. */
export interface ItemFastSlowRateLimiterOptions {
  /** The delay of the first `maxFastAttempts` failures, in ms. */
  readonly fastDelayMs: number;
  /** The delay of every later failure, in ms. */
  readonly slowDelayMs: number;
  /** How many failures get the fast delay. */
  readonly maxFastAttempts: number;
}

/**
 * Returns a limiter whose `when(item)` is `fastDelayMs` for the first `maxFastAttempts` calls since the last
 * `forget(item)`, then `slowDelayMs`.
 *
 * Guarantees: per-item state only; `numRequeues` counts `when` calls.
 */
export function newItemFastSlowRateLimiter<T>(options: ItemFastSlowRateLimiterOptions): WorkqueueRateLimiter<T> {
  const { fastDelayMs, slowDelayMs, maxFastAttempts } = options;
  requireAtLeast('fastDelayMs', fastDelayMs, 0);
  requireAtLeast('slowDelayMs', slowDelayMs, 0);
  requireAtLeast('maxFastAttempts', maxFastAttempts, 0);
  const failures = new Map<T, number>();
  return {
    when(item) {
      const attempts = (failures.get(item) ?? 0) + 1;
      failures.set(item, attempts);
      return attempts <= maxFastAttempts ? fastDelayMs : slowDelayMs;
    },
    forget(item) {
      failures.delete(item);
    },
    numRequeues(item) {
      return failures.get(item) ?? 0;
    },
  };
}
