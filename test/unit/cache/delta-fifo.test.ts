import { describe, expect, it } from 'vitest';
import type { Deltas } from '../../../src/cache/delta.js';
import { DeltaFIFO, FIFOClosedError, type KnownObjects, RequeueError } from '../../../src/cache/delta-fifo.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { obj, type TestObject } from './objects.js';

const known = (...objects: TestObject[]): KnownObjects<TestObject> => {
  const map = new Map(objects.map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o]));
  return { listKeys: () => map.keys(), getByKey: (key) => map.get(key) };
};

const summary = (deltas: Deltas<TestObject>) =>
  deltas.map((d) =>
    d.object instanceof DeletedFinalStateUnknown
      ? `${d.type}:tombstone(${d.object.key}@${d.object.obj.metadata?.resourceVersion})`
      : `${d.type}:${d.object.metadata?.name}@${d.object.metadata?.resourceVersion}`,
  );

async function drain(fifo: DeltaFIFO<TestObject>): Promise<string[][]> {
  const out: string[][] = [];
  while (fifo.listKeys().length > 0) out.push(summary(await fifo.pop(() => undefined)));
  return out;
}

describe('DeltaFIFO', () => {
  it('queues a new key at the back and keeps a re-touched key in its place, deltas in order', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.add(obj('ns', 'b', '1'));
    fifo.update(obj('ns', 'a', '2'));
    expect(fifo.listKeys()).toEqual(['ns/a', 'ns/b']);
    expect(await drain(fifo)).toEqual([['Added:a@1', 'Updated:a@2'], ['Added:b@1']]);
  });

  it('collapses two trailing Deleted deltas into the older one', () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.delete(obj('ns', 'a', '2'));
    fifo.delete(obj('ns', 'a', '3'));
    expect(summary(fifo.getByKey('ns/a') ?? [])).toEqual(['Added:a@1', 'Deleted:a@2']);
  });

  it('keeps the newer Deleted delta when the older one holds a tombstone', () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.delete(new DeletedFinalStateUnknown('ns/a', obj('ns', 'a', '2')));
    fifo.delete(obj('ns', 'a', '3'));
    expect(summary(fifo.getByKey('ns/a') ?? [])).toEqual(['Added:a@1', 'Deleted:a@3']);
  });

  it('ignores a delete of a key it never saw when it has no known objects', () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.delete(obj('ns', 'ghost'));
    expect(fifo.listKeys()).toEqual([]);
  });

  it('accepts a delete of a key only the known objects have, and ignores one known nowhere', () => {
    const fifo = new DeltaFIFO<TestObject>({ knownObjects: known(obj('ns', 'cached', '5')) });
    fifo.delete(obj('ns', 'cached', '6'));
    fifo.delete(obj('ns', 'ghost'));
    expect(fifo.listKeys()).toEqual(['ns/cached']);
  });

  it('applies the transformer once at enqueue, to replaced items, but never to tombstones or resyncs', async () => {
    const seen: string[] = [];
    const cached = obj('ns', 'cached', '1');
    const fifo = new DeltaFIFO<TestObject>({
      knownObjects: known(cached),
      transformer: (o) => {
        seen.push(o.metadata?.name ?? '');
        return { ...o, data: { transformed: 'yes' } };
      },
    });
    fifo.add(obj('ns', 'a'));
    fifo.replace([obj('ns', 'b')], '10');
    fifo.resync();
    expect(seen).toEqual(['a', 'b']);
    const popped = await fifo.pop(() => undefined);
    expect(popped.map((d) => (d.object instanceof DeletedFinalStateUnknown ? 'tombstone' : d.object.data))).toEqual([
      { transformed: 'yes' },
      'tombstone',
    ]);
  });

  describe('replace', () => {
    it('records Sync deltas, or Replaced ones when asked', () => {
      const plain = new DeltaFIFO<TestObject>();
      plain.replace([obj('ns', 'a')], '1');
      expect(summary(plain.getByKey('ns/a') ?? [])).toEqual(['Sync:a@1']);
      const informer = new DeltaFIFO<TestObject>({ emitDeltaTypeReplaced: true });
      informer.replace([obj('ns', 'a')], '1');
      expect(summary(informer.getByKey('ns/a') ?? [])).toEqual(['Replaced:a@1']);
    });

    it('tombstones a queued key missing from the list with its newest object, unwrapping a tombstone', () => {
      const fifo = new DeltaFIFO<TestObject>({ emitDeltaTypeReplaced: true });
      fifo.add(obj('ns', 'gone', '1'));
      fifo.update(obj('ns', 'gone', '2'));
      fifo.add(obj('ns', 'buried', '1'));
      fifo.delete(new DeletedFinalStateUnknown('ns/buried', obj('ns', 'buried', '7')));
      fifo.replace([obj('ns', 'kept', '3')], '3');
      expect(summary(fifo.getByKey('ns/gone') ?? [])).toEqual([
        'Added:gone@1',
        'Updated:gone@2',
        'Deleted:tombstone(ns/gone@2)',
      ]);
      // The second Deleted collapses into the first one, since the older holds a tombstone the newer wins.
      expect(summary(fifo.getByKey('ns/buried') ?? [])).toEqual(['Added:buried@1', 'Deleted:tombstone(ns/buried@7)']);
    });

    it('tombstones known objects missing from the list that have nothing pending', () => {
      const fifo = new DeltaFIFO<TestObject>({
        knownObjects: known(obj('ns', 'vanished', '4'), obj('ns', 'pending', '4'), obj('ns', 'listed', '4')),
        emitDeltaTypeReplaced: true,
      });
      fifo.update(obj('ns', 'pending', '5'));
      fifo.replace([obj('ns', 'listed', '6')], '6');
      expect(summary(fifo.getByKey('ns/vanished') ?? [])).toEqual(['Deleted:tombstone(ns/vanished@4)']);
      expect(summary(fifo.getByKey('ns/pending') ?? [])).toEqual([
        'Updated:pending@5',
        'Deleted:tombstone(ns/pending@5)',
      ]);
      expect(summary(fifo.getByKey('ns/listed') ?? [])).toEqual(['Replaced:listed@6']);
    });
  });

  describe('hasSynced', () => {
    it('turns true once every key of the first replace, deletions included, has been popped', async () => {
      const fifo = new DeltaFIFO<TestObject>({ knownObjects: known(obj('ns', 'old')), emitDeltaTypeReplaced: true });
      fifo.replace([obj('ns', 'a'), obj('ns', 'b')], '1');
      fifo.replace([obj('ns', 'c')], '2');
      const flags: boolean[] = [];
      for (let i = 0; i < 3; i++) {
        expect(fifo.hasSynced()).toBe(false);
        await fifo.pop((_deltas, isInInitialList) => {
          flags.push(isInInitialList);
        });
      }
      expect(fifo.hasSynced()).toBe(true);
      expect(flags).toEqual([true, true, true]);
      expect(fifo.listKeys()).toEqual(['ns/c']);
    });

    it('counts adds before the first replace as populating', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      fifo.add(obj('ns', 'a'));
      expect(fifo.hasSynced()).toBe(true);
      fifo.replace([obj('ns', 'b')], '1');
      expect(fifo.hasSynced()).toBe(true);
    });
  });

  it('resyncs known objects without pending deltas, and does nothing without known objects', () => {
    const fifo = new DeltaFIFO<TestObject>({ knownObjects: known(obj('ns', 'quiet', '1'), obj('ns', 'busy', '1')) });
    fifo.update(obj('ns', 'busy', '2'));
    fifo.resync();
    expect(summary(fifo.getByKey('ns/quiet') ?? [])).toEqual(['Sync:quiet@1']);
    expect(summary(fifo.getByKey('ns/busy') ?? [])).toEqual(['Updated:busy@2']);
    const bare = new DeltaFIFO<TestObject>();
    bare.resync();
    expect(bare.listKeys()).toEqual([]);
  });

  describe('pop', () => {
    it('waits for an item while empty', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      const popped = fifo.pop(() => undefined);
      fifo.add(obj('ns', 'late'));
      expect(summary(await popped)).toEqual(['Added:late@1']);
    });

    it('hands out what was queued before close, then throws FIFOClosedError', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      fifo.add(obj('ns', 'a'));
      fifo.close();
      expect(summary(await fifo.pop(() => undefined))).toEqual(['Added:a@1']);
      await expect(fifo.pop(() => undefined)).rejects.toBeInstanceOf(FIFOClosedError);
      expect(fifo.isClosed).toBe(true);
    });

    it('wakes a waiting pop on close', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      const popped = fifo.pop(() => undefined);
      fifo.close();
      await expect(popped).rejects.toBeInstanceOf(FIFOClosedError);
    });

    it('serialises processors: a second pop waits for the first to finish', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      fifo.add(obj('ns', 'a'));
      fifo.add(obj('ns', 'b'));
      const order: string[] = [];
      let release: () => void = () => undefined;
      const first = fifo.pop(
        () =>
          new Promise<void>((resolve) => {
            order.push('a:start');
            release = () => {
              order.push('a:end');
              resolve();
            };
          }),
      );
      const second = fifo.pop(() => {
        order.push('b');
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(order).toEqual(['a:start']);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['a:start', 'a:end', 'b']);
    });

    it('requeues at the back on RequeueError, unless the key was queued again meanwhile', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      fifo.add(obj('ns', 'a'));
      fifo.add(obj('ns', 'b'));
      const cause = new Error('try later');
      await expect(
        fifo.pop(() => {
          throw new RequeueError('requeue', { cause });
        }),
      ).rejects.toBe(cause);
      expect(fifo.listKeys()).toEqual(['ns/b', 'ns/a']);
      await fifo.pop(() => undefined);
      await expect(
        fifo.pop(() => {
          fifo.update(obj('ns', 'a', '2'));
          throw new RequeueError('requeue', { cause });
        }),
      ).rejects.toBe(cause);
      expect(summary(fifo.getByKey('ns/a') ?? [])).toEqual(['Updated:a@2']);
    });

    it('drops the item when the processor fails otherwise, passing the error on', async () => {
      const fifo = new DeltaFIFO<TestObject>();
      fifo.add(obj('ns', 'a'));
      await expect(
        fifo.pop(() => {
          throw new Error('handler broke');
        }),
      ).rejects.toThrow('handler broke');
      expect(fifo.listKeys()).toEqual([]);
    });
  });

  it('lists the newest object per key and the keys in queue order', () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'b', '1'));
    fifo.add(obj('ns', 'a', '1'));
    fifo.update(obj('ns', 'b', '2'));
    expect(fifo.listKeys()).toEqual(['ns/b', 'ns/a']);
    expect(
      fifo.list().map((o) => `${(o as TestObject).metadata?.name}@${(o as TestObject).metadata?.resourceVersion}`),
    ).toEqual(['b@2', 'a@1']);
  });
});
