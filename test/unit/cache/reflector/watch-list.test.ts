import { describe, expect, it } from 'vitest';
import { obj } from '../objects.js';
import {
  added,
  bookmark,
  deleted,
  errorEvent,
  FakeWatch,
  modified,
  page,
  ScriptedListerWatcher,
  startReflector,
  statusError,
} from './scripted.js';

const watchListRequest = (resourceVersion: string) => ({
  resourceVersion,
  resourceVersionMatch: 'NotOlderThan',
  sendInitialEvents: true,
  allowWatchBookmarks: true,
  timeoutSeconds: 300,
});

describe('Reflector watch-list mode', () => {
  it('collects the initial events aside, replaces the store at the end bookmark, then goes on with the same watch', async () => {
    const watch = new FakeWatch().push(added('a', '5'), added('b', '6'), added('c', '7'), modified('a', '8'));
    const lw = new ScriptedListerWatcher({ watches: [watch] });
    const h = startReflector(lw, { watchList: 'auto' });
    await lw.waitForCalls(1);
    expect(lw.watches()).toEqual([watchListRequest('')]);
    watch.push(deleted('c', '9'), bookmark('10'));
    await h.clock.advance(0);
    expect(h.store.ops).toEqual([]);
    expect(h.reflector.lastSyncResourceVersion()).toBe('');
    watch.push(bookmark('11', true));
    await expect.poll(() => h.store.ops).toEqual(['replace [ns/a,ns/b]@11']);
    expect(h.reflector.lastSyncResourceVersion()).toBe('11');
    watch.push(modified('b', '12'));
    await expect.poll(() => h.store.ops.length).toBe(2);
    expect(h.store.ops[1]).toBe('update ns/b@12');
    expect(h.reflector.lastSyncResourceVersion()).toBe('12');
    expect(lw.calls).toHaveLength(1);
    expect(watch.closed).toBe(false);
    await h.stop();
  });

  it('sends a new watch-list request with a fresh temporary store when the stream ends before the end bookmark', async () => {
    const first = new FakeWatch().push(added('a', '5'), added('gone', '6')).end();
    const second = new FakeWatch().push(added('a', '5'), bookmark('7', true));
    const lw = new ScriptedListerWatcher({ watches: [first, second] });
    const h = startReflector(lw, { watchList: 'auto' });
    await expect.poll(() => h.store.ops).toEqual(['replace [ns/a]@7']);
    expect(lw.watches()).toEqual([watchListRequest(''), watchListRequest('')]);
    expect(h.clock.sleeps).toEqual([]);
    await h.stop();
  });

  it('asks the next watch-list for lastSync, and for "" at once when that version has expired', async () => {
    const first = new FakeWatch().push(added('a', '5'), bookmark('7', true), modified('a', '8'));
    const third = new FakeWatch().push(added('a', '9'), bookmark('9', true));
    const lw = new ScriptedListerWatcher({ watches: [first, statusError(410, 'Expired'), third] });
    const h = startReflector(lw, { watchList: 'auto' });
    await expect.poll(() => h.reflector.lastSyncResourceVersion()).toBe('8');
    first.push(errorEvent(410, 'Expired'));
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.watches()).toEqual([watchListRequest(''), watchListRequest('8'), watchListRequest('')]);
    await expect.poll(() => h.store.ops.at(-1)).toBe('replace [ns/a]@9');
    expect(lw.lists()).toEqual([]);
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it('backs off and retries the watch-list when the server throttles it', async () => {
    const lw = new ScriptedListerWatcher({
      watches: [statusError(429, 'TooManyRequests'), new FakeWatch().push(errorEvent(429, 'TooManyRequests'))],
    });
    const h = startReflector(lw, { watchList: 'auto' });
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    expect(await h.clock.waitForSleeps(1)).toEqual([1600]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.watches()).toEqual([watchListRequest(''), watchListRequest(''), watchListRequest('')]);
    await h.stop();
  });

  it('falls back to list and watch when the server rejects watch-list as Invalid, and remembers it', async () => {
    const plain = new FakeWatch().push(errorEvent(410, 'Expired'));
    const lw = new ScriptedListerWatcher({
      lists: [page([obj('ns', 'a', '5')], '10'), page([obj('ns', 'a', '5')], '11')],
      watches: [statusError(422, 'Invalid'), plain],
    });
    const h = startReflector(lw, { watchList: 'auto' });
    await lw.waitForCalls(3);
    expect(lw.calls.map((c) => c.verb)).toEqual(['watch', 'list', 'watch']);
    expect(lw.watches()[1]).toEqual({ resourceVersion: '10', timeoutSeconds: 300, allowWatchBookmarks: true });
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(4);
    expect(lw.calls[3]?.verb).toBe('list');
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it.each([
    ['auto', statusError(500, 'InternalError')],
    ['on', statusError(422, 'Invalid')],
  ] as const)(
    'in %s mode, falls back for one round on %s and tries watch-list again in the next',
    async (mode, error) => {
      const plain = new FakeWatch().push(errorEvent(410, 'Expired'));
      const lw = new ScriptedListerWatcher({ lists: [page([obj('ns', 'a', '5')], '10')], watches: [error, plain] });
      const h = startReflector(lw, { watchList: mode });
      await h.clock.waitForSleeps(1);
      await h.clock.fireNext();
      await lw.waitForCalls(4);
      expect(lw.calls.map((c) => c.verb)).toEqual(['watch', 'list', 'watch', 'watch']);
      expect(lw.watches()[2]).toEqual(watchListRequest('10'));
      await h.stop();
    },
  );

  it('falls back to list and watch after a very short watch-list', async () => {
    const lw = new ScriptedListerWatcher({ lists: [page([], '10')], watches: [new FakeWatch().end()] });
    const h = startReflector(lw, { watchList: 'auto' });
    await lw.waitForCalls(2);
    expect(lw.calls.slice(0, 2).map((c) => c.verb)).toEqual(['watch', 'list']);
    await h.stop();
  });

  it('never sends a watch-list request when the mode is off', async () => {
    const lw = new ScriptedListerWatcher({ lists: [page([], '10')], watches: [new FakeWatch()] });
    const h = startReflector(lw, { watchList: 'off' });
    await lw.waitForCalls(2);
    expect(lw.calls.map((c) => c.verb)).toEqual(['list', 'watch']);
    expect(lw.watches()[0]?.sendInitialEvents).toBeUndefined();
    await h.stop();
  });
});
