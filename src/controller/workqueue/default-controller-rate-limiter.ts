/** Builds client-go's default controller rate limiter: per-item exponential backoff under an overall token bucket. */
import type { Clock } from '../../client/rest/clock.js';
import { newBucketRateLimiter } from './bucket-rate-limiter.js';
import { newItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter.js';
import { newMaxOfRateLimiter } from './max-of-rate-limiter.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/** Options for defaultControllerRateLimiter. */
export interface DefaultControllerRateLimiterOptions {
  /** The bucket's clock; defaults to the real clock. Pass the queue's clock so both agree on time. */
  readonly clock?: Clock | undefined;
}

/**
 * Returns max(item exponential 5 ms · 2^n capped at 1000 s, bucket 10 qps burst 100), client-go's
 * DefaultControllerRateLimiter: one failing item backs off exponentially; a storm of failures is held to 10
 * retries/s overall after the first 100. The numbers are client-go's, so controllers ported from Go behave alike.
 *
 * Guarantees: those of newMaxOfRateLimiter over the two limiters; `numRequeues` is the item's failure count.
 */
export function defaultControllerRateLimiter<T>(
  options: DefaultControllerRateLimiterOptions = {},
): WorkqueueRateLimiter<T> {
  return newMaxOfRateLimiter<T>(
    newItemExponentialFailureRateLimiter<T>({ baseDelayMs: 5, maxDelayMs: 1_000_000 }),
    newBucketRateLimiter<T>({ qps: 10, burst: 100, clock: options.clock }),
  );
}
