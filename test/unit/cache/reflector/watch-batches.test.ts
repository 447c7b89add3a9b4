import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ListerWatcher } from '../../../../src/cache/listwatch.js';
import type { WatchEvent } from '../../../../src/client/meta.js';
import { WatchDecodeError } from '../../../../src/client/rest/errors.js';
import { openWatch, type WatchStream, watchBatches } from '../../../../src/client/rest/watch.js';
import type { TestObject } from '../objects.js';
import { added, bookmark, FakeWatch, modified, startReflector } from './scripted.js';

/** A watch response whose body is exactly `chunks`, each a string of event lines. */
function responseWatch(chunks: readonly string[]): WatchStream<TestObject> {
  const body = Readable.from(chunks.map((c) => Buffer.from(c))) as Readable & AsyncIterable<Uint8Array>;
  return openWatch<TestObject>(body, { path: '/api/v1/configmaps', abort: new AbortController(), idleTimeoutMs: 0 });
}

const lines = (...events: WatchEvent<TestObject>[]): string => events.map((e) => `${JSON.stringify(e)}\n`).join('');

async function collect<T>(iterator: AsyncIterator<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) items.push(next.value);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const names = (batch: readonly WatchEvent<TestObject>[]) => batch.map((e) => e.object.metadata?.resourceVersion);

describe('watch batches', () => {
  it('hands on the complete lines of each network chunk as one batch, in order, a split line with its end', async () => {
    const all = lines(added('a', '1'), added('b', '2'), modified('a', '3'));
    const cut = all.indexOf('\n') + 10;
    const stream = responseWatch([all.slice(0, cut), all.slice(cut)]);
    const { items, error } = await collect(watchBatches(stream));
    expect(error).toBeUndefined();
    expect(items.map(names)).toEqual([['1'], ['2', '3']]);
  });

  it('delivers the lines before an undecodable one, then fails with WatchDecodeError', async () => {
    const stream = responseWatch([`${lines(added('a', '1'))}not json\n${lines(added('b', '2'))}`]);
    const { items, error } = await collect(watchBatches(stream));
    expect(items.map(names)).toEqual([['1']]);
    expect(error).toBeInstanceOf(WatchDecodeError);
  });

  it("counts as the stream's one iteration", () => {
    const stream = responseWatch([]);
    watchBatches(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it('gives batches of one event for a WatchStream it did not open', async () => {
    const watch = new FakeWatch().push(added('a', '1'), added('b', '2')).end();
    const { items } = await collect(watchBatches(watch));
    expect(items.map(names)).toEqual([['1'], ['2']]);
  });
});

describe('a watch-list whose end bookmark arrives mid-batch', () => {
  it('replaces the store at the bookmark and applies the rest of that batch to the real store, in order', async () => {
    const chunk = lines(added('a', '5'), bookmark('6', true), modified('a', '7'), added('b', '8'));
    const watches: WatchStream<TestObject>[] = [responseWatch([chunk])];
    const lw: ListerWatcher<TestObject> = {
      list: () => Promise.reject(new Error('a watch-list does not list')),
      watch: async () => watches.shift() ?? new FakeWatch(),
    };
    const h = startReflector(lw, { watchList: 'on' });
    await expect.poll(() => h.store.ops).toEqual(['replace [ns/a]@6', 'update ns/a@7', 'add ns/b@8']);
    expect(h.reflector.lastSyncResourceVersion()).toBe('8');
    await h.stop();
  });
});
