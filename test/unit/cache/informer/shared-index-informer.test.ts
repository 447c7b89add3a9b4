import { afterEach, describe, expect, it } from 'vitest';
import { filteringResourceEventHandler } from '../../../../src/cache/event-handler.js';
import { determineResyncPeriod } from '../../../../src/cache/processor.js';
import {
  InformerStateError,
  newSharedIndexInformer,
  type SharedIndexInformer,
  type SharedIndexInformerOptions,
} from '../../../../src/cache/shared-index-informer.js';
import { stripManagedFields } from '../../../../src/cache/transform.js';
import { waitForCacheSync } from '../../../../src/cache/wait-for-cache-sync.js';
import { FakeClock, settle } from '../../support/fake-clock.js';
import { obj, type TestObject } from '../objects.js';
import { capturedLogger, recorder, until } from './helpers.js';
import { ScriptedListerWatcher } from './scripted-lister-watcher.js';

const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

/** Runs an informer over `lw` until the test ends; resolves to its run promise. */
function start(informer: SharedIndexInformer<TestObject>): { stop: AbortController; done: Promise<void> } {
  const stop = new AbortController();
  stops.push(stop);
  return { stop, done: informer.run(stop.signal) };
}

function informerOver(
  lw: ScriptedListerWatcher<TestObject>,
  options: SharedIndexInformerOptions<TestObject> = {},
): SharedIndexInformer<TestObject> {
  return newSharedIndexInformer(lw, { watchList: 'off', logger: capturedLogger().logger, ...options });
}

