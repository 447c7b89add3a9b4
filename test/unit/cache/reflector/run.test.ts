import { describe, expect, it } from 'vitest';
import { DeltaFIFO } from '../../../../src/cache/delta-fifo.js';
import { settle } from '../../support/fake-clock.js';
import { obj, type TestObject } from '../objects.js';
import {
  errorEvent,
  FakeWatch,
  modified,
  page,
  RecordingStore,
  ScriptedListerWatcher,
  startReflector,
  statusError,
} from './scripted.js';

const a = obj('ns', 'a', '5');

describe('Reflector run loop', () => {
  it('shares one growing backoff across consecutive list failures', async () => {
    const failure = statusError(500, 'InternalError');
    const lw = new ScriptedListerWatcher({ lists: [failure, failure, failure] });
    const h = startReflector(lw);
    for (const expected of [800, 1600, 3200]) {
      expect(await h.clock.waitForSleeps(1)).toEqual([expected]);
      await h.clock.fireNext();
    }
    await lw.waitForCalls(4);
    expect(h.errors).toHaveLength(3);
    await h.stop();
  });

  it('shares the backoff between a watch retry and the next round', async () => {
    const lw = new ScriptedListerWatcher({
      lists: [page([a], '10'), page([a], '11')],
      watches: [statusError(429, 'TooManyRequests'), new FakeWatch().push(errorEvent(410, 'Expired'))],
    });
    const h = startReflector(lw);
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    expect(await h.clock.waitForSleeps(1)).toEqual([1600]);
    await h.clock.fireNext();
    await lw.waitForCalls(4);
    expect(lw.calls.slice(0, 4).map((c) => c.verb)).toEqual(['list', 'watch', 'watch', 'list']);
    await h.stop();
  });

  it('starts the backoff over after two quiet minutes', async () => {
    const watch = new FakeWatch();
    const lw = new ScriptedListerWatcher({
      lists: [statusError(500, 'InternalError'), page([a], '10')],
      watches: [watch],
    });
    const h = startReflector(lw);
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    await h.clock.advance(120_001);
    watch.push(errorEvent(410, 'Expired'));
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.stop();
  });

  it('jitters backoff waits and watch timeouts with the injected random source', async () => {
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [new FakeWatch().end()] });
    const h = startReflector(lw, { random: () => 0.5 });
    expect(await h.clock.waitForSleeps(1)).toEqual([1200]);
    expect(lw.watches()[0]?.timeoutSeconds).toBe(450);
    await h.stop();
  });

  it.each([
    [undefined, 0.999_999, 599],
    [10 * 60_000, 0, 600],
    [10 * 60_000, 0.999_999, 1199],
    [60_000, 0, 300],
  ])(
    'asks for a watch timeout in [min, 2·min) (minWatchTimeoutMs %s, random %s → %s s)',
    async (min, random, expected) => {
      const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [new FakeWatch()] });
      const h = startReflector(lw, { random: () => random, ...(min === undefined ? {} : { minWatchTimeoutMs: min }) });
      await lw.waitForCalls(2);
      expect(lw.watches()[0]?.timeoutSeconds).toBe(expected);
      await h.stop();
    },
  );

  it('resyncs the store every period while watching', async () => {
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [new FakeWatch()] });
    const h = startReflector(lw, { resyncPeriodMs: 30_000 });
    await lw.waitForCalls(2);
    expect(await h.clock.waitForSleeps(1)).toEqual([30_000]);
    await h.clock.advance(30_000);
    await h.clock.advance(30_000);
    expect(h.store.ops).toEqual(['replace [ns/a]@10', 'resync', 'resync']);
    await h.stop();
  });

  it('asks shouldResync before each periodic resync', async () => {
    let allow = false;
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [new FakeWatch()] });
    const h = startReflector(lw, { resyncPeriodMs: 1000, shouldResync: () => allow });
    await lw.waitForCalls(2);
    await h.clock.waitForSleeps(1);
    await h.clock.advance(1000);
    allow = true;
    await h.clock.advance(1000);
    expect(h.store.ops).toEqual(['replace [ns/a]@10', 'resync']);
    await h.stop();
  });

  it('queues Sync deltas of the known objects into a real DeltaFIFO on resync', async () => {
    const known = new Map<string, TestObject>([['ns/a', a]]);
    const fifo = new DeltaFIFO<TestObject>({
      knownObjects: { listKeys: () => known.keys(), getByKey: (key) => known.get(key) },
    });
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [new FakeWatch()] });
    const h = startReflector(lw, { store: fifo, resyncPeriodMs: 1000 });
    await lw.waitForCalls(2);
    await fifo.pop(() => undefined);
    await h.clock.waitForSleeps(1);
    await h.clock.advance(1000);
    expect(fifo.getByKey('ns/a')?.map((d) => d.type)).toEqual(['Sync']);
    await h.stop();
  });

  it('ends the watch when a resync fails, then relists after a backoff without calling the error handler', async () => {
    const store = new RecordingStore();
    store.resync = () => {
      throw new Error('resync failed');
    };
    const watch = new FakeWatch();
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10'), page([a], '11')], watches: [watch] });
    const h = startReflector(lw, { store, resyncPeriodMs: 5000 });
    await lw.waitForCalls(2);
    await h.clock.waitForSleeps(1);
    await h.clock.advance(5000);
    expect(watch.closed).toBe(true);
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'list']);
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it('stops the resync timer when the round ends', async () => {
    const watch = new FakeWatch();
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [watch] });
    const h = startReflector(lw, { resyncPeriodMs: 60_000 });
    await lw.waitForCalls(2);
    await h.clock.waitForSleeps(1);
    watch.push(errorEvent(410, 'Expired'));
    await settle();
    expect(h.clock.pending()).toEqual([800]);
    await h.stop();
  });

  it('closes the open watch and resolves when the signal aborts', async () => {
    const watch = new FakeWatch().push(modified('a', '11'));
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [watch] });
    const h = startReflector(lw, { resyncPeriodMs: 1000 });
    await lw.waitForCalls(2);
    await h.stop();
    expect(watch.closed).toBe(true);
    expect(h.clock.pending()).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('resolves when the signal aborts during a list or a backoff, and calls nothing afterwards', async () => {
    const listing = new ScriptedListerWatcher();
    const h1 = startReflector(listing);
    await listing.waitForCalls(1);
    await h1.stop();
    expect(h1.errors).toEqual([]);

    const failing = new ScriptedListerWatcher({ lists: [statusError(500, 'InternalError')] });
    const h2 = startReflector(failing);
    await h2.clock.waitForSleeps(1);
    await h2.stop();
    await h2.clock.advance(60_000);
    expect(failing.calls).toHaveLength(1);
  });

  it('keeps going when the watch error handler throws', async () => {
    const lw = new ScriptedListerWatcher({ lists: [statusError(403, 'Forbidden'), page([a], '10')] });
    const h = startReflector(lw, {
      watchErrorHandler: () => {
        throw new Error('handler bug');
      },
    });
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'list', 'watch']);
    await h.stop();
  });

  it('relists from the last synced RV when run again after a stop', async () => {
    const lw = new ScriptedListerWatcher({
      lists: [page([a], '10'), page([a], '12')],
      watches: [new FakeWatch().push(modified('a', '11'))],
    });
    const h = startReflector(lw);
    await expect.poll(() => h.reflector.lastSyncResourceVersion()).toBe('11');
    await h.stop();
    const again = new AbortController();
    const running = h.reflector.run(again.signal);
    await lw.waitForCalls(3);
    expect(lw.lists()[1]).toEqual({ resourceVersion: '11' });
    again.abort();
    await running;
  });
});
