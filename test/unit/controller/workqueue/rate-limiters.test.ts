import { describe, expect, it } from 'vitest';
import {
  defaultControllerRateLimiter,
  newBucketRateLimiter,
  newItemExponentialFailureRateLimiter,
  newItemFastSlowRateLimiter,
  newMaxOfRateLimiter,
  newWithMaxWaitRateLimiter,
  WorkqueueOptionsError,
  type WorkqueueRateLimiter,
} from '../../../../src/controller/workqueue/index.js';
import { FakeClock } from '../../support/fake-clock.js';

function delays<T>(limiter: WorkqueueRateLimiter<T>, item: T, count: number): number[] {
  return Array.from({ length: count }, () => limiter.when(item));
}

describe('newItemExponentialFailureRateLimiter', () => {
  it('doubles from the base delay per failure of an item and stays at the cap', () => {
    const limiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 1000 });
    expect(delays(limiter, 'a', 10)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    expect(limiter.numRequeues('a')).toBe(10);
  });

  it('keeps a separate count per item', () => {
    const limiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 1, maxDelayMs: 1000 });
    expect(delays(limiter, 'a', 3)).toEqual([1, 2, 4]);
    expect(delays(limiter, 'b', 2)).toEqual([1, 2]);
    expect(limiter.numRequeues('a')).toBe(3);
    expect(limiter.numRequeues('b')).toBe(2);
  });

  it('starts over from the base delay after forget', () => {
    const limiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 1000 });
    delays(limiter, 'a', 4);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(delays(limiter, 'a', 3)).toEqual([5, 10, 20]);
  });

  it('returns the cap, never Infinity or NaN, after thousands of failures', () => {
    const limiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 1_000_000 });
    const all = delays(limiter, 'a', 2000);
    expect(all.at(-1)).toBe(1_000_000);
    expect(all.every((d) => Number.isFinite(d) && d <= 1_000_000)).toBe(true);
    const zeroBase = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 0, maxDelayMs: 10 });
    expect(delays(zeroBase, 'a', 1100).every((d) => d === 0)).toBe(true);
  });
});

describe('newItemFastSlowRateLimiter', () => {
  it('gives the fast delay for maxFastAttempts failures, then the slow delay', () => {
    const limiter = newItemFastSlowRateLimiter<string>({ fastDelayMs: 5, slowDelayMs: 10_000, maxFastAttempts: 3 });
    expect(delays(limiter, 'a', 5)).toEqual([5, 5, 5, 10_000, 10_000]);
    expect(limiter.numRequeues('a')).toBe(5);
    expect(delays(limiter, 'b', 1)).toEqual([5]);
    limiter.forget('a');
    expect(delays(limiter, 'a', 4)).toEqual([5, 5, 5, 10_000]);
  });
});

describe('newBucketRateLimiter', () => {
  it('lets a burst through at once, then spaces retries 100 ms apart at 10 qps', () => {
    const clock = new FakeClock();
    const limiter = newBucketRateLimiter<string>({ qps: 10, burst: 100, clock });
    const burst = Array.from({ length: 100 }, (_, i) => limiter.when(`item-${i}`));
    expect(burst.every((d) => d === 0)).toBe(true);
    expect(delays(limiter, 'x', 4)).toEqual([100, 200, 300, 400]);
  });

  it('refills at qps up to the burst, after paying back the tokens reserved ahead', async () => {
    const clock = new FakeClock();
    const limiter = newBucketRateLimiter<string>({ qps: 10, burst: 2, clock });
    expect(delays(limiter, 'x', 3)).toEqual([0, 0, 100]);
    await clock.advance(100);
    // The token reserved for the third call is now spent; the bucket is empty again.
    expect(limiter.when('x')).toBe(100);
    await clock.advance(1000);
    expect(delays(limiter, 'x', 3)).toEqual([0, 0, 100]);
  });

  it('keeps no per-item state', () => {
    const limiter = newBucketRateLimiter<string>({ qps: 1, burst: 1, clock: new FakeClock() });
    limiter.when('a');
    expect(limiter.numRequeues('a')).toBe(0);
    limiter.forget('a');
    expect(limiter.when('b')).toBe(1000);
  });
});

