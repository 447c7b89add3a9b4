/** Stores objects by key with secondary indexes kept current on every write (client-go's threadSafeMap + Indexer). */
import type { KubeObject } from '../client/meta.js';
import { KubeloopError } from '../errors.js';
import { type KeyFunc, metaNamespaceKeyFunc } from './keys.js';

/** Maps an object to the index values it is found under (e.g. its node name). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** Index name → index function. */
export type Indexers<T> = Readonly<Record<string, IndexFunc<T>>>;

/** The name of the built-in namespace index. */
export const namespaceIndex = 'namespace';

/** Indexes objects by `metadata.namespace` (cluster-scoped objects under `''`). */
export const metaNamespaceIndexFunc: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ''];

/** Thrown for an index name that was never added, or added twice. */
export class IndexError extends KubeloopError<'CACHE_INDEX'> {
  readonly code = 'CACHE_INDEX';
}

/**
 * A keyed object store with secondary indexes: what informers fill and listers read.
 *
 * Guarantees: every write updates every index before it returns, so reads never see an index out of step with
 * the items; objects are stored once, by reference, and handed out as `Readonly` — never mutate one (copy it
 * with `structuredClone` first); `replace` swaps in a new item map and drops the old one at once, so a relist
 * holds at most the old and the new store; reads never copy the store unless the method says so.
 *
 * @typeParam T - the stored object type.
 */
export interface Indexer<T> {
  /** Stores `obj` under its key and indexes it. */
  add(obj: T): void;
  /** Replaces the object under `obj`'s key and re-indexes it. */
  update(obj: T): void;
  /** Removes the object under `obj`'s key and its index entries. */
  delete(obj: T): void;
  /** The object under `key`, if any. */
  getByKey(key: string): Readonly<T> | undefined;
  /** The object stored under `obj`'s key, if any. */
  get(obj: T): Readonly<T> | undefined;
  /** A new array of every object (one copy of the references, never of the objects). */
  list(): Readonly<T>[];
  /** Iterates the objects without copying anything. */
  values(): IterableIterator<Readonly<T>>;
  /** A new array of every key. */
  listKeys(): string[];
  /** How many objects are stored. */
  readonly size: number;
  /** Replaces the whole content (a relist); `resourceVersion` is the list's. */
  replace(list: Iterable<T>, resourceVersion: string): void;
  /** Objects sharing any of `obj`'s values in index `indexName`. */
  index(indexName: string, obj: T): Readonly<T>[];
  /** Objects whose index `indexName` contains `value`; `[]` for an unknown value. */
  byIndex(indexName: string, value: string): Readonly<T>[];
  /** Keys whose index `indexName` contains `value`, sorted. */
  indexKeys(indexName: string, value: string): string[];
  /** The values present in index `indexName`. */
  listIndexFuncValues(indexName: string): string[];
  /** The index functions, by index name. */
  getIndexers(): Indexers<T>;
  /** Adds indexes, also after start: existing objects are indexed before it returns. A known name is an error. */
  addIndexers(indexers: Indexers<T>): void;
}

/**
 * An Indexer that also writes by a key its caller computed already (the informer's, from the DeltaFIFO): one key
 * computation per event instead of three. Internal to the cache; the key must be what `keyFunc` would give.
 */
export interface KeyedIndexer<T> extends Indexer<T> {
  /** Stores `obj` under `key` and returns what was there before. */
  upsert(key: string, obj: T): Readonly<T> | undefined;
  /** Deletes what is stored under `key`, if anything. */
  deleteByKey(key: string): void;
}

/** Creates an empty {@link Indexer}. The default key function is `namespace/name`. */
export function newIndexer<T extends KubeObject>(
  options: { readonly keyFunc?: KeyFunc<T>; readonly indexers?: Indexers<T> } = {},
): Indexer<T> {
  return newKeyedIndexer(options);
}

/** Creates an empty {@link KeyedIndexer} (the informer's store); not exported from the package. */
export function newKeyedIndexer<T extends KubeObject>(
  options: { readonly keyFunc?: KeyFunc<T>; readonly indexers?: Indexers<T> } = {},
): KeyedIndexer<T> {
  return new StoreWithIndexes<T>(options.keyFunc ?? metaNamespaceKeyFunc, options.indexers ?? {});
}

type Index = Map<string, Set<string>>;

class StoreWithIndexes<T> implements KeyedIndexer<T> {
  #items = new Map<string, Readonly<T>>();
  readonly #indexers: Record<string, IndexFunc<T>>;
  /** `Object.entries(#indexers)`, kept current by addIndexers: every write walks it, so it is built once. */
  #indexerEntries: [string, IndexFunc<T>][];
  /** Invariant: for each indexer name, value → non-empty set of keys of items having that value. */
  #indices = new Map<string, Index>();

