import { describe, expect, it } from 'vitest';
import {
  defaultBurst,
  defaultQps,
  rateLimiterFor,
  TokenBucketRateLimiter,
} from '../../../src/client/rest/rate-limiter.js';
import { fakeClock } from './fake-clock.js';

describe('TokenBucketRateLimiter', () => {
  it('lets a burst through, then spaces requests 1/qps apart', async () => {
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter(2, 3, clock);
    for (let i = 0; i < 6; i++) await limiter.wait();
    expect(clock.sleeps).toEqual([500, 500, 500]);
  });

  it('refills tokens as time passes, up to the burst', async () => {
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter(10, 2, clock);
    await limiter.wait();
    await limiter.wait();
    clock.advance(60_000);
    await limiter.wait();
    await limiter.wait();
    await limiter.wait();
    expect(clock.sleeps).toEqual([100]);
  });

  it('reserves tokens in call order for concurrent waiters', async () => {
    const clock = fakeClock({ frozen: true });
    const limiter = new TokenBucketRateLimiter(1, 1, clock);
    await Promise.all([limiter.wait(), limiter.wait(), limiter.wait()]);
    expect(clock.requestedSleeps).toEqual([1000, 2000]);
  });

  it('returns the token of an aborted wait', async () => {
    const clock = fakeClock({ manual: true });
    const limiter = new TokenBucketRateLimiter(1, 1, clock);
    await limiter.wait();
    const controller = new AbortController();
    const aborted = limiter.wait(controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    void limiter.wait();
    expect(clock.requestedSleeps).toEqual([1000, 1000]);
  });
});

describe('rateLimiterFor', () => {
  it('uses the documented controller defaults when the config sets none', async () => {
    const clock = fakeClock();
    const limiter = rateLimiterFor({}, clock);
    for (let i = 0; i < defaultBurst + 1; i++) await limiter?.wait();
    expect(clock.sleeps).toEqual([1000 / defaultQps]);
  });

  it('takes qps and burst from the config', async () => {
    const clock = fakeClock();
    const limiter = rateLimiterFor({ qps: 4, burst: 1 }, clock);
    await limiter?.wait();
    await limiter?.wait();
    expect(clock.sleeps).toEqual([250]);
  });

  it('disables throttling when qps is negative', () => {
    expect(rateLimiterFor({ qps: -1 }, fakeClock())).toBeUndefined();
  });
});
