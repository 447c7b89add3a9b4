/** Combines rate limiters by taking the longest delay any of them asks for. */
import { WorkqueueOptionsError } from './errors.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/**
 * Returns a limiter whose `when` is the maximum of its limiters' `when` (client-go's MaxOfRateLimiter).
 *
 * Guarantees: every limiter sees every call (each records the failure, even when another's delay wins);
 * `numRequeues` is the maximum of theirs; `forget` forgets in all of them.
 */
export function newMaxOfRateLimiter<T>(...limiters: WorkqueueRateLimiter<T>[]): WorkqueueRateLimiter<T> {
  if (limiters.length === 0) throw new WorkqueueOptionsError('newMaxOfRateLimiter needs at least one limiter');
  return {
    when(item) {
      let longest = 0;
      for (const limiter of limiters) longest = Math.max(longest, limiter.when(item));
      return longest;
    },
    forget(item) {
      for (const limiter of limiters) limiter.forget(item);
    },
    numRequeues(item) {
      let most = 0;
      for (const limiter of limiters) most = Math.max(most, limiter.numRequeues(item));
      return most;
    },
  };
}
