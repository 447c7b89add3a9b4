/** Limits the overall retry rate with a token bucket shared by all items. */
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { requireAtLeast, WorkqueueOptionsError } from './errors.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/** Options for newBucketRateLimiter. */
export interface BucketRateLimiterOptions {
  /** Tokens added per second (client-go's controller default is 10). */
  readonly qps: number;
  /** The bucket's size: how many retries may go at once (client-go's controller default is 100). */
  readonly burst: number;
  /** Where time comes from; defaults to the real clock (`systemClock`). */
  readonly clock?: Clock | undefined;
}

/**
 * Returns a token bucket limiter (client-go's BucketRateLimiter over golang.org/x/time/rate): the bucket starts full
 * with `burst` tokens and refills at `qps` per second; each `when` reserves one token, now or in the future, and
 * returns how long until that token exists.
 *
 * Guarantees: no per-item state (`forget` does nothing, `numRequeues` is always 0); reservations are never
 * returned, so k calls at one instant after the burst is spent get delays 1/qps, 2/qps, … k/qps seconds.
 */
export function newBucketRateLimiter<T>(options: BucketRateLimiterOptions): WorkqueueRateLimiter<T> {
  const { qps, burst } = options;
  if (!(qps > 0 && Number.isFinite(qps)))
    throw new WorkqueueOptionsError(`qps must be a finite number > 0, got ${qps}`);
  requireAtLeast('burst', burst, 1);
  const clock = options.clock ?? systemClock;
  /** Tokens available at `last`; negative when future tokens are reserved. */
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      if (now > last) {
        tokens = Math.min(burst, tokens + ((now - last) * qps) / 1000);
        last = now;
      }
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens * 1000) / qps;
    },
    forget() {},
    numRequeues() {
      return 0;
    },
  };
}
