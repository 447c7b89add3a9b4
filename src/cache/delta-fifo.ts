/** Queues per-object deltas between a Reflector and an informer, coalescing by key (client-go's DeltaFIFO, release 1.32). */
import type { KubeObject } from '../client/meta.js';
import { KubeloopError } from '../errors.js';
import { type Delta, type Deltas, type DeltaType, newest } from './delta.js';
import { KeyError, type KeyFunc, metaNamespaceKeyFunc } from './keys.js';
import { RingQueue } from './ring-queue.js';
import { DeletedFinalStateUnknown } from './tombstone.js';

/** What the FIFO needs of the informer's store to detect deletions and resync: keys and lookups. */
export interface KnownObjects<T> {
  /** Every key the store holds. */
  listKeys(): Iterable<string>;
  /** The object under `key`, if the store holds it. */
  getByKey(key: string): T | undefined;
}

/** Options of {@link DeltaFIFO}. */
export interface DeltaFIFOOptions<T> {
  /** Defaults to `namespace/name`. Never sees a tombstone: the FIFO keys those by the key they carry. */
  readonly keyFunc?: KeyFunc<T>;
  /** The informer's store: lets `replace` find objects that vanished and `resync` replay the cache. */
  readonly knownObjects?: KnownObjects<T>;
  /** Records relisted objects as `Replaced` rather than `Sync` (informers set it). */
  readonly emitDeltaTypeReplaced?: boolean;
  /** Applied once to each object entering the queue, never to tombstones or to resync's cached objects. */
  readonly transformer?: (obj: T) => T;
}

/** Thrown by `pop` once the FIFO is closed and drained. */
export class FIFOClosedError extends KubeloopError<'FIFO_CLOSED'> {
  readonly code = 'FIFO_CLOSED';
  constructor() {
    super('DeltaFIFO: manipulating with closed queue');
  }
}

/**
 * Thrown by a `pop` processor to put the item back (unless the key was queued again meanwhile), client-go's
 * ErrRequeue: `pop` then rejects with the `cause` when one was given, and resolves when none was.
 */
export class RequeueError extends KubeloopError<'FIFO_REQUEUE'> {
  readonly code = 'FIFO_REQUEUE';
}

/**
 * Processes one key's deltas; `isInInitialList` is true while the first relist is still being delivered; `key` is
 * the key they were queued under (computed once, when queued).
 */
export type PopProcessor<T> = (deltas: Deltas<T>, isInInitialList: boolean, key: string) => void | Promise<void>;

/**
 * A producer/consumer queue of deltas keyed by object.
 *
 * Guarantees (client-go 1.32): a key is in the queue iff it has deltas, at most once; a new key goes to the back,
 * a key touched again keeps its place and accumulates deltas in order; two trailing `Deleted` deltas collapse into
 * one; `pop` hands one key's deltas to one processor at a time, in queue order, and items queued before `close`
 * are still handed out. `hasSynced` turns true once everything from the first `replace` (or anything added before
 * it) has been popped. Deliberate difference: delivery is awaited, since processors may be async.
 *
 * @typeParam T - the queued object type.
 */
export class DeltaFIFO<T extends KubeObject> {
  /** Invariant: every key in #queue has a non-empty entry here, and every entry's key is in #queue once. */
  readonly #items = new Map<string, Delta<T>[]>();
  readonly #queue = new RingQueue<string>();
  readonly #keyFunc: KeyFunc<T>;
  readonly #knownObjects: KnownObjects<T> | undefined;
  readonly #emitReplaced: boolean;
  readonly #transformer: ((obj: T) => T) | undefined;
  #populated = false;
  #initialPopulationCount = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  #popping: Promise<unknown> = Promise.resolve();

  constructor(options: DeltaFIFOOptions<T> = {}) {
    this.#keyFunc = options.keyFunc ?? metaNamespaceKeyFunc;
    this.#knownObjects = options.knownObjects;
    this.#emitReplaced = options.emitDeltaTypeReplaced ?? false;
    this.#transformer = options.transformer;
  }

  /** Queues an `Added` delta. */
  add(obj: T): void {
    this.#populated = true;
    this.#queueAction('Added', obj);
  }

  /** Queues an `Updated` delta. */
  update(obj: T): void {
    this.#populated = true;
    this.#queueAction('Updated', obj);
  }

