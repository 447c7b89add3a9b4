import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defaultControllerRateLimiter,
  newQueue,
  newRateLimitingQueue,
  type QueueGetResult,
  type RateLimitingQueue,
  type WorkqueueRateLimiter,
} from '../../../../src/controller/index.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('workqueue types', () => {
  it('narrows a get result to its item only when shutdown is false', async () => {
    const queue = newQueue<`${string}/${string}`>();
    queue.add('default/web');
    const result = await queue.get();
    expectTypeOf(result).toEqualTypeOf<QueueGetResult<`${string}/${string}`>>();
    if (result.shutdown) throw new Error('unexpected shutdown');
    expectTypeOf(result.item).toEqualTypeOf<`${string}/${string}`>();
    expect(result.item).toBe('default/web');
    // @ts-expect-error: an item of another type is refused
    queue.add(42);
  });

  it('ties the rate limiter to the queue item type', () => {
    const rateLimiter = defaultControllerRateLimiter<string>({ clock: new FakeClock() });
    expectTypeOf(rateLimiter).toEqualTypeOf<WorkqueueRateLimiter<string>>();
    const queue = newRateLimitingQueue({ rateLimiter });
    expectTypeOf(queue).toEqualTypeOf<RateLimitingQueue<string>>();
    queue.addRateLimited('a');
    expect(queue.numRequeues('a')).toBe(1);
    // @ts-expect-error: a number limiter cannot drive a string queue
    newRateLimitingQueue<string>({ rateLimiter: defaultControllerRateLimiter<number>() });
    queue.shutDown();
  });
});
