/** Backs off per item exponentially: base·2^failures, capped. */
import { requireAtLeast } from './errors.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/** Options for newItemExponentialFailureRateLimiter. */
export interface ItemExponentialFailureRateLimiterOptions {
  /** The first delay, in ms (client-go's controller default is 5 ms). */
  readonly baseDelayMs: number;
  /** The cap, in ms (client-go's controller default is 1000 s). */
  readonly maxDelayMs: number;
}

/**
 * Returns a limiter whose n-th `when(item)` since the last `forget(item)` (n from 0) is min(base·2^n, max).
 *
 * Guarantees: per-item state only (items do not slow each other down); the delay never overflows, however many
 * failures: once base·2^n exceeds the cap (or the float range) it is the cap; `numRequeues` counts `when` calls.
 */
export function newItemExponentialFailureRateLimiter<T>(
  options: ItemExponentialFailureRateLimiterOptions,
): WorkqueueRateLimiter<T> {
  const { baseDelayMs, maxDelayMs } = options;
  requireAtLeast('baseDelayMs', baseDelayMs, 0);
  requireAtLeast('maxDelayMs', maxDelayMs, 0);
  const failures = new Map<T, number>();
  return {
    when(item) {
      const exponent = failures.get(item) ?? 0;
      failures.set(item, exponent + 1);
      if (baseDelayMs === 0) return 0;
      // 2 ** exponent is Infinity past 1023, and Infinity > maxDelayMs: no overflow to guard beyond the cap.
      const backoff = baseDelayMs * 2 ** exponent;
      return backoff > maxDelayMs ? maxDelayMs : backoff;
    },
    forget(item) {
      failures.delete(item);
    },
    numRequeues(item) {
      return failures.get(item) ?? 0;
    },
  };
}