  /**
   * Queues a `Deleted` delta, unless the object is known neither to the queue nor to the store; either way the
   * FIFO counts as populated (as client-go's does).
   */
  delete(obj: T | DeletedFinalStateUnknown<T>): void {
    const key = this.#keyOf(obj);
    this.#populated = true;
    const queued = this.#items.has(key);
    if (!queued && (this.#knownObjects === undefined || this.#knownObjects.getByKey(key) === undefined)) return;
    this.#queueAction('Deleted', obj);
  }

  /**
   * Puts a key's deltas back, e.g. an item popped and not processed, unless the key has deltas again; it goes to
   * the back of the queue. Marks the FIFO populated. Throws KeyError for an empty list.
   */
  addIfNotPresent(deltas: Deltas<T>): void {
    const last = deltas[deltas.length - 1];
    if (last === undefined) throw new KeyError('addIfNotPresent: no deltas to add');
    this.#populated = true;
    this.#insertIfAbsent(this.#keyOf(last.object), [...deltas]);
  }

  /**
   * Records a relist: a `Replaced` (or `Sync`) delta per listed object, and a `Deleted` tombstone for each object
   * queued or known to the store but absent from the list.
   */
  replace(list: Iterable<T>, _resourceVersion: string): void {
    const action: DeltaType = this.#emitReplaced ? 'Replaced' : 'Sync';
    const listed = new Set<string>();
    for (const obj of list) {
      listed.add(this.#keyOf(obj));
      this.#queueAction(action, obj);
    }
    let deletions = 0;
    for (const [key, deltas] of this.#items) {
      if (listed.has(key)) continue;
      const last = newest(deltas).object;
      const obj = last instanceof DeletedFinalStateUnknown ? last.obj : last;
      deletions++;
      this.#queueAction('Deleted', new DeletedFinalStateUnknown(key, obj));
    }
    if (this.#knownObjects) {
      for (const key of this.#knownObjects.listKeys()) {
        if (listed.has(key) || this.#items.has(key)) continue;
        const obj = this.#knownObjects.getByKey(key);
        if (obj === undefined) continue;
        deletions++;
        this.#queueAction('Deleted', new DeletedFinalStateUnknown(key, obj));
      }
    }
    if (!this.#populated) {
      this.#populated = true;
      this.#initialPopulationCount = listed.size + deletions;
    }
  }

  /** Queues a `Sync` delta for every known object that has nothing pending; a no-op without known objects. */
  resync(): void {
    if (!this.#knownObjects) return;
    for (const key of this.#knownObjects.listKeys()) {
      const obj = this.#knownObjects.getByKey(key);
      if (obj === undefined || this.#items.has(this.#keyOf(obj))) continue;
      this.#queueAction('Sync', obj, false);
    }
  }

  /**
   * Waits for a key, removes it with its deltas, and awaits `process` on them. Calls are serialised: a second
   * `pop` waits until the first one's processor has finished. Throws {@link FIFOClosedError} when closed and empty.
   */
  pop(process: PopProcessor<T>): Promise<Deltas<T>> {
    const next = this.#popping.then(() => this.#popOne(process));
    this.#popping = next.catch(() => undefined);
    return next;
  }

  /**
   * Waits for a key, then pops and processes every key queued at that moment, in queue order, each as `pop`
   * would (a RequeueError puts it back; any other error stops the batch and rejects). A synchronous processor
   * costs no promise per key: client-go's batch processing of the queue. Serialised with `pop`. Resolves to the
   * number of keys popped; throws {@link FIFOClosedError} when closed and empty.
   */
  popBatch(process: PopProcessor<T>): Promise<number> {
    const next = this.#popping.then(() => this.#popMany(process));
    this.#popping = next.catch(() => undefined);
    return next;
  }

  /** True once the first `replace` (or earlier adds) has been fully popped. */
  hasSynced(): boolean {
    return this.#populated && this.#initialPopulationCount === 0;
  }

  /** Stops accepting waits: `pop` drains what is queued, then throws {@link FIFOClosedError}. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** The newest object of every queued key, a tombstone as the tombstone (client-go's List); a new array. */
  list(): (T | DeletedFinalStateUnknown<T>)[] {
    const out: (T | DeletedFinalStateUnknown<T>)[] = [];
    for (const deltas of this.#items.values()) out.push(newest(deltas).object);
    return out;
  }

  /** Queued keys in queue order. */
  listKeys(): string[] {
    return Array.from(this.#queue);
  }

  /** A copy of the deltas pending for `key`. */
  getByKey(key: string): Deltas<T> | undefined {
    const deltas = this.#items.get(key);
    return deltas && [...deltas];
  }

  async #popOne(process: PopProcessor<T>): Promise<Deltas<T>> {
    for (;;) {
      await this.#waitForKey();
      const popped = this.#take();
      if (popped === undefined) continue;
      const result = this.#process(process, popped);
      if (result !== undefined) await result;
      return popped.deltas;
    }
  }

  async #popMany(process: PopProcessor<T>): Promise<number> {
    await this.#waitForKey();
    // Keys queued while the batch runs (requeues included) wait for the next batch: a batch always ends.
    let remaining = this.#queue.length;
    let popped = 0;
    for (; remaining > 0; remaining--) {
      const next = this.#take();
      if (next === undefined) continue;
      popped++;
      const result = this.#process(process, next);
      if (result !== undefined) await result;
    }
    return popped;
  }

  async #waitForKey(): Promise<void> {
    while (this.#queue.length === 0) {
      if (this.#closed) throw new FIFOClosedError();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  /** Removes the head key with its deltas; undefined when it had none (then it was only dropped from the queue). */
  #take(): { key: string; deltas: Delta<T>[]; isInInitialList: boolean } | undefined {
    // Read before the decrement (as client-go does): the last item of the initial list is still part of it.
    const isInInitialList = !this.hasSynced();
    const key = this.#queue.shift() as string;
    if (this.#initialPopulationCount > 0) this.#initialPopulationCount--;
    const deltas = this.#items.get(key);
    if (!deltas) return undefined;
    this.#items.delete(key);
    return { key, deltas, isInInitialList };
  }

  /** Runs the processor on one popped key; a promise only when the processor returned one. */
  #process(
    process: PopProcessor<T>,
    popped: { key: string; deltas: Delta<T>[]; isInInitialList: boolean },
  ): Promise<void> | undefined {
    let result: void | Promise<void>;
    try {
      result = process(popped.deltas, popped.isInInitialList, popped.key);
    } catch (error) {
      this.#requeueOrThrow(error, popped.key, popped.deltas);
      return undefined;
    }
    if (result === undefined) return undefined;
    return Promise.resolve(result).catch((error: unknown) => this.#requeueOrThrow(error, popped.key, popped.deltas));
  }

  #requeueOrThrow(error: unknown, key: string, deltas: Delta<T>[]): void {
    if (!(error instanceof RequeueError)) throw error;
    this.#insertIfAbsent(key, deltas);
    if (error.cause !== undefined) throw error.cause;
  }

  /** client-go's KeyOf: a tombstone's own key, else the key function's. */
  #keyOf(obj: T | DeletedFinalStateUnknown<T>): string {
    return obj instanceof DeletedFinalStateUnknown ? obj.key : this.#keyFunc(obj);
  }

  #insertIfAbsent(key: string, deltas: Delta<T>[]): void {
    if (this.#items.has(key)) return;
    this.#items.set(key, deltas);
    this.#queue.push(key);
    this.#wake?.();
  }

  #queueAction(type: DeltaType, obj: T | DeletedFinalStateUnknown<T>, transform = true): void {
    const key = this.#keyOf(obj);
    const object =
      transform && this.#transformer && !(obj instanceof DeletedFinalStateUnknown) ? this.#transformer(obj) : obj;
    const deltas = this.#items.get(key);
    if (deltas) {
      deltas.push({ type, object });
      dedupDeltas(deltas);
      return;
    }
    this.#items.set(key, [{ type, object }]);
    this.#queue.push(key);
    this.#wake?.();
  }
}

/** Collapses two trailing `Deleted` deltas into one, in place: the older, unless it is a tombstone and the newer not. */
function dedupDeltas<T>(deltas: Delta<T>[]): void {
  const n = deltas.length;
  if (n < 2) return;
  const a = deltas[n - 1] as Delta<T>;
  const b = deltas[n - 2] as Delta<T>;
  if (a.type !== 'Deleted' || b.type !== 'Deleted') return;
  deltas.length = n - 2;
  deltas.push(b.object instanceof DeletedFinalStateUnknown ? a : b);
}
