// The shard side of a drain on a fake clock: an object is let go only once no cache holds it and no older reconcile runs.
import { describe, expect, it } from 'vitest';
import { awaitDrainable, cacheCatchUpMs, type DrainedCache } from '../../../src/controller/sharding/drain-gate.js';
import { FakeClock } from '../support/fake-clock.js';

/** A cache holding some keys at some resourceVersion, changed by the test. */
function cache(keys: string[], version: string): DrainedCache & { keys: Set<string>; version: string } {
  const view = {
    keys: new Set(keys),
    version,
    getIndexer: () => ({ getByKey: (key: string) => (view.keys.has(key) ? {} : undefined) }),
    lastSyncResourceVersion: () => view.version,
  };
  return view;
}

/** Starts the gate and reports whether it has resolved. */
function gate(options: Omit<Parameters<typeof awaitDrainable>[0], 'signal'>, signal = new AbortController().signal) {
  let open = false;
  const done = awaitDrainable({ ...options, signal }).then(() => {
    open = true;
  });
  return { done, isOpen: () => open };
}

describe('the drain gate', () => {
  it('waits until every cache dropped the object, then until the reconciles started before that finished', async () => {
    const clock = new FakeClock();
    const a = cache(['ns/w'], '10');
    const b = cache([], '12');
    let inFlightSince: number | undefined = clock.now() - 5;
    const g = gate({ key: 'ns/w', drainedVersion: '12', caches: [a, b], inFlightSince: () => inFlightSince, clock });
    await clock.advance(100);
    expect(g.isOpen()).toBe(false); // cache a still holds it
    a.keys.delete('ns/w');
    a.version = '12';
    await clock.advance(25);
    expect(g.isOpen()).toBe(false); // a reconcile that may have read it still runs
    inFlightSince = clock.now() + 1; // it finished; a newer one (which cannot see the object) runs
    await clock.advance(25);
    await g.done;
    expect(g.isOpen()).toBe(true);
  });

  it('waits for a cache to reach the drained version even if it never held the object', async () => {
    const clock = new FakeClock();
    const late = cache([], '8'); // its watch has not delivered the drained version yet
    const g = gate({ key: 'ns/w', drainedVersion: '9', caches: [late], inFlightSince: () => undefined, clock });
    await clock.advance(100);
    expect(g.isOpen()).toBe(false);
    late.version = '9';
    await clock.advance(25);
    await g.done;
  });

  it('bounds the wait for a cache that confirms no newer version', async () => {
    const clock = new FakeClock();
    const quiet = cache([], '3');
    const g = gate({ key: 'ns/w', drainedVersion: '9', caches: [quiet], inFlightSince: () => undefined, clock });
    await clock.advance(cacheCatchUpMs - 25);
    expect(g.isOpen()).toBe(false);
    await clock.advance(50);
    await g.done;
  });

  it('never lets go while the object is cached, however long it takes', async () => {
    const clock = new FakeClock();
    const holding = cache(['ns/w'], '99');
    const g = gate({ key: 'ns/w', drainedVersion: '9', caches: [holding], inFlightSince: () => undefined, clock });
    await clock.advance(10 * cacheCatchUpMs);
    expect(g.isOpen()).toBe(false);
    holding.keys.clear();
    await clock.advance(25);
    await g.done;
  });

  it('rejects when its signal aborts', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    const g = gate(
      { key: 'ns/w', drainedVersion: '1', caches: [cache(['ns/w'], '1')], inFlightSince: () => undefined, clock },
      stop.signal,
    );
    const rejected = expect(g.done).rejects.toBe('stopped');
    await clock.waitForSleeps(1);
    stop.abort('stopped');
    await rejected;
  });
});
