import { describe, expect, it } from 'vitest';
import { DeltaFIFO } from '../../../../src/cache/delta-fifo.js';
import { errorFromStatus, isExpiredError } from '../../../../src/cache/reflector-errors.js';
import { WatchDecodeError, WatchIdleTimeoutError } from '../../../../src/client/rest/errors.js';
import { StatusError } from '../../../../src/client/rest/status-error.js';
import { obj, type TestObject } from '../objects.js';
import {
  added,
  bookmark,
  connectionRefused,
  deleted,
  errorEvent,
  FakeWatch,
  modified,
  page,
  ScriptedListerWatcher,
  startReflector,
  statusError,
} from './scripted.js';

const a = obj('ns', 'a', '5');

/** A reflector synced at RV 10 watching `watch` first. */
function synced(...watches: (FakeWatch | Error)[]) {
  const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches });
  return { lw, h: startReflector(lw) };
}

describe('Reflector watch', () => {
  it('turns ADDED, MODIFIED and DELETED into add, update and delete; a BOOKMARK only moves the RV', async () => {
    const watch = new FakeWatch().push(added('b', '11'), modified('a', '12'), bookmark('13'), deleted('b', '14'));
    const { lw, h } = synced(watch);
    await lw.waitForCalls(2);
    await expect.poll(() => h.store.ops.length).toBe(4);
    expect(h.store.ops).toEqual(['replace [ns/a]@10', 'add ns/b@11', 'update ns/a@12', 'delete ns/b@14']);
    expect(h.reflector.lastSyncResourceVersion()).toBe('14');
    await h.stop();
  });

  it('feeds a real DeltaFIFO the list as Replaced deltas and each event as its delta', async () => {
    const fifo = new DeltaFIFO<TestObject>({ emitDeltaTypeReplaced: true });
    const watch = new FakeWatch().push(added('b', '11'), modified('a', '12'));
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [watch] });
    const h = startReflector(lw, { store: fifo });
    await expect.poll(() => fifo.getByKey('ns/a')?.length).toBe(2);
    expect(fifo.listKeys()).toEqual(['ns/a', 'ns/b']);
    expect(fifo.getByKey('ns/a')?.map((d) => d.type)).toEqual(['Replaced', 'Updated']);
    expect(fifo.getByKey('ns/b')?.map((d) => d.type)).toEqual(['Added']);
    await h.stop();
  });

  it('sets lastSync to each event’s RV, the last seen rather than the largest', async () => {
    const watch = new FakeWatch().push(modified('a', '20'), bookmark('15'));
    const { lw, h } = synced(watch);
    await lw.waitForCalls(2);
    await expect.poll(() => h.reflector.lastSyncResourceVersion()).toBe('15');
    await h.stop();
  });

  it('watches again at once from the last RV, without a relist, after a clean end that saw an event', async () => {
    const first = new FakeWatch().push(added('b', '11')).end();
    const { lw, h } = synced(first, new FakeWatch());
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'watch']);
    expect(lw.watches()[1]).toEqual({ resourceVersion: '11', timeoutSeconds: 300, allowWatchBookmarks: true });
    expect(first.closed).toBe(true);
    expect(h.clock.sleeps).toEqual([]);
    await h.stop();
  });

  it('watches again at once after a clean end with no events that lasted a second', async () => {
    const first = new FakeWatch();
    const { lw, h } = synced(first, new FakeWatch());
    await lw.waitForCalls(2);
    await h.clock.advance(1000);
    first.end();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'watch']);
    expect(lw.watches()[1]?.resourceVersion).toBe('10');
    await h.stop();
  });

  it('treats a read-idle timeout as a clean end', async () => {
    const first = new FakeWatch().push(added('b', '11')).fail(new WatchIdleTimeoutError('/api/v1/configmaps', 1));
    const { lw, h } = synced(first, new FakeWatch());
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'watch']);
    await h.stop();
  });

  it('treats a watch closed in under a second without events as very short: backs off and relists', async () => {
    const { lw, h } = synced(new FakeWatch().end());
    lw.addList(page([a], '10'));
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    expect(lw.calls.map((c) => c.verb)).toEqual(['list', 'watch']);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'list']);
    expect(lw.lists()[1]).toEqual({ resourceVersion: '10' });
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it.each([
    ['Expired', errorEvent(410, 'Expired')],
    ['Gone', errorEvent(410, 'Gone')],
    ['InternalError', errorEvent(500, 'InternalError')],
  ])(
    'relists from lastSync after a backoff on an ERROR event (%s), without calling the error handler',
    async (_, error) => {
      const { lw, h } = synced(new FakeWatch().push(modified('a', '12'), error));
      lw.addList(page([a], '13'));
      expect(await h.clock.waitForSleeps(1)).toEqual([800]);
      await h.clock.fireNext();
      await lw.waitForCalls(3);
      expect(lw.lists()[1]).toEqual({ resourceVersion: '12' });
      expect(h.errors).toEqual([]);
      await h.stop();
    },
  );

  it('relists after a backoff when the stream cannot be decoded', async () => {
    const { lw, h } = synced(new FakeWatch().fail(new WatchDecodeError('/api/v1/configmaps', 0, 'is not valid JSON')));
    lw.addList(page([a], '13'));
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'list']);
    await h.stop();
  });

  it('backs off and watches again, without a relist, on a 429 ERROR event', async () => {
    const { lw, h } = synced(new FakeWatch().push(modified('a', '12'), errorEvent(429, 'TooManyRequests')));
    lw.addWatch(new FakeWatch());
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'watch']);
    expect(lw.watches()[1]?.resourceVersion).toBe('12');
    await h.stop();
  });

  it.each([
    ['a 429', statusError(429, 'TooManyRequests')],
    ['a refused connection', connectionRefused()],
  ])(
    'backs off and watches again, without a relist or the error handler, when the watch start fails with %s',
    async (_, error) => {
      const { lw, h } = synced(error);
      lw.addWatch(new FakeWatch());
      expect(await h.clock.waitForSleeps(1)).toEqual([800]);
      await h.clock.fireNext();
      await lw.waitForCalls(3);
      expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'watch']);
      expect(h.errors).toEqual([]);
      await h.stop();
    },
  );

  it('reports any other watch-start error to the error handler, backs off and relists', async () => {
    const forbidden = statusError(403, 'Forbidden');
    const { lw, h } = synced(forbidden);
    lw.addList(page([a], '10'));
    await h.clock.waitForSleeps(1);
    expect(h.errors).toEqual([forbidden]);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.slice(0, 3).map((c) => c.verb)).toEqual(['list', 'watch', 'list']);
    await h.stop();
  });

  it('skips events of the wrong kind without moving the RV', async () => {
    const wrong = { type: 'ADDED' as const, object: { ...obj('ns', 'p', '11'), kind: 'Pod' } };
    const watch = new FakeWatch().push(wrong, modified('a', '12'));
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [watch] });
    const h = startReflector(lw, { expectedGVK: { group: '', version: 'v1', kind: 'ConfigMap' } });
    await expect.poll(() => h.store.ops.length).toBe(2);
    expect(h.store.ops).toEqual(['replace [ns/a]@10', 'update ns/a@12']);
    await h.stop();
    const skipped = new FakeWatch().push(wrong).end();
    const lw2 = new ScriptedListerWatcher({ lists: [page([a], '10')], watches: [skipped] });
    const h2 = startReflector(lw2, { expectedGVK: { group: '', version: 'v1', kind: 'ConfigMap' } });
    await h2.clock.waitForSleeps(1);
    expect(h2.reflector.lastSyncResourceVersion()).toBe('10');
    await h2.stop();
  });

  it('builds the error of an ERROR event from its Status, classified like the server’s own errors', () => {
    const expired = errorFromStatus({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }, 'cm');
    expect(expired).toBeInstanceOf(StatusError);
    expect(expired.message).toBe('too old');
    expect(isExpiredError(expired)).toBe(true);
    expect(isExpiredError(errorFromStatus({ kind: 'Status', reason: 'InternalError' }, 'cm'))).toBe(false);
    expect(errorFromStatus({ kind: 'Status' }, 'cm').statusCode).toBe(500);
  });
});
