import { describe, expect, it } from 'vitest';
import { newQueue, type Queue } from '../../../../src/controller/workqueue/index.js';
import { settle } from '../../support/fake-clock.js';

async function take<T>(queue: Queue<T>): Promise<T> {
  const result = await queue.get();
  if (result.shutdown) throw new Error('queue shut down');
  return result.item;
}

/** Resolves to 'pending' if `promise` has not settled once pending callbacks ran. */
async function stateOf(promise: Promise<unknown>): Promise<unknown> {
  let state: unknown = 'pending';
  promise.then(
    (value) => {
      state = value;
    },
    (error: unknown) => {
      state = { rejected: error };
    },
  );
  await settle();
  return state;
}

describe('newQueue', () => {
  it('hands items out in the order they were first added, each once however often it was added', async () => {
    const queue = newQueue<string>();
    for (const key of ['a', 'b', 'a', 'c', 'b', 'a']) queue.add(key);
    expect(queue.len()).toBe(3);
    expect([await take(queue), await take(queue), await take(queue)]).toEqual(['a', 'b', 'c']);
    expect(queue.len()).toBe(0);
  });

  it('compares items as a Map does: strings by value, objects by identity', async () => {
    const queue = newQueue<{ key: string } | string>();
    const first = { key: 'x' };
    queue.add(first);
    queue.add(first);
    queue.add({ key: 'x' });
    queue.add(`${'ns/'}name`);
    queue.add('ns/name');
    expect(queue.len()).toBe(3);
  });

  it('keeps a pending get waiting until an item is added, then resolves it with that item', async () => {
    const queue = newQueue<string>();
    const pending = queue.get();
    expect(await stateOf(pending)).toBe('pending');
    queue.add('a');
    expect(await pending).toEqual({ item: 'a', shutdown: false });
    expect(queue.len()).toBe(0);
  });

  it('serves waiting gets in call order, one item each', async () => {
    const queue = newQueue<string>();
    const first = queue.get();
    const second = queue.get();
    queue.add('a');
    expect(await stateOf(second)).toBe('pending');
    queue.add('b');
    expect(await first).toEqual({ item: 'a', shutdown: false });
    expect(await second).toEqual({ item: 'b', shutdown: false });
  });

  it('does not hand out an item being processed, even when it is added again', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    expect(await take(queue)).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const next = queue.get();
    expect(await stateOf(next)).toBe('pending');
    queue.done('a');
    expect(await next).toEqual({ item: 'a', shutdown: false });
  });

  it('hands an item added during processing out exactly once more after done', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await take(queue);
    queue.add('a');
    queue.done('a');
    expect(queue.len()).toBe(1);
    expect(await take(queue)).toBe('a');
    queue.done('a');
    expect(queue.len()).toBe(0);
    expect(await stateOf(queue.get())).toBe('pending');
  });

  it('does not requeue an item done without having been added again', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await take(queue);
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('ignores done for an item that is not being processed, so a queued item is never doubled', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    queue.done('a');
    queue.done('b');
    expect(queue.len()).toBe(1);
    expect(await take(queue)).toBe('a');
    queue.add('a');
    queue.done('a');
    queue.done('a');
    expect(queue.len()).toBe(1);
  });

  it('rejects a get whose signal aborts, and gives the next item to the next waiter instead', async () => {
    const queue = newQueue<string>();
    const controller = new AbortController();
    const aborted = queue.get(controller.signal);
    const other = queue.get();
    controller.abort(new Error('stop waiting'));
    await expect(aborted).rejects.toThrow('stop waiting');
    queue.add('a');
    expect(await other).toEqual({ item: 'a', shutdown: false });
    await expect(queue.get(controller.signal)).rejects.toThrow('stop waiting');
  });

  it('still hands out queued items after shutDown, then resolves every get with the shutdown marker', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    queue.add('b');
    queue.shutDown();
    expect(queue.shuttingDown()).toBe(true);
    queue.add('c');
    expect(queue.len()).toBe(2);
    expect(await take(queue)).toBe('a');
    expect(await take(queue)).toBe('b');
    expect(await queue.get()).toEqual({ shutdown: true });
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('releases gets already waiting when it shuts down', async () => {
    const queue = newQueue<string>();
    const waiting = [queue.get(), queue.get()];
    queue.shutDown();
    expect(await Promise.all(waiting)).toEqual([{ shutdown: true }, { shutdown: true }]);
  });

  it('requeues on done after shutDown an item added before it, as client-go does', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await take(queue);
    queue.add('a');
    queue.shutDown();
    queue.done('a');
    expect(await take(queue)).toBe('a');
    queue.done('a');
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('resolves shutDownWithDrain only when every handed-out item is done', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    queue.add('b');
    await take(queue);
    await take(queue);
    const drained = queue.shutDownWithDrain();
    expect(queue.shuttingDown()).toBe(true);
    queue.done('a');
    expect(await stateOf(drained)).toBe('pending');
    queue.done('b');
    expect(await stateOf(drained)).toBeUndefined();
  });

  it('ends the drain when the last item in progress is done, even if it was added again meanwhile', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await take(queue);
    queue.add('a');
    const drained = queue.shutDownWithDrain();
    queue.done('a');
    expect(await stateOf(drained)).toBeUndefined();
    expect(queue.len()).toBe(1);
  });

  it('resolves shutDownWithDrain at once when nothing is being processed, even with items still queued', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await expect(queue.shutDownWithDrain()).resolves.toBeUndefined();
    expect(queue.len()).toBe(1);
  });

  it('stops draining when shutDown is called', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await take(queue);
    const drained = queue.shutDownWithDrain();
    expect(await stateOf(drained)).toBe('pending');
    queue.shutDown();
    expect(await stateOf(drained)).toBeUndefined();
  });

  it('rejects shutDownWithDrain when its signal aborts first, and stays shut down', async () => {
    const queue = newQueue<string>();
    queue.add('a');
    await take(queue);
    const controller = new AbortController();
    const drained = queue.shutDownWithDrain(controller.signal);
    controller.abort(new Error('drain timeout'));
    await expect(drained).rejects.toThrow('drain timeout');
    expect(queue.shuttingDown()).toBe(true);
  });

  it('never gives one item to two of many concurrent workers, and requeues each add made during processing once', async () => {
    const queue = newQueue<number>();
    const keys = 20;
    const held = new Set<number>();
    const handedOut = new Map<number, number>();
    const addsDuringProcessing = new Map<number, number>();
    let overlaps = 0;
    let step = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const result = await queue.get();
        if (result.shutdown) return;
        const { item } = result;
        if (held.has(item)) overlaps++;
        held.add(item);
        handedOut.set(item, (handedOut.get(item) ?? 0) + 1);
        // A deterministic interleaving: some items are re-added (twice) while they are being processed.
        step++;
        if (step % 3 === 0 && (addsDuringProcessing.get(item) ?? 0) < 2) {
          queue.add(item);
          queue.add(item);
          addsDuringProcessing.set(item, (addsDuringProcessing.get(item) ?? 0) + 1);
        }
        for (let i = 0; i < (item % 4) + 1; i++) await Promise.resolve();
        held.delete(item);
        queue.done(item);
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    for (let round = 0; round < 3; round++) {
      for (let key = 0; key < keys; key++) queue.add(key);
      await settle();
    }
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect([...addsDuringProcessing.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (let key = 0; key < keys; key++) {
      // 3 rounds of adds, each landing on an idle queue (settle drains it), plus one per re-add while processing.
      expect(handedOut.get(key)).toBe(3 + (addsDuringProcessing.get(key) ?? 0));
    }
  });
});