describe('newMaxOfRateLimiter', () => {
  it('returns the longest delay of its limiters, each of which records every failure', () => {
    const fastSlow = newItemFastSlowRateLimiter<string>({ fastDelayMs: 50, slowDelayMs: 500, maxFastAttempts: 2 });
    const exponential = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 10, maxDelayMs: 10_000 });
    const limiter = newMaxOfRateLimiter(fastSlow, exponential);
    // exponential: 10 20 40 80 160 320; fast-slow: 50 50 500 500 500 500
    expect(delays(limiter, 'a', 6)).toEqual([50, 50, 500, 500, 500, 500]);
    expect(delays(limiter, 'a', 2)).toEqual([640, 1280]);
    expect(limiter.numRequeues('a')).toBe(8);
    limiter.forget('a');
    expect(fastSlow.numRequeues('a')).toBe(0);
    expect(exponential.numRequeues('a')).toBe(0);
    expect(delays(limiter, 'a', 1)).toEqual([50]);
  });

  it('reports the largest numRequeues among its limiters', () => {
    const a = newItemFastSlowRateLimiter<string>({ fastDelayMs: 1, slowDelayMs: 2, maxFastAttempts: 1 });
    const b = newItemFastSlowRateLimiter<string>({ fastDelayMs: 1, slowDelayMs: 2, maxFastAttempts: 1 });
    b.when('x');
    const limiter = newMaxOfRateLimiter(a, b);
    limiter.when('x');
    expect(limiter.numRequeues('x')).toBe(2);
  });
});

describe('newWithMaxWaitRateLimiter', () => {
  it('clamps the wrapped delays to maxDelayMs and passes forget and numRequeues through', () => {
    const inner = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 100, maxDelayMs: 100_000 });
    const limiter = newWithMaxWaitRateLimiter({ limiter: inner, maxDelayMs: 500 });
    expect(delays(limiter, 'a', 5)).toEqual([100, 200, 400, 500, 500]);
    expect(limiter.numRequeues('a')).toBe(5);
    limiter.forget('a');
    expect(inner.numRequeues('a')).toBe(0);
    expect(delays(limiter, 'a', 1)).toEqual([100]);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('backs one item off from 5 ms, doubling, capped at 1000 s', () => {
    const limiter = defaultControllerRateLimiter<string>({ clock: new FakeClock() });
    const all = delays(limiter, 'a', 30);
    expect(all.slice(0, 8)).toEqual([5, 10, 20, 40, 80, 160, 320, 640]);
    // 5 ms · 2^17 = 655.36 s is the last step below the cap; 5 ms · 2^18 exceeds it.
    expect(all[17]).toBe(655_360);
    expect(all.slice(18)).toEqual(Array(12).fill(1_000_000));
  });

  it('holds many items to 10 retries per second after a burst of 100', () => {
    const limiter = defaultControllerRateLimiter<number>({ clock: new FakeClock() });
    const first = Array.from({ length: 100 }, (_, i) => limiter.when(i));
    expect(first.every((d) => d === 5)).toBe(true);
    expect([limiter.when(100), limiter.when(101), limiter.when(102)]).toEqual([100, 200, 300]);
  });
});

describe('rate limiter options', () => {
  it.each([
    ['a negative exponential base', () => newItemExponentialFailureRateLimiter({ baseDelayMs: -1, maxDelayMs: 1 })],
    ['a NaN exponential cap', () => newItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: Number.NaN })],
    [
      'a negative fast-slow attempt count',
      () => newItemFastSlowRateLimiter({ fastDelayMs: 1, slowDelayMs: 2, maxFastAttempts: -1 }),
    ],
    ['a zero qps', () => newBucketRateLimiter({ qps: 0, burst: 1 })],
    ['a burst below 1', () => newBucketRateLimiter({ qps: 1, burst: 0 })],
    ['no limiters to take the max of', () => newMaxOfRateLimiter()],
  ])('rejects %s with WorkqueueOptionsError', (_what, build) => {
    expect(build).toThrow(WorkqueueOptionsError);
    try {
      build();
    } catch (error) {
      expect((error as WorkqueueOptionsError).code).toBe('WORKQUEUE_OPTIONS');
    }
  });
});
