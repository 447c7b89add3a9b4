import { describe, expect, it } from 'vitest';
import { metaNamespaceIndexFunc, namespaceIndex, newIndexer } from '../../../../src/cache/indexer.js';
import { selectorFromSet } from '../../../../src/cache/label-selector.js';
import { newLister } from '../../../../src/cache/lister.js';
import { obj, type TestObject } from '../objects.js';

const names = (objects: readonly Readonly<TestObject>[]): string[] =>
  objects.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`).sort();

function fill(withNamespaceIndex: boolean) {
  const indexer = newIndexer<TestObject>(
    withNamespaceIndex ? { indexers: { [namespaceIndex]: metaNamespaceIndexFunc } } : {},
  );
  indexer.add(obj('a', 'web-1', '1', { app: 'web', tier: 'front' }));
  indexer.add(obj('a', 'db-1', '1', { app: 'db' }));
  indexer.add(obj('b', 'web-2', '1', { app: 'web', tier: 'back' }));
  indexer.add(obj('', 'node-1', '1', { app: 'web' }));
  return indexer;
}

describe.each([true, false])('newLister (namespace index: %s)', (withIndex) => {
  it('lists everything without a selector, and by a parsed or string selector', () => {
    const lister = newLister(fill(withIndex));
    expect(names(lister.list())).toEqual(['/node-1', 'a/db-1', 'a/web-1', 'b/web-2']);
    expect(names(lister.list('app=web,tier'))).toEqual(['a/web-1', 'b/web-2']);
    expect(names(lister.list(selectorFromSet({ app: 'db' })))).toEqual(['a/db-1']);
    expect(names(lister.list('tier notin (front),app!=db'))).toEqual(['/node-1', 'b/web-2']);
  });

  it('lists and gets within one namespace', () => {
    const lister = newLister(fill(withIndex));
    expect(names(lister.namespace('a').list())).toEqual(['a/db-1', 'a/web-1']);
    expect(names(lister.namespace('a').list('app in (web)'))).toEqual(['a/web-1']);
    expect(lister.namespace('b').get('web-2')?.metadata?.labels?.tier).toBe('back');
    expect(lister.namespace('b').get('web-1')).toBeUndefined();
    expect(lister.namespace('c').list()).toEqual([]);
    expect(lister.get('node-1')?.metadata?.name).toBe('node-1');
  });

  it('returns the cached objects themselves, never copies', () => {
    const indexer = fill(withIndex);
    const lister = newLister(indexer);
    expect(lister.namespace('a').get('db-1')).toBe(indexer.getByKey('a/db-1'));
    expect(lister.list('app=db')[0]).toBe(indexer.getByKey('a/db-1'));
  });

  it('rejects a selector that does not parse', () => {
    expect(() => newLister(fill(withIndex)).list('app in web')).toThrow(/unable to parse|expected/);
  });
});
