/** Requeues items after the delay a rate limiter asks for. */
import { type DelayingQueue, newDelayingQueue } from './delaying-queue.js';
import type { QueueGetResult, QueueOptions } from './queue.js';
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
  const { rateLimiter, ...queueOptions } = options;
  const queue = newDelayingQueue<T>(queueOptions);
  return {
    addRateLimited: (item) => queue.addAfter(item, rateLimiter.when(item)),
    forget: (item) => rateLimiter.forget(item),
    numRequeues: (item) => rateLimiter.numRequeues(item),
    addAfter: (item, delayMs) => queue.addAfter(item, delayMs),
    add: (item) => queue.add(item),
    len: () => queue.len(),
    get: (signal?: AbortSignal): Promise<QueueGetResult<T>> => queue.get(signal),
    done: (item) => queue.done(item),
    shutDown: () => queue.shutDown(),
    shutDownWithDrain: (signal?: AbortSignal) => queue.shutDownWithDrain(signal),
    shuttingDown: () => queue.shuttingDown(),
  };
}
