import { describe, expect, it } from 'vitest';
import { type DelayingQueue, newDelayingQueue } from '../../../../src/controller/workqueue/index.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

/** Takes every item queued right now, marking each done. */
async function drain<T>(queue: DelayingQueue<T>): Promise<T[]> {
  const items: T[] = [];
  while (queue.len() > 0) {
    const result = await queue.get();
    if (result.shutdown) break;
    items.push(result.item);
    queue.done(result.item);
  }
  return items;
}

describe('newDelayingQueue', () => {
  it('adds at once when the delay is zero or negative, without a timer', () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.len()).toBe(2);
    expect(clock.sleeps.length).toBe(0);
  });

  it('adds an item once the clock reaches its ready time, not a millisecond before', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.addAfter('a', 50);
    await clock.advance(49);
    expect(queue.len()).toBe(0);
    await clock.advance(1);
    expect(await drain(queue)).toEqual(['a']);
  });

  it('adds waiting items in ready-time order, ties in the order they were scheduled', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.addAfter('c', 30);
    queue.addAfter('a', 10);
    queue.addAfter('b', 20);
    queue.addAfter('b2', 20);
    queue.addAfter('d', 40);
    await clock.advance(35);
    expect(await drain(queue)).toEqual(['a', 'b', 'b2', 'c']);
    await clock.advance(5);
    expect(await drain(queue)).toEqual(['d']);
  });

  it('keeps the earlier ready time when an item is scheduled twice, whichever comes first', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.addAfter('later-then-sooner', 100);
    queue.addAfter('later-then-sooner', 10);
    queue.addAfter('sooner-then-later', 10);
    queue.addAfter('sooner-then-later', 100);
    await clock.advance(10);
    expect(await drain(queue)).toEqual(['later-then-sooner', 'sooner-then-later']);
    await clock.advance(100);
    expect(queue.len()).toBe(0);
  });

  it('deduplicates a ready item against the same item already queued', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.add('a');
    queue.addAfter('a', 10);
    await clock.advance(10);
    expect(await drain(queue)).toEqual(['a']);
  });

  it('keeps one timer for 1,000 waiting items: never two pending, one scheduled when they arrive in order', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<number>({ clock });
    let mostPending = 0;
    for (let i = 1; i <= 1000; i++) {
      queue.addAfter(i, i);
      mostPending = Math.max(mostPending, clock.pending().length);
    }
    expect(mostPending).toBe(1);
    expect(clock.sleeps).toEqual([1]);
    await clock.advance(1000);
    expect(queue.len()).toBe(1000);
    expect(clock.pending()).toEqual([]);
  });

  it('replaces its one timer only when a sooner item arrives', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<number>({ clock });
    let mostPending = 0;
    for (let i = 1000; i >= 1; i--) {
      queue.addAfter(i, 1000 + (i % 7));
      mostPending = Math.max(mostPending, clock.pending().length);
    }
    // Ready times take the values 1000..1006 starting at 1006; the timer moves each time a new minimum arrives.
    expect(mostPending).toBe(1);
    expect(clock.sleeps).toEqual([1006, 1005, 1004, 1003, 1002, 1001, 1000]);
    await clock.advance(1006);
    expect(queue.len()).toBe(1000);
    expect(clock.pending()).toEqual([]);
  });

  it('re-arms the timer for the next waiting item after each firing', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.addAfter('a', 10);
    queue.addAfter('b', 30);
    await clock.advance(10);
    expect(await drain(queue)).toEqual(['a']);
    expect(clock.pending().length).toBe(1);
    await clock.advance(20);
    expect(await drain(queue)).toEqual(['b']);
    expect(clock.pending().length).toBe(0);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it('drops waiting items and cancels its timer on shutDown, and ignores addAfter afterwards', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.add('now');
    queue.addAfter('later', 10);
    queue.shutDown();
    expect(clock.pending().length).toBe(0);
    queue.addAfter('after', 0);
    queue.addAfter('after', 10);
    await clock.advance(100);
    expect(await drain(queue)).toEqual(['now']);
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('drops waiting items on shutDownWithDrain and waits for items being processed', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    queue.add('a');
    const taken = await queue.get();
    queue.addAfter('b', 10);
    let drained = false;
    void queue.shutDownWithDrain().then(() => {
      drained = true;
    });
    await clock.advance(10);
    expect(drained).toBe(false);
    expect(queue.len()).toBe(0);
    if (!taken.shutdown) queue.done(taken.item);
    await settle();
    expect(drained).toBe(true);
  });

  it('hands a delayed item to a worker already waiting in get', async () => {
    const clock = new FakeClock();
    const queue = newDelayingQueue<string>({ clock });
    const waiting = queue.get();
    queue.addAfter('a', 5);
    await clock.advance(5);
    expect(await waiting).toEqual({ item: 'a', shutdown: false });
  });

  it('runs on the real clock when none is given', async () => {
    const queue = newDelayingQueue<string>();
    queue.addAfter('a', 1);
    expect(await queue.get()).toEqual({ item: 'a', shutdown: false });
    queue.addAfter('b', 60_000);
    queue.shutDown();
    expect(await queue.get()).toEqual({ shutdown: true });
  });
});
