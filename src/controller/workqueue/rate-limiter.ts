/** Declares what a rate-limiting queue asks of its rate limiter. */

/**
 * Decides how long an item waits before it is retried (client-go's workqueue.RateLimiter), in milliseconds.
 *
 * Items are compared with SameValueZero, as the queue compares them.
 *
 * Guarantees (every implementation in kubeloop): `when` returns a finite number ≥ 0 and records one more failure
 * of the item where the limiter keeps per-item state; `forget` clears that state, so the next `when` starts over;
 * `numRequeues` reads the state without changing it. Calls are synchronous; time comes from an injected clock.
 *
 * @typeParam T - the item type.
 */
export interface WorkqueueRateLimiter<T> {
  /** Records a failure of `item` and returns how many milliseconds it should wait before it is retried. */
  when(item: T): number;
  /** Stops tracking `item` (it succeeded or was given up on); clears its failure count. */
  forget(item: T): void;
  /** How many failures of `item` have been recorded since it was last forgotten. */
  numRequeues(item: T): number;
}
