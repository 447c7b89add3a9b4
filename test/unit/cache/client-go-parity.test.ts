// Issue 9: differences from client-go 1.32 found by porting its unit tests; each is now followed, or pinned as a
// documented difference.
import { describe, expect, it } from 'vitest';
import { DeltaFIFO, type KnownObjects, RequeueError } from '../../../src/cache/delta-fifo.js';
import { FakeClock } from '../../../src/cache/fake-clock.js';
import { KeyError, metaNamespaceKeyFunc, splitMetaNamespaceKey } from '../../../src/cache/keys.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { obj, type TestObject } from './objects.js';

/** Known objects whose `listKeys` may name keys that `getByKey` cannot return (a store changing underneath). */
function known(keys: string[], objects: TestObject[]): KnownObjects<TestObject> {
  const map = new Map(objects.map((o) => [metaNamespaceKeyFunc(o), o]));
  return { listKeys: () => keys, getByKey: (key) => map.get(key) };
}

describe('DeltaFIFO as client-go 1.32', () => {
  it('counts as populated after deleting a key it does not hold', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.delete(obj('ns', 'never-added'));
    expect(fifo.listKeys()).toEqual([]);
    expect(fifo.hasSynced()).toBe(true);
  });

  it('lists a queued tombstone as the tombstone (Newest().Object)', () => {
    const a = obj('ns', 'a', '1');
    const fifo = new DeltaFIFO<TestObject>({ knownObjects: known(['ns/a'], [a]) });
    fifo.replace([], '2');
    const [listed] = fifo.list();
    expect(listed).toBeInstanceOf(DeletedFinalStateUnknown);
    expect(listed).toMatchObject({ key: 'ns/a', obj: a });
  });

  it('never hands a tombstone to its key function: metaNamespaceKeyFunc works through replace and delete', () => {
    const a = obj('ns', 'a', '1');
    const fifo = new DeltaFIFO<TestObject>({ keyFunc: metaNamespaceKeyFunc, knownObjects: known(['ns/a'], [a]) });
    fifo.replace([], '2');
    fifo.delete(new DeletedFinalStateUnknown('ns/a', a));
    expect(fifo.listKeys()).toEqual(['ns/a']);
    expect(fifo.getByKey('ns/a')?.map((d) => d.type)).toEqual(['Deleted']);
  });

  it('skips a known key whose object the store cannot return (documented difference: no empty tombstone)', () => {
    const fifo = new DeltaFIFO<TestObject>({ knownObjects: known(['ns/gone', 'ns/b'], [obj('ns', 'b', '1')]) });
    fifo.replace([], '2');
    expect(fifo.listKeys()).toEqual(['ns/b']);
  });

  it('adds with addIfNotPresent only when the key has no deltas, at the back, marking the FIFO populated', () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.addIfNotPresent([{ type: 'Added', object: obj('ns', 'a', '1') }]);
    // Like add before any replace: populated, with no initial list to wait for.
    expect(fifo.hasSynced()).toBe(true);
    fifo.add(obj('ns', 'b', '1'));
    fifo.addIfNotPresent([{ type: 'Updated', object: obj('ns', 'b', '2') }]);
    expect(fifo.listKeys()).toEqual(['ns/a', 'ns/b']);
    expect(fifo.getByKey('ns/b')?.map((d) => d.type)).toEqual(['Added']);
    expect(() => fifo.addIfNotPresent([])).toThrow(KeyError);
  });

  it('resolves a pop whose processor requeued without a cause, and puts the item back at the back', async () => {
    const fifo = new DeltaFIFO<TestObject>();
    fifo.add(obj('ns', 'a', '1'));
    fifo.add(obj('ns', 'b', '1'));
    const popped = await fifo.pop(() => {
      throw new RequeueError('later');
    });
    expect(popped.map((d) => d.type)).toEqual(['Added']);
    expect(fifo.listKeys()).toEqual(['ns/b', 'ns/a']);
  });
});

describe('splitMetaNamespaceKey as client-go', () => {
  it.each([
    ['abc', '', 'abc'],
    ['ns/abc', 'ns', 'abc'],
    ['/abc', '', 'abc'],
    ['abc/', 'abc', ''],
  ])('splits %j into namespace %j and name %j', (key, namespace, name) => {
    expect(splitMetaNamespaceKey(key)).toEqual({ namespace, name });
  });

  it('rejects more than one slash', () => {
    expect(() => splitMetaNamespaceKey('a/b/c')).toThrow(KeyError);
  });
});

describe('the exported FakeClock', () => {
  it('wakes sleeps in deadline order as time advances, and rejects a sleep whose signal aborts', async () => {
    const clock = new FakeClock(1000);
    const woke: number[] = [];
    void clock.sleep(30).then(() => woke.push(30));
    void clock.sleep(10).then(() => woke.push(10));
    const abort = new AbortController();
    const aborted = clock.sleep(20, abort.signal);
    expect(clock.pending()).toEqual([30, 10, 20]);
    abort.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await clock.advance(15);
    expect(woke).toEqual([10]);
    expect(clock.now()).toBe(1015);
    await clock.advance(15);
    expect(woke).toEqual([10, 30]);
    expect(clock.pending()).toEqual([]);
  });
});
