/** Requeues items after the delay a rate limiter asks for. */
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { type DelayingQueue, DelayingWorkQueue } from './delaying-queue.js';
import { type QueueMetrics, queueMetricsFor } from './metrics.js';
import type { QueueOptions } from './queue.js';
import type { WorkqueueRateLimiter } from './rate-limiter.js';

/** Options for newRateLimitingQueue. */
export interface RateLimitingQueueOptions<T> extends QueueOptions {
  /** Decides each item's retry delay; defaultControllerRateLimiter is client-go's usual choice. */
  readonly rateLimiter: WorkqueueRateLimiter<T>;
}

/**
 * A delaying queue with rate-limited requeues (client-go's workqueue.RateLimitingInterface).
 *
 * Guarantees, beyond DelayingQueue's: `addRateLimited(item)` is exactly `addAfter(item, rateLimiter.when(item))`;
 * `forget` and `numRequeues` go to the rate limiter unchanged (`forget` does not remove a waiting item).
 *
 * @typeParam T - the item type.
 */
export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  /** Adds `item` after the rate limiter's delay for it (the limiter records the failure even after shutdown). */
  addRateLimited(item: T): void;
  /** Tells the rate limiter that `item` is done with retries (it succeeded or was given up on). */
  forget(item: T): void;
  /** How many times the rate limiter has delayed `item` since it was last forgotten. */
  numRequeues(item: T): number;
}

/** Returns a new rate-limiting queue; see RateLimitingQueue for its guarantees. */
export function newRateLimitingQueue<T>(options: RateLimitingQueueOptions<T>): RateLimitingQueue<T> {
  const clock = options.clock ?? systemClock;
  const metrics = queueMetricsFor(options.name, options.metricsProvider, clock);
  return new RateLimitingWorkQueue<T>(options.rateLimiter, metrics, clock);
}

/** One object, no wrapper layers: add, get and done are WorkQueue's own methods. */
class RateLimitingWorkQueue<T> extends DelayingWorkQueue<T> implements RateLimitingQueue<T> {
  readonly #rateLimiter: WorkqueueRateLimiter<T>;

  constructor(rateLimiter: WorkqueueRateLimiter<T>, metrics: QueueMetrics | undefined, clock: Clock) {
    super(metrics, clock);
    this.#rateLimiter = rateLimiter;
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.#rateLimiter.when(item));
  }

  forget(item: T): void {
    this.#rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.#rateLimiter.numRequeues(item);
  }
}
