/** Stores the fake API server's objects with one global resourceVersion counter and a compactable change log. */

/** A stored object: plain JSON, never mutated once stored. */
export type Obj = Record<string, unknown>;

/** One committed change. `object` is the new state (the last state for DELETED, with the delete's RV). */
export interface Change {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** `namespace/name`, or `name` for cluster-scoped objects. */
  readonly key: string;
  readonly object: Obj;
  /** The state before the change (absent for ADDED). */
  readonly prev?: Obj;
}

/** Told of every change of one storage, synchronously, in commit order. */
export type ChangeListener = (change: Change) => void;

interface Bucket {
  readonly objects: Map<string, Obj>;
  /** Changes at or after `compactedRv`, oldest first. */
  log: Change[];
  /**
   * etcd's compaction revision: reads and continue tokens at an older RV are gone (410), and so are watches from an
   * RV before `compactedRv - 1` (a watch from RV r replays from r + 1, which etcd still has when r + 1 ≥ compactedRv).
   */
  compactedRv: number;
  readonly listeners: Set<ChangeListener>;
}

/** The key of an object in its storage. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * Objects of every resource, keyed by storage (`group/resource`) then `namespace/name`.
 *
 * Guarantees: `rv` only grows and every commit takes a fresh value of it; listeners of a storage see its changes
 * in RV order, synchronously inside `commit`; a snapshot at any RV at or after the storage's `compactedRv` equals
 * the state at that RV; stored objects are never mutated (callers copy before changing).
 */
export class Store {
  #rv: number;
  readonly #buckets = new Map<string, Bucket>();
  /** Per storage, how many changes are kept for watches and snapshots before the oldest are compacted. */
  readonly #historyLimit: number;
  /** The RV of the last compact(); storages created later start compacted there. */
  #compactedAll = 0;

  constructor(options: { readonly historyLimit: number; readonly startRv: number }) {
    this.#historyLimit = options.historyLimit;
    this.#rv = options.startRv;
  }

  /** The latest committed resourceVersion. */
  get rv(): number {
    return this.#rv;
  }

  /** Takes the next resourceVersion for a commit. */
  nextRv(): number {
    this.#rv += 1;
    return this.#rv;
  }

  get(storage: string, key: string): Obj | undefined {
    return this.#buckets.get(storage)?.objects.get(key);
  }

  /** The current objects of a storage, in key order (namespace, then name), optionally in one namespace. */
  list(storage: string, namespace?: string): Obj[] {
    const objects = this.#buckets.get(storage)?.objects;
    if (!objects) return [];
    const prefix = namespace ? `${namespace}/` : '';
    return sortedEntries(objects)
      .filter(([key]) => key.startsWith(prefix))
      .map(([, object]) => object);
  }

  /** The objects of a storage as they were at `rv`, in key order; undefined when `rv` is compacted away. */
  snapshot(storage: string, rv: number): [string, Obj][] | undefined {
    const bucket = this.#bucket(storage);
    if (rv < bucket.compactedRv) return undefined;
    const state = new Map(bucket.objects);
    for (let i = bucket.log.length - 1; i >= 0; i--) {
      const change = bucket.log[i] as Change;
      if (change.rv <= rv) break;
      if (change.type === 'ADDED') state.delete(change.key);
      else state.set(change.key, change.prev as Obj);
    }
    return sortedEntries(state);
  }

  /** The changes of a storage after `rv`, oldest first; undefined when some are compacted away. */
  changesSince(storage: string, rv: number): Change[] | undefined {
    const bucket = this.#bucket(storage);
    if (rv + 1 < bucket.compactedRv) return undefined;
    let start = bucket.log.length;
    while (start > 0 && (bucket.log[start - 1] as Change).rv > rv) start--;
    return bucket.log.slice(start);
  }

  compactedRv(storage: string): number {
    return this.#bucket(storage).compactedRv;
  }

  /** Records a change whose object already carries `rv` (from nextRv) and tells the listeners. */
  commit(storage: string, change: Change): void {
    const bucket = this.#bucket(storage);
    if (change.type === 'DELETED') bucket.objects.delete(change.key);
    else bucket.objects.set(change.key, change.object);
    bucket.log.push(change);
    // Trimmed in batches (a quarter of the limit at a time), so a full log costs no copy per commit.
    if (bucket.log.length > this.#historyLimit + Math.ceil(this.#historyLimit / 4)) {
      const dropped = bucket.log.splice(0, bucket.log.length - this.#historyLimit);
      bucket.compactedRv = (dropped[dropped.length - 1] as Change).rv + 1;
    }
    for (const listener of bucket.listeners) listener(change);
  }

  subscribe(storage: string, listener: ChangeListener): () => void {
    const bucket = this.#bucket(storage);
    bucket.listeners.add(listener);
    return () => bucket.listeners.delete(listener);
  }

  /**
   * Compacts at the current RV as etcd does: the change at that RV is kept, every older one is forgotten, so older
   * reads and continue tokens get 410 and so do watches from before the RV just under it.
   */
  compact(): number {
    for (const bucket of this.#buckets.values()) {
      bucket.log = bucket.log.filter((change) => change.rv >= this.#rv);
      bucket.compactedRv = this.#rv;
    }
    this.#compactedAll = this.#rv;
    return this.#rv;
  }

  #bucket(storage: string): Bucket {
    let bucket = this.#buckets.get(storage);
    if (!bucket) {
      bucket = { objects: new Map(), log: [], compactedRv: this.#compactedAll, listeners: new Set() };
      this.#buckets.set(storage, bucket);
    }
    return bucket;
  }
}

function sortedEntries(objects: ReadonlyMap<string, Obj>): [string, Obj][] {
  return [...objects].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
