import { describe, expect, it } from 'vitest';
import { ListFailedError } from '../../../../src/cache/reflector-errors.js';
import { choosePageSize, withTypeMeta } from '../../../../src/cache/reflector-list.js';
import { obj } from '../objects.js';
import {
  errorEvent,
  FakeWatch,
  modified,
  page,
  ScriptedListerWatcher,
  startReflector,
  statusError,
} from './scripted.js';

const a = obj('ns', 'a', '5');
const b = obj('ns', 'b', '6');
const c = obj('ns', 'c', '7');

describe('Reflector list', () => {
  it('lists at resourceVersion "0" with limit 500, replaces the store, then watches from the list RV', async () => {
    const lw = new ScriptedListerWatcher({ lists: [page([a, b], '10')], watches: [new FakeWatch()] });
    const h = startReflector(lw);
    await lw.waitForCalls(2);
    expect(lw.lists()).toEqual([{ resourceVersion: '0', limit: 500 }]);
    expect(h.store.ops).toEqual(['replace [ns/a,ns/b]@10']);
    expect(lw.watches()).toEqual([{ resourceVersion: '10', timeoutSeconds: 300, allowWatchBookmarks: true }]);
    expect(h.reflector.lastSyncResourceVersion()).toBe('10');
    await h.stop();
  });

  it('follows continue tokens without a resourceVersion and replaces with every page at the first page RV', async () => {
    const lw = new ScriptedListerWatcher({
      lists: [page([a], '10', 't1'), page([b], '11', 't2'), page([c], '12')],
      watches: [new FakeWatch()],
    });
    const h = startReflector(lw);
    await lw.waitForCalls(4);
    expect(lw.lists()).toEqual([
      { resourceVersion: '0', limit: 500 },
      { limit: 500, continue: 't1' },
      { limit: 500, continue: 't2' },
    ]);
    expect(h.store.ops).toEqual(['replace [ns/a,ns/b,ns/c]@10']);
    expect(lw.watches()[0]?.resourceVersion).toBe('10');
    await h.stop();
  });

  it('lists everything unpaginated at the original RV when a continue page is Expired', async () => {
    const lw = new ScriptedListerWatcher({
      lists: [page([a], '10', 't1'), statusError(410, 'Expired'), page([a, b, c], '10')],
      watches: [new FakeWatch()],
    });
    const h = startReflector(lw);
    await lw.waitForCalls(4);
    expect(lw.lists()).toEqual([
      { resourceVersion: '0', limit: 500 },
      { limit: 500, continue: 't1' },
      { resourceVersion: '0' },
    ]);
    expect(h.store.ops).toEqual(['replace [ns/a,ns/b,ns/c]@10']);
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it.each([
    ['reason Gone', statusError(410, 'Gone')],
    ['reason Expired', statusError(410, 'Expired')],
    ['an unknown reason with code 410', statusError(410, 'SomethingNew')],
    [
      'cause ResourceVersionTooLarge',
      statusError(504, 'Timeout', { details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } }),
    ],
    [
      'an old server’s 504 "Too large resource version"',
      statusError(504, 'Timeout', { message: 'Too large resource version' }),
    ],
  ])('relists at once with resourceVersion "" when the list fails with %s', async (_, error) => {
    const lw = new ScriptedListerWatcher({ lists: [error, page([a], '20')], watches: [new FakeWatch()] });
    const h = startReflector(lw);
    await lw.waitForCalls(3);
    expect(lw.lists()).toEqual([
      { resourceVersion: '0', limit: 500 },
      { resourceVersion: '', limit: 500 },
    ]);
    expect(h.clock.sleeps).toEqual([]);
    expect(h.errors).toEqual([]);
    expect(h.store.ops).toEqual(['replace [ns/a]@20']);
    await h.stop();
  });

  it('keeps asking for resourceVersion "" until a list succeeds once it was marked unavailable', async () => {
    const lw = new ScriptedListerWatcher({
      lists: [statusError(410, 'Gone'), statusError(500, 'InternalError'), page([a], '30')],
      watches: [new FakeWatch()],
    });
    const h = startReflector(lw);
    await lw.waitForCalls(2);
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(4);
    expect(lw.lists().map((o) => o.resourceVersion)).toEqual(['0', '', '']);
    expect(lw.watches()[0]?.resourceVersion).toBe('30');
    await h.stop();
  });

  it('reports any other list error to the watch error handler, backs off and lists again', async () => {
    const forbidden = statusError(403, 'Forbidden');
    const lw = new ScriptedListerWatcher({ lists: [forbidden, page([a], '10')], watches: [new FakeWatch()] });
    const h = startReflector(lw);
    expect(await h.clock.waitForSleeps(1)).toEqual([800]);
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toBeInstanceOf(ListFailedError);
    expect((h.errors[0] as Error).message).toBe('failed to list configmaps: Forbidden');
    expect((h.errors[0] as Error).cause).toBe(forbidden);
    expect(lw.lists()).toHaveLength(1);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.lists()[1]).toEqual({ resourceVersion: '0', limit: 500 });
    await h.stop();
  });

  it('relists from the last synced RV without a limit after a watch fails, when the first list was one page', async () => {
    const watch = new FakeWatch().push(modified('a', '15'), errorEvent(410, 'Expired'));
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10'), page([a], '16')], watches: [watch] });
    const h = startReflector(lw);
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.lists()).toEqual([{ resourceVersion: '0', limit: 500 }, { resourceVersion: '15' }]);
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it('keeps limit 500 on later relists when the first list (at RV "0") came back paginated', async () => {
    const watch = new FakeWatch().push(errorEvent(410, 'Expired'));
    const lw = new ScriptedListerWatcher({
      lists: [page([a], '10', 't'), page([b], '10'), page([a, b], '15')],
      watches: [watch],
    });
    const h = startReflector(lw);
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(4);
    expect(lw.lists()[2]).toEqual({ resourceVersion: '10', limit: 500 });
    await h.stop();
  });

  it('uses the configured page size for every list', async () => {
    const watch = new FakeWatch().push(errorEvent(410, 'Expired'));
    const lw = new ScriptedListerWatcher({ lists: [page([a], '10'), page([a], '11')], watches: [watch] });
    const h = startReflector(lw, { pageSize: 100 });
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.lists()).toEqual([
      { resourceVersion: '0', limit: 100 },
      { resourceVersion: '10', limit: 100 },
    ]);
    await h.stop();
  });

  it('chooses the page size as client-go does for each resourceVersion', () => {
    expect(choosePageSize(0, false, '0')).toBe(500);
    expect(choosePageSize(0, false, '')).toBe(500);
    expect(choosePageSize(0, false, '42')).toBe(0);
    expect(choosePageSize(0, true, '42')).toBe(500);
    expect(choosePageSize(7, false, '42')).toBe(7);
  });

  it('gives listed items their list’s apiVersion and kind, as watch events carry them', () => {
    const bare = { metadata: { name: 'x', namespace: 'ns' } };
    const typed = { apiVersion: 'v2', kind: 'Other', metadata: { name: 'y' } };
    const list = withTypeMeta({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [bare, typed] });
    expect(list.items).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns' } },
      { apiVersion: 'v2', kind: 'Other', metadata: { name: 'y' } },
    ]);
    const untyped = withTypeMeta({ metadata: {}, items: [{ metadata: { name: 'z' } }] });
    expect(untyped.items[0]).toEqual({ metadata: { name: 'z' } });
  });
});
