import { describe, expect, it } from 'vitest';
import { DeltaFIFO, FIFOClosedError, RequeueError } from '../../../src/cache/delta-fifo.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { obj, type TestObject } from './objects.js';

describe('DeltaFIFO.popBatch', () => {
  it('pops every key queued when it starts, in queue order, each with its key and deltas', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.add(obj('ns', 'b', '1'));
    fifo.update(obj('ns', 'a', '2'));
    const seen: string[] = [];
    const popped = await fifo.popBatch((deltas, _initial, key) => {
      const versions = deltas.map((d) =>
        d.object instanceof DeletedFinalStateUnknown ? 'tombstone' : d.object.metadata?.resourceVersion,
      );
      seen.push(`${key}:${versions.join(',')}`);
    });
    expect(popped).toBe(2);
    expect(seen).toEqual(['ns/a:1,2', 'ns/b:1']);
    expect(fifo.listKeys()).toEqual([]);
  });

  it('leaves keys queued during the batch for the next one', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    const seen: string[] = [];
    await fifo.popBatch((_deltas, _initial, key) => {
      seen.push(key);
      fifo.add(obj('ns', 'c', '1'));
    });
    expect(seen).toEqual(['ns/a']);
    expect(fifo.listKeys()).toEqual(['ns/c']);
  });

  it('waits for the first key, and awaits an async processor before the next key', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    const order: string[] = [];
    const batch = fifo.popBatch(async (_deltas, _initial, key) => {
      order.push(`start ${key}`);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(`end ${key}`);
    });
    fifo.add(obj('ns', 'a', '1'));
    fifo.add(obj('ns', 'b', '1'));
    expect(await batch).toBe(2);
    expect(order).toEqual(['start ns/a', 'end ns/a', 'start ns/b', 'end ns/b']);
  });

  it('puts back a key whose processor throws RequeueError and goes on with the rest', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.add(obj('ns', 'b', '1'));
    const seen: string[] = [];
    await fifo.popBatch((_deltas, _initial, key) => {
      seen.push(key);
      if (key === 'ns/a') throw new RequeueError('later');
    });
    expect(seen).toEqual(['ns/a', 'ns/b']);
    expect(fifo.listKeys()).toEqual(['ns/a']);
  });

  it('stops at another error, keeping the keys after it queued', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.add(obj('ns', 'b', '1'));
    const boom = new Error('boom');
    await expect(
      fifo.popBatch(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(fifo.listKeys()).toEqual(['ns/b']);
  });

  it('marks the last item of the initial list as still in it, then hasSynced turns true', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.replace([obj('ns', 'a', '1'), obj('ns', 'b', '1')], '1');
    const initial: boolean[] = [];
    await fifo.popBatch((_deltas, isInInitialList) => {
      initial.push(isInInitialList);
    });
    expect(initial).toEqual([true, true]);
    expect(fifo.hasSynced()).toBe(true);
  });

  it('rejects with FIFOClosedError once closed and empty', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.close();
    await expect(fifo.popBatch(() => undefined)).rejects.toBeInstanceOf(FIFOClosedError);
  });
});