describe('SharedIndexInformer', () => {
  it('delivers adds, updates and deletes in order, after the cache holds each change', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1')], '1');
    const informer = informerOver(lw);
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => void seen.push(`add ${o.metadata?.name} cached=${informer.getIndexer().getByKey('ns/a') === o}`),
      onUpdate: (_old, o) =>
        void seen.push(`update ${o.metadata?.resourceVersion} cached=${informer.getIndexer().getByKey('ns/a') === o}`),
      onDelete: () => void seen.push(`delete cached=${informer.getIndexer().getByKey('ns/a') !== undefined}`),
    });
    start(informer);
    await lw.watching();
    lw.emit('MODIFIED', obj('ns', 'a', '2'));
    lw.emit('DELETED', obj('ns', 'a', '3'));
    await until(() => seen.length === 3);
    expect(seen).toEqual(['add a cached=true', 'update 2 cached=true', 'delete cached=false']);
  });

  it('marks every object of the first list as in the initial list, the last one included, and watch adds not', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1'), obj('ns', 'b', '1'), obj('ns', 'c', '1')], '1');
    const informer = informerOver(lw);
    const { events, handler } = recorder();
    informer.addEventHandler(handler);
    start(informer);
    await lw.watching();
    lw.emit('ADDED', obj('ns', 'd', '2'));
    await until(() => events.length === 4);
    expect(events).toEqual(['add(initial):a@1', 'add(initial):b@1', 'add(initial):c@1', 'add:d@2']);
    expect(informer.hasSynced()).toBe(true);
  });

  it('delivers a relist as updates and adds, unchanged objects included until a resync check ran (as client-go)', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1'), obj('ns', 'b', '1')], '1');
    const informer = informerOver(lw);
    const { events, handler } = recorder();
    const registration = informer.addEventHandler(handler);
    start(informer);
    await waitForCacheSync(AbortSignal.timeout(10_000), registration.hasSynced);
    // A relist after 410: a is unchanged (a sync notification), b changed (a real update), c is new.
    lw.setList([obj('ns', 'a', '1'), obj('ns', 'b', '5'), obj('ns', 'c', '5')], '5');
    lw.expire();
    await until(() => events.length === 5);
    expect(events).toEqual(['add(initial):a@1', 'add(initial):b@1', 'update:a@1->1', 'update:b@1->5', 'add:c@5']);
  });

  it('resyncs each handler on its own period: a short one added before start lowers the check period', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1')], '1');
    const informer = informerOver(lw, { resyncPeriodMs: 3_600_000, clock });
    const often = recorder();
    const never = recorder();
    const hourly = recorder();
    informer.addEventHandler(often.handler, { resyncPeriodMs: 200 });
    informer.addEventHandler(never.handler, { resyncPeriodMs: 0 });
    informer.addEventHandler(hourly.handler);
    start(informer);
    await lw.watching();
    lw.emit('MODIFIED', obj('ns', 'a', '2'));
    await until(() => hourly.events.length === 2);
    const resyncs = (): number => often.events.filter((e) => e === 'update:a@2->2').length;
    // 200 ms counts as the 1 s minimum, which becomes the informer's check period.
    await clock.advance(999);
    await settle();
    expect(resyncs()).toBe(0);
    await clock.advance(1);
    await until(() => resyncs() === 1);
    await clock.advance(1000);
    await until(() => resyncs() === 2);
    expect(never.events).toEqual(['add(initial):a@1', 'update:a@1->2']);
    expect(hourly.events).toEqual(['add(initial):a@1', 'update:a@1->2']);
  });

  it('turns a relist without an object into a tombstone delete', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1'), obj('ns', 'b', '1')], '1');
    const informer = informerOver(lw);
    const { events, handler } = recorder();
    informer.addEventHandler(handler);
    start(informer);
    await until(() => events.length === 2);
    lw.setList([obj('ns', 'a', '1')], '7');
    lw.expire();
    await until(() => events.length === 4);
    expect(events.slice(2)).toEqual(['update:a@1->1', 'delete:~b@1']);
    expect(informer.getIndexer().listKeys()).toEqual(['ns/a']);
  });

  it('gives a handler added after sync an initial-list add per cached object, and its own hasSynced', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1'), obj('ns', 'b', '1')], '1');
    const informer = informerOver(lw);
    start(informer);
    await waitForCacheSync(AbortSignal.timeout(10_000), () => informer.hasSynced());
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const late: string[] = [];
    const registration = informer.addEventHandler({
      onAdd: async (o, initial) => {
        await gate;
        late.push(`${o.metadata?.name}:${initial}`);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registration.hasSynced()).toBe(false);
    release();
    await until(() => registration.hasSynced());
    expect(late.sort()).toEqual(['a:true', 'b:true']);
  });

  it('keeps a fast handler going while a slow one is still on its first notification', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1')], '1');
    const informer = informerOver(lw);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowSeen: string[] = [];
    informer.addEventHandler({
      onAdd: async (o) => {
        slowSeen.push(o.metadata?.name ?? '');
        await gate;
      },
    });
    const fast = recorder();
    informer.addEventHandler(fast.handler);
    start(informer);
    await lw.watching();
    for (let i = 2; i <= 50; i++) lw.emit('ADDED', obj('ns', `x${i}`, String(i)));
    await until(() => fast.events.length === 50);
    expect(slowSeen).toEqual(['a']);
    release();
    await until(() => slowSeen.length === 50);
    expect(slowSeen.at(-1)).toBe('x50');
  });

  it('logs a throwing or rejecting handler with its name and the object key, and keeps delivering to all', async () => {
    const { logger, lines } = capturedLogger();
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1')], '1');
    const informer = informerOver(lw, { logger });
    const thrower: string[] = [];
    informer.addEventHandler(
      {
        onAdd: (o) => {
          thrower.push(o.metadata?.name ?? '');
          throw new Error('boom');
        },
        onUpdate: async () => {
          throw new Error('async boom');
        },
      },
      { name: 'fragile' },
    );
    const healthy = recorder();
    informer.addEventHandler(healthy.handler);
    start(informer);
    await lw.watching();
    lw.emit('ADDED', obj('ns', 'b', '2'));
    lw.emit('MODIFIED', obj('ns', 'b', '3'));
    await until(() => healthy.events.length === 3 && lines.length === 3);
    expect(thrower).toEqual(['a', 'b']);
    expect(lines.map((l) => [l.handler, l.key, (l.err as { message: string }).message])).toEqual([
      ['fragile', 'ns/a', 'boom'],
      ['fragile', 'ns/b', 'boom'],
      ['fragile', 'ns/b', 'async boom'],
    ]);
    expect(healthy.events).toEqual(['add(initial):a@1', 'add:b@2', 'update:b@2->3']);
  });

  it('drops the pending notifications of a removed handler, and ignores removing it again', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1')], '1');
    const informer = informerOver(lw);
    let release: () => void = () => undefined;
    const seen: string[] = [];
    const registration = informer.addEventHandler({
      onAdd: async (o) => {
        seen.push(o.metadata?.name ?? '');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const other = recorder();
    informer.addEventHandler(other.handler);
    start(informer);
    await lw.watching();
    lw.emit('ADDED', obj('ns', 'b', '2'));
    lw.emit('ADDED', obj('ns', 'c', '3'));
    await until(() => other.events.length === 3);
    registration.remove();
    informer.removeEventHandler(registration);
    release();
    lw.emit('ADDED', obj('ns', 'd', '4'));
    await until(() => other.events.length === 4);
    expect(seen).toEqual(['a']);
  });

  it('ignores removing a registration of another informer', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1')], '1');
    const informer = informerOver(lw);
    const other = informerOver(new ScriptedListerWatcher<TestObject>([], '1'));
    const { events, handler } = recorder();
    informer.removeEventHandler(other.addEventHandler({}));
    other.removeEventHandler(informer.addEventHandler(handler));
    start(informer);
    await until(() => events.length === 1);
    expect(events).toEqual(['add(initial):a@1']);
  });

  it('reports a registration synced only once its slow handler has processed the whole initial list', async () => {
    const lw = new ScriptedListerWatcher([obj('ns', 'a', '1'), obj('ns', 'b', '1')], '1');
    const informer = informerOver(lw);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = informer.addEventHandler({ onAdd: () => gate });
    const fast = informer.addEventHandler({});
    start(informer);
    await waitForCacheSync(AbortSignal.timeout(10_000), fast.hasSynced);
    expect(informer.hasSynced()).toBe(true);
    expect(slow.hasSynced()).toBe(false);
    release();
    expect(await waitForCacheSync(AbortSignal.timeout(10_000), slow.hasSynced)).toBe(true);
  });

  it('translates updates through a filtering handler: pass→pass update, fail→pass add, pass→fail delete', async () => {
    const lw = new ScriptedListerWatcher<TestObject>([], '1');
    const informer = informerOver(lw);
    const { events, handler } = recorder();
    const wanted = (o: Readonly<TestObject>): boolean => o.metadata?.labels?.keep === 'yes';
    informer.addEventHandler(filteringResourceEventHandler(wanted, handler));
    start(informer);
    await lw.watching();
    lw.emit('ADDED', obj('ns', 'a', '2', { keep: 'no' }));
    lw.emit('MODIFIED', obj('ns', 'a', '3', { keep: 'yes' }));
    lw.emit('MODIFIED', obj('ns', 'a', '4', { keep: 'yes' }));
    lw.emit('MODIFIED', obj('ns', 'a', '5', { keep: 'no' }));
    lw.emit('DELETED', obj('ns', 'a', '6', { keep: 'no' }));
    lw.emit('ADDED', obj('ns', 'b', '7', { keep: 'yes' }));
    lw.emit('DELETED', obj('ns', 'b', '8', { keep: 'yes' }));
    await until(() => events.length === 5);
    expect(events).toEqual(['add:a@3', 'update:a@3->4', 'delete:a@4', 'add:b@7', 'delete:b@8']);
  });

  it('caches the transformed object and hands that same object to every handler', async () => {
    const withFields = { ...obj('ns', 'a', '1'), metadata: { ...obj('ns', 'a', '1').metadata, managedFields: [{}] } };
    const lw = new ScriptedListerWatcher([withFields as TestObject], '1');
    const informer = informerOver(lw);
    informer.setTransform(stripManagedFields);
    const received: Readonly<TestObject>[] = [];
    informer.addEventHandler({ onAdd: (o) => void received.push(o) });
    informer.addEventHandler({ onAdd: (o) => void received.push(o) });
    start(informer);
    await until(() => received.length === 2);
    expect(received[0]).toBe(received[1]);
    expect(received[0]).toBe(informer.getIndexer().getByKey('ns/a'));
    expect('managedFields' in (received[0]?.metadata ?? {})).toBe(false);
  });

  it('refuses configuration after start and handlers after stop', async () => {
    const lw = new ScriptedListerWatcher<TestObject>([], '1');
    const informer = informerOver(lw);
    const { stop, done } = start(informer);
    expect(() => informer.setTransform((o) => o)).toThrow(InformerStateError);
    expect(() => informer.setWatchErrorHandler(() => undefined)).toThrow(InformerStateError);
    await expect(informer.run(new AbortController().signal)).rejects.toThrow(InformerStateError);
    stop.abort();
    await done;
    expect(informer.isStopped()).toBe(true);
    expect(() => informer.addEventHandler({})).toThrow(InformerStateError);
  });

  it('indexes by namespace out of the box and accepts more indexes after start', async () => {
    const lw = new ScriptedListerWatcher(
      [obj('a', 'x', '1', { tier: 'web' }), obj('b', 'y', '1', { tier: 'db' })],
      '1',
    );
    const informer = informerOver(lw);
    start(informer);
    await waitForCacheSync(AbortSignal.timeout(10_000), () => informer.hasSynced());
    informer.addIndexers({ tier: (o) => [o.metadata?.labels?.tier ?? ''] });
    expect(informer.getIndexer().indexKeys('namespace', 'a')).toEqual(['a/x']);
    expect(informer.getIndexer().indexKeys('tier', 'db')).toEqual(['b/y']);
  });
});

describe('determineResyncPeriod', () => {
  it.each([
    [0, 1000, 0],
    [5000, 0, 0],
    [500, 1000, 1000],
    [5000, 1000, 5000],
  ])('gives a handler asking %d ms under a %d ms check period %d ms', (desired, check, expected) => {
    expect(determineResyncPeriod(desired, check)).toBe(expected);
  });
});

describe('waitForCacheSync', () => {
  it('returns false when the signal aborts before everything syncs', async () => {
    const stop = new AbortController();
    const waiting = waitForCacheSync(
      stop.signal,
      () => true,
      () => false,
    );
    stop.abort();
    expect(await waiting).toBe(false);
  });
});
