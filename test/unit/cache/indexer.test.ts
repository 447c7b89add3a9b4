import { describe, expect, it } from 'vitest';
import { IndexError, metaNamespaceIndexFunc, namespaceIndex, newIndexer } from '../../../src/cache/indexer.js';
import { obj, type TestObject } from './objects.js';

const byApp = (o: TestObject): string[] => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []);
const byLabelValues = (o: TestObject): string[] => Object.values(o.metadata?.labels ?? {});

function indexer() {
  return newIndexer<TestObject>({ indexers: { [namespaceIndex]: metaNamespaceIndexFunc, app: byApp } });
}

describe('Indexer', () => {
  it('stores namespaced objects under namespace/name and cluster-scoped ones under name', () => {
    const store = indexer();
    store.add(obj('ns', 'a'));
    store.add(obj('', 'node-1'));
    expect(store.listKeys().sort()).toEqual(['node-1', 'ns/a']);
    expect(store.getByKey('ns/a')?.metadata?.name).toBe('a');
  });

  it('hands out the stored object itself, never a copy', () => {
    const store = indexer();
    const a = obj('ns', 'a');
    store.add(a);
    expect(store.getByKey('ns/a')).toBe(a);
    expect(store.list()[0]).toBe(a);
    expect([...store.values()][0]).toBe(a);
  });

  it('treats update like add and moves the key between index values', () => {
    const store = indexer();
    store.add(obj('ns', 'a', '1', { app: 'web' }));
    store.update(obj('ns', 'a', '2', { app: 'db' }));
    expect(store.indexKeys('app', 'web')).toEqual([]);
    expect(store.indexKeys('app', 'db')).toEqual(['ns/a']);
    expect(store.listIndexFuncValues('app')).toEqual(['db']);
  });

  it('drops a deleted key from every index, and ignores deleting an absent key', () => {
    const store = indexer();
    store.add(obj('ns', 'a', '1', { app: 'web' }));
    store.delete(obj('ns', 'a'));
    store.delete(obj('ns', 'never'));
    expect(store.size).toBe(0);
    expect(store.listIndexFuncValues('app')).toEqual([]);
    expect(store.listIndexFuncValues(namespaceIndex)).toEqual([]);
  });

  it('finds objects by index value, by another object, and lists sorted keys', () => {
    const store = newIndexer<TestObject>({ indexers: { values: byLabelValues } });
    store.add(obj('ns', 'b', '1', { app: 'web', tier: 'front' }));
    store.add(obj('ns', 'a', '1', { app: 'web' }));
    store.add(obj('ns', 'c', '1', { tier: 'back' }));
    expect(store.indexKeys('values', 'web')).toEqual(['ns/a', 'ns/b']);
    expect(store.byIndex('values', 'front').map((o) => o.metadata?.name)).toEqual(['b']);
    const related = store.index('values', obj('x', 'probe', '1', { one: 'web', two: 'back' }));
    expect(related.map((o) => o.metadata?.name).sort()).toEqual(['a', 'b', 'c']);
    expect(store.byIndex('values', 'nothing')).toEqual([]);
  });

  it('rejects an unknown index name with the name in the error', () => {
    const store = indexer();
    expect(() => store.byIndex('nope', 'x')).toThrow(new IndexError('Index with name nope does not exist'));
    expect(() => store.indexKeys('nope', 'x')).toThrow(IndexError);
    expect(() => store.index('nope', obj('ns', 'a'))).toThrow(IndexError);
  });

  it('replaces its whole content and rebuilds the indexes', () => {
    const store = indexer();
    store.add(obj('old', 'a', '1', { app: 'web' }));
    store.replace([obj('new', 'b', '2', { app: 'db' }), obj('new', 'c', '2')], '2');
    expect(store.listKeys().sort()).toEqual(['new/b', 'new/c']);
    expect(store.indexKeys(namespaceIndex, 'old')).toEqual([]);
    expect(store.indexKeys(namespaceIndex, 'new')).toEqual(['new/b', 'new/c']);
    expect(store.listIndexFuncValues('app')).toEqual(['db']);
  });

  it('backfills an index added after objects are stored, and refuses a duplicate name', () => {
    const store = indexer();
    store.add(obj('ns', 'a', '1', { tier: 'front' }));
    store.addIndexers({ tier: (o) => (o.metadata?.labels?.tier ? [o.metadata.labels.tier] : []) });
    expect(store.indexKeys('tier', 'front')).toEqual(['ns/a']);
    store.add(obj('ns', 'b', '1', { tier: 'front' }));
    expect(store.indexKeys('tier', 'front')).toEqual(['ns/a', 'ns/b']);
    expect(() => store.addIndexers({ app: byApp })).toThrow('indexer conflict: app');
    expect(Object.keys(store.getIndexers()).sort()).toEqual(['app', namespaceIndex, 'tier'].sort());
  });
});
