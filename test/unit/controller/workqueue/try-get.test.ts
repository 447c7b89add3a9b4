import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  newItemExponentialFailureRateLimiter,
  newPrometheusMetricsProvider,
  newQueue,
  newRateLimitingQueue,
  type Queue,
} from '../../../../src/controller/workqueue/index.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

/** Takes the next item as the controller's workers do: at once when one is queued, else by waiting. */
async function take<T>(queue: Queue<T>): Promise<T> {
  const result = queue.tryGet() ?? (await queue.get());
  if (result.shutdown) throw new Error('queue shut down');
  return result.item;
}

describe('Queue.tryGet', () => {
  it('returns queued items at once in the order first added, and undefined, taking nothing, when empty', () => {
    const queue = newQueue<string>();
    expect(queue.tryGet()).toBeUndefined();
    for (const key of ['a', 'b', 'a']) queue.add(key);
    expect(queue.tryGet()).toEqual({ item: 'a', shutdown: false });
    expect(queue.tryGet()).toEqual({ item: 'b', shutdown: false });
    expect(queue.tryGet()).toBeUndefined();
    expect(queue.len()).toBe(0);
  });

  it('never returns an item being processed; an add during processing returns it exactly once after done', () => {
    const queue = newQueue<string>();
    queue.add('a');
    expect(queue.tryGet()).toEqual({ item: 'a', shutdown: false });
    queue.add('a');
    queue.add('a');
    expect(queue.tryGet()).toBeUndefined();
    queue.done('a');
    expect(queue.tryGet()).toEqual({ item: 'a', shutdown: false });
    queue.done('a');
    expect(queue.tryGet()).toBeUndefined();
  });

  it('leaves an added item to the get already waiting for it', async () => {
    const queue = newQueue<string>();
    const waiting = queue.get();
    queue.add('a');
    expect(queue.tryGet()).toBeUndefined();
    expect(await waiting).toEqual({ item: 'a', shutdown: false });
  });

  it('returns items queued before shutDown, then the shutdown marker', () => {
    const queue = newQueue<string>();
    queue.add('a');
    queue.shutDown();
    queue.add('b');
    expect(queue.tryGet()).toEqual({ item: 'a', shutdown: false });
    expect(queue.tryGet()).toEqual({ shutdown: true });
  });

  it('resolves a get waiting when the queue shuts down with the marker; a later abort of its signal changes nothing', async () => {
    const queue = newQueue<string>();
    const controller = new AbortController();
    const waiting = queue.get(controller.signal);
    queue.shutDown();
    controller.abort(new Error('too late'));
    expect(await waiting).toEqual({ shutdown: true });
    expect(queue.tryGet()).toEqual({ shutdown: true });
  });

  it('lets a drain end only once an item taken with tryGet is done', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    expect(queue.tryGet()).toEqual({ item: 'a', shutdown: false });
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => {
      drained = true;
    });
    await settle();
    expect(drained).toBe(false);
    queue.done('a');
    await drain;
    expect(drained).toBe(true);
  });

  it('records a hand-out in the metrics as get does', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const queue = newQueue<string>({ name: 'q', metricsProvider: newPrometheusMetricsProvider({ registry }), clock });
    queue.add('a');
    await clock.advance(2000);
    queue.tryGet();
    const read = async (metric: string): Promise<{ value: number; metricName?: string }[]> =>
      (await registry.getSingleMetric(metric)?.get())?.values ?? [];
    expect((await read('workqueue_depth'))[0]?.value).toBe(0);
    const waits = await read('workqueue_queue_duration_seconds');
    expect(waits.find((v) => v.metricName === 'workqueue_queue_duration_seconds_sum')?.value).toBe(2);
  });

  it('returns a rate-limited item from the rate-limiting queue once its delay passed', async () => {
    const clock = new FakeClock();
    const rateLimiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 40 });
    const queue = newRateLimitingQueue<string>({ rateLimiter, clock });
    queue.addRateLimited('a');
    expect(queue.tryGet()).toBeUndefined();
    await clock.advance(5);
    expect(queue.tryGet()).toEqual({ item: 'a', shutdown: false });
    queue.shutDown();
  });

  it('never gives one item to two workers that mix tryGet and get, and requeues each add during processing once', async () => {
    const queue = newQueue<number>();
    const held = new Set<number>();
    const handedOut = new Map<number, number>();
    let overlaps = 0;
    let readds = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        let item: number;
        try {
          item = await take(queue);
        } catch {
          return;
        }
        if (held.has(item)) overlaps++;
        held.add(item);
        handedOut.set(item, (handedOut.get(item) ?? 0) + 1);
        if (item % 2 === 0 && handedOut.get(item) === 1) {
          queue.add(item); // while processing: handed out once more after done
          readds++;
        }
        for (let i = 0; i < (item % 3) + 1; i++) await Promise.resolve();
        held.delete(item);
        queue.done(item);
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    for (let key = 0; key < 10; key++) queue.add(key);
    await settle();
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(readds).toBe(5);
    for (let key = 0; key < 10; key++) expect(handedOut.get(key)).toBe(key % 2 === 0 ? 2 : 1);
  });
});