  constructor(
    private readonly keyFunc: KeyFunc<T>,
    indexers: Indexers<T>,
  ) {
    this.#indexers = { ...indexers };
    this.#indexerEntries = Object.entries(this.#indexers);
  }

  get size(): number {
    return this.#items.size;
  }

  add(obj: T): void {
    this.upsert(this.keyFunc(obj), obj);
  }

  update(obj: T): void {
    this.upsert(this.keyFunc(obj), obj);
  }

  upsert(key: string, obj: T): Readonly<T> | undefined {
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    this.#updateIndices(old, obj, key);
    return old;
  }

  delete(obj: T): void {
    this.deleteByKey(this.keyFunc(obj));
  }

  deleteByKey(key: string): void {
    const old = this.#items.get(key);
    if (old === undefined) return;
    this.#updateIndices(old, undefined, key);
    this.#items.delete(key);
  }

  getByKey(key: string): Readonly<T> | undefined {
    return this.#items.get(key);
  }

  get(obj: T): Readonly<T> | undefined {
    return this.#items.get(this.keyFunc(obj));
  }

  list(): Readonly<T>[] {
    return Array.from(this.#items.values());
  }

  values(): IterableIterator<Readonly<T>> {
    return this.#items.values();
  }

  listKeys(): string[] {
    return Array.from(this.#items.keys());
  }

  replace(list: Iterable<T>, _resourceVersion: string): void {
    const items = new Map<string, Readonly<T>>();
    for (const obj of list) items.set(this.keyFunc(obj), obj);
    this.#items = items;
    this.#indices = new Map();
    for (const [key, obj] of items) this.#updateIndices(undefined, obj, key);
  }

  index(indexName: string, obj: T): Readonly<T>[] {
    const fn = this.#indexFunc(indexName);
    const index = this.#indices.get(indexName);
    const keys = new Set<string>();
    for (const value of fn(obj)) for (const key of index?.get(value) ?? []) keys.add(key);
    return this.#objects(keys);
  }

  byIndex(indexName: string, value: string): Readonly<T>[] {
    this.#indexFunc(indexName);
    return this.#objects(this.#indices.get(indexName)?.get(value) ?? []);
  }

  indexKeys(indexName: string, value: string): string[] {
    this.#indexFunc(indexName);
    return Array.from(this.#indices.get(indexName)?.get(value) ?? []).sort();
  }

  listIndexFuncValues(indexName: string): string[] {
    return Array.from(this.#indices.get(indexName)?.keys() ?? []);
  }

  getIndexers(): Indexers<T> {
    return { ...this.#indexers };
  }

  addIndexers(indexers: Indexers<T>): void {
    const names = Object.keys(indexers);
    const duplicate = names.find((name) => name in this.#indexers);
    if (duplicate !== undefined) throw new IndexError(`indexer conflict: ${duplicate} is already registered`);
    Object.assign(this.#indexers, indexers);
    this.#indexerEntries = Object.entries(this.#indexers);
    for (const [key, obj] of this.#items) this.#indexInto(names, obj, key);
  }

  #indexFunc(indexName: string): IndexFunc<T> {
    const fn = this.#indexers[indexName];
    if (!fn) throw new IndexError(`Index with name ${indexName} does not exist`);
    return fn;
  }

  #objects(keys: Iterable<string>): Readonly<T>[] {
    const out: Readonly<T>[] = [];
    for (const key of keys) {
      const obj = this.#items.get(key);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  #indexInto(names: readonly string[], obj: Readonly<T>, key: string): void {
    for (const name of names) {
      const fn = this.#indexers[name];
      if (fn) for (const value of fn(obj)) this.#addKey(name, value, key);
    }
  }

  #updateIndices(old: Readonly<T> | undefined, obj: Readonly<T> | undefined, key: string): void {
    for (const [name, fn] of this.#indexerEntries) {
      const oldValues = old === undefined ? [] : fn(old);
      const newValues = obj === undefined ? [] : fn(obj);
      // The common case (a label or node name that did not change) costs two calls and no map writes.
      if (oldValues.length === 1 && newValues.length === 1 && oldValues[0] === newValues[0]) continue;
      for (const value of oldValues) this.#removeKey(name, value, key);
      for (const value of newValues) this.#addKey(name, value, key);
    }
  }

  #addKey(name: string, value: string, key: string): void {
    let index = this.#indices.get(name);
    if (!index) {
      index = new Map();
      this.#indices.set(name, index);
    }
    const keys = index.get(value);
    if (keys) keys.add(key);
    else index.set(value, new Set([key]));
  }

  #removeKey(name: string, value: string, key: string): void {
    const keys = this.#indices.get(name)?.get(value);
    if (!keys) return;
    keys.delete(key);
    // Dropping empty sets keeps listIndexFuncValues exact and memory bounded by live values.
    if (keys.size === 0) this.#indices.get(name)?.delete(value);
  }
}
