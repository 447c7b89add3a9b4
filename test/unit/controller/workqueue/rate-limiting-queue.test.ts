import { describe, expect, it } from 'vitest';
import {
  newItemExponentialFailureRateLimiter,
  newRateLimitingQueue,
  type RateLimitingQueue,
} from '../../../../src/controller/workqueue/index.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

async function drain<T>(queue: RateLimitingQueue<T>): Promise<T[]> {
  const items: T[] = [];
  while (queue.len() > 0) {
    const result = await queue.get();
    if (result.shutdown) break;
    items.push(result.item);
    queue.done(result.item);
  }
  return items;
}

function setup(): { clock: FakeClock; queue: RateLimitingQueue<string> } {
  const clock = new FakeClock();
  const rateLimiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 40 });
  return { clock, queue: newRateLimitingQueue<string>({ rateLimiter, clock }) };
}

describe('newRateLimitingQueue', () => {
  it('adds a rate-limited item after the delay the limiter returns, growing with each failure', async () => {
    const { clock, queue } = setup();
    const readyAfter: number[] = [];
    for (let failure = 0; failure < 5; failure++) {
      queue.addRateLimited('a');
      let waited = 0;
      while (queue.len() === 0) {
        await clock.advance(1);
        waited++;
      }
      readyAfter.push(waited);
      await drain(queue);
    }
    expect(readyAfter).toEqual([5, 10, 20, 40, 40]);
    expect(queue.numRequeues('a')).toBe(5);
  });

  it('starts the backoff over after forget', async () => {
    const { clock, queue } = setup();
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    expect(queue.numRequeues('a')).toBe(2);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    // forget does not cancel the wait: the item still arrives at the earlier of its two ready times (5 ms).
    await clock.advance(5);
    expect(await drain(queue)).toEqual(['a']);
    queue.addRateLimited('a');
    await clock.advance(4);
    expect(queue.len()).toBe(0);
    await clock.advance(1);
    expect(await drain(queue)).toEqual(['a']);
  });

  it('offers addAfter, add and shutdown like the queues it builds on', async () => {
    const { clock, queue } = setup();
    queue.add('now');
    queue.addAfter('later', 10);
    await clock.advance(10);
    expect(await drain(queue)).toEqual(['now', 'later']);
    queue.addRateLimited('dropped');
    queue.shutDown();
    expect(queue.shuttingDown()).toBe(true);
    await clock.advance(100);
    expect(await queue.get()).toEqual({ shutdown: true });
    await expect(queue.shutDownWithDrain()).resolves.toBeUndefined();
  });

  it('lets workers retry failing items with backoff, one worker per item, until each succeeds', async () => {
    const clock = new FakeClock();
    const rateLimiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 10, maxDelayMs: 1000 });
    const queue = newRateLimitingQueue<string>({ rateLimiter, clock });
    const failuresLeft = new Map([
      ['a', 3],
      ['b', 0],
      ['c', 5],
    ]);
    const attempts = new Map<string, number>();
    const held = new Set<string>();
    let overlaps = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const result = await queue.get();
        if (result.shutdown) return;
        const key = result.item;
        if (held.has(key)) overlaps++;
        held.add(key);
        attempts.set(key, (attempts.get(key) ?? 0) + 1);
        await settle();
        held.delete(key);
        const left = failuresLeft.get(key) ?? 0;
        if (left > 0) {
          failuresLeft.set(key, left - 1);
          queue.addRateLimited(key);
        } else {
          queue.forget(key);
        }
        queue.done(key);
      }
    };
    const workers = [worker(), worker(), worker()];
    for (const key of failuresLeft.keys()) queue.add(key);
    for (let step = 0; attempts.get('c') !== 6 && step < 100; step++) {
      await settle();
      await clock.advance(10);
    }
    await settle();
    expect(Object.fromEntries(attempts)).toEqual({ a: 4, b: 1, c: 6 });
    expect(overlaps).toBe(0);
    // a and c fail in step, so one timer serves both: c's backoff 10, 20, 40, 80, 160 ms (a's is its prefix).
    expect(clock.sleeps).toEqual([10, 20, 40, 80, 160]);
    expect([queue.numRequeues('a'), queue.numRequeues('b'), queue.numRequeues('c')]).toEqual([0, 0, 0]);
    queue.shutDown();
    await Promise.all(workers);
  });
});
