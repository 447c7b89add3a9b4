/** Caps the delay of another rate limiter. */
import { requireAtLeast } from './errors.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/** Options for newWithMaxWaitRateLimiter. */
export interface WithMaxWaitRateLimiterOptions<T> {
  /** The limiter whose delays are capped. */
  readonly limiter: WorkqueueRateLimiter<T>;
  /** The longest delay returned, in ms. */
  readonly maxDelayMs: number;
}

/**
 * Returns a limiter whose `when` is min(limiter.when(item), maxDelayMs) (client-go's WithMaxWaitRateLimiter).
 *
 * Guarantees: the wrapped limiter still records every call; `forget` and `numRequeues` go to it unchanged.
 */
export function newWithMaxWaitRateLimiter<T>(options: WithMaxWaitRateLimiterOptions<T>): WorkqueueRateLimiter<T> {
  const { limiter, maxDelayMs } = options;
  requireAtLeast('maxDelayMs', maxDelayMs, 0);
  return {
    when: (item) => Math.min(limiter.when(item), maxDelayMs),
    forget: (item) => limiter.forget(item),
    numRequeues: (item) => limiter.numRequeues(item),
  };
}
