import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheState, informerEvents } from '../../../../src/cache/observable.js';
import { newSharedIndexInformer } from '../../../../src/cache/shared-index-informer.js';
import { obj, type TestObject } from '../objects.js';
import { capturedLogger } from './helpers.js';
import { ScriptedListerWatcher } from './scripted-lister-watcher.js';

const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

function running(items: TestObject[]) {
  const lw = new ScriptedListerWatcher(items, '1');
  const informer = newSharedIndexInformer(lw, { watchList: 'off', logger: capturedLogger().logger });
  const stop = new AbortController();
  stops.push(stop);
  void informer.run(stop.signal);
  return { lw, informer };
}

describe('informerEvents', () => {
  it('emits the informer notifications in order and removes its handler on unsubscribe', async () => {
    const { lw, informer } = running([obj('ns', 'a', '1')]);
    const events = firstValueFrom(informerEvents(informer).pipe(take(3), toArray()));
    await lw.watching();
    lw.emit('MODIFIED', obj('ns', 'a', '2'));
    lw.emit('DELETED', obj('ns', 'a', '2'));
    expect((await events).map((e) => `${e.type}:${'isInInitialList' in e ? e.isInInitialList : '-'}`)).toEqual([
      'add:true',
      'update:-',
      'delete:-',
    ]);
    // take(3) unsubscribed: a late handler would get synthetic adds, a removed one gets nothing.
    const seen: string[] = [];
    const subscription = informerEvents(informer).subscribe((e) => seen.push(e.type));
    subscription.unsubscribe();
    lw.emit('ADDED', obj('ns', 'b', '3'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
  });
});

describe('cacheState', () => {
  it('emits the synced cache first, then the cache after each change', async () => {
    const { lw, informer } = running([obj('ns', 'a', '1'), obj('ns', 'b', '1')]);
    const states = firstValueFrom(cacheState(informer).pipe(take(2), toArray()));
    await lw.watching();
    await new Promise((resolve) => setTimeout(resolve, 150));
    lw.emit('DELETED', obj('ns', 'a', '1'));
    const [first, second] = await states;
    expect(first?.synced).toBe(true);
    expect(first?.objects.map((o) => o.metadata?.name).sort()).toEqual(['a', 'b']);
    expect(second?.size).toBe(1);
    expect(second?.objects[0]).toBe(informer.getIndexer().getByKey('ns/b'));
  });

  it('reports only sync state and size when asked for no objects', async () => {
    const { informer } = running([]);
    const state = await firstValueFrom(cacheState(informer, { objects: false }));
    expect(state).toEqual({ synced: true, size: 0, objects: [] });
  });
});
