/** Keeps a local, indexed copy of one resource current and tells registered handlers about every change. */
import type { Logger } from 'pino';
import type { KubeObject } from '../client/meta.js';
import { type Clock, systemClock } from '../client/rest/clock.js';
import { KubeloopError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { Deltas } from './delta.js';
import { DeltaFIFO, FIFOClosedError } from './delta-fifo.js';
import type { ResourceEventHandler } from './event-handler.js';
import {
  type Indexer,
  type Indexers,
  type KeyedIndexer,
  metaNamespaceIndexFunc,
  namespaceIndex,
  newKeyedIndexer,
} from './indexer.js';
import type { ListerWatcher } from './listwatch.js';
import { determineResyncPeriod, SharedProcessor } from './processor.js';
import { Notification, ProcessorListener } from './processor-listener.js';
import { Reflector, type WatchErrorHandler } from './reflector.js';
import type { ListFailedError } from './reflector-errors.js';

/** Resyncs more often than once a second would mostly burn CPU: client-go's minimumResyncPeriod. */
const minimumResyncPeriodMs = 1000;

/**
 * Thrown for a call the informer's lifecycle or setup forbids: configuring after start, adding a handler after
 * stop, running twice, or a factory asked for an informer it has no client for.
 */
export class InformerStateError extends KubeloopError<'INFORMER_STATE'> {
  readonly code = 'INFORMER_STATE';
}

/** Options of {@link newSharedIndexInformer}. */
export interface SharedIndexInformerOptions<T extends KubeObject> {
  /** The informer's resync period and the default of its handlers; 0 (default) = never resync. */
  readonly resyncPeriodMs?: number;
  /** Extra indexes; the `namespace` index is always there. */
  readonly indexers?: Indexers<T>;
  /** Applied once to each object before it is cached, e.g. {@link stripManagedFields}. */
  readonly transform?: (obj: T) => T;
  /** Names the informer in logs (e.g. `v1/configmaps`). */
  readonly name?: string;
  /** Defaults to a `warn`-level kubeloop logger. */
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** The Reflector's watch-list mode. */
  readonly watchList?: 'auto' | 'on' | 'off';
  /**
   * A watch silent this long is presumed dead and replaced, with a warning when it had missed changes; default
   * 60 s; 0 = off. See ReflectorOptions.deadWatchTimeoutMs for the mechanism.
   */
  readonly deadWatchTimeoutMs?: number;
}

/** Options of {@link SharedIndexInformer.addEventHandler}. */
export interface AddEventHandlerOptions {
  /** This handler's resync period; defaults to the informer's. Under 1 s counts as 1 s. */
  readonly resyncPeriodMs?: number;
  /** Names the handler in logs; defaults to `handler-<n>`. */
  readonly name?: string;
}

/** The handle of one added handler. */
export interface ResourceEventHandlerRegistration {
  /** True once the informer has synced and this handler has processed every add of the initial list. */
  hasSynced(): boolean;
  /** Stops delivery to this handler and drops its pending notifications; idempotent. */
  remove(): void;
}

/**
 * An informer: a Reflector feeding a DeltaFIFO, popped oldest first into an {@link Indexer} and fanned out to
 * handlers (client-go's sharedIndexInformer, release 1.32).
 *
 * Guarantees: the indexer is updated before any handler hears of a change; each handler gets, per object, an ordered
 * subsequence of the server's states, from its own unbounded buffer, so a slow, throwing or rejecting handler never
 * delays or breaks the others or the cache (client-go crashes on a panic; we log with handler name and key, and
 * go on). Updates whose resourceVersion did not change (resyncs, unchanged objects of a relist) reach only the
 * handlers due for resync. A handler added after start first gets `onAdd(obj, true)` for each cached object.
 * Objects are stored once and shared, uncopied, by the indexer, every handler and every lister; they are typed
 * `Readonly`: copy with `structuredClone` before changing one. Handlers may be async: delivery to that handler
 * awaits the promise before its next notification (so its `hasSynced` means "processed"), others go on.
 * Memory on a relist: the new list waits in the DeltaFIFO and replaces cached objects key by key as it is popped,
 * each old object released as its key is processed, so a relist holds at most the old and the new store (peak 2×).
 *
 * @typeParam T - the cached object type.
 */
export interface SharedIndexInformer<T extends KubeObject> {
  readonly name: string;
  /**
   * Adds a handler: it first hears of every cached object as an add (`isInInitialList` true before sync), then of
   * every change, in order, from a buffer of its own.
   */
  addEventHandler(handler: ResourceEventHandler<T>, options?: AddEventHandlerOptions): ResourceEventHandlerRegistration;
  /** Same as `registration.remove()`; an unknown or removed registration is ignored. */
  removeEventHandler(registration: ResourceEventHandlerRegistration): void;
  /** The cache. Read it; writing to it is the informer's job. */
  getIndexer(): Indexer<T>;
  /** Adds indexes, also after start (existing objects are indexed at once). */
  addIndexers(indexers: Indexers<T>): void;
  /** True once the first list has been fully delivered to the cache. */
  hasSynced(): boolean;
  /** The resourceVersion of the last list or watch event seen; `''` before start. */
  lastSyncResourceVersion(): string;
  /**
   * The clock time the watch last made progress: a completed list, or a watch event of any type, bookmarks
   * included (the server sends those about once a minute on a quiet watch); undefined before the first.
   */
  lastWatchProgressAt(): number | undefined;
  /**
   * The error of the last list when the server refused it for good (403 Forbidden, 404 NotFound); undefined
   * before the first list and once a list succeeds. The informer keeps retrying; a caller may give up instead.
   * Optional so that hand-written informers (test doubles) need not implement it.
   */
  refusedListError?(): ListFailedError | undefined;
  /** Sets the transform; only before `run`. */
  setTransform(transform: (obj: T) => T): void;
  /** Sets what is called on list and watch-start errors; only before `run`. */
  setWatchErrorHandler(handler: WatchErrorHandler<T>): void;
  /** Lists, watches and delivers until `signal` aborts; resolves once everything has stopped. Runs once. */
  run(signal: AbortSignal): Promise<void>;
  /** True once `run` has stopped (its signal aborted and everything wound down). */
  isStopped(): boolean;
}

/** Creates a {@link SharedIndexInformer} over `listerWatcher`; nothing happens until `run`. */
export function newSharedIndexInformer<T extends KubeObject>(
  listerWatcher: ListerWatcher<T>,
  options: SharedIndexInformerOptions<T> = {},
): SharedIndexInformer<T> {
  return new SharedIndexInformerImpl(listerWatcher, options);
}

class SharedIndexInformerImpl<T extends KubeObject> implements SharedIndexInformer<T> {
  readonly name: string;
  readonly #listerWatcher: ListerWatcher<T>;
  readonly #indexer: KeyedIndexer<T>;
  readonly #processor = new SharedProcessor<T>();
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #watchList: 'auto' | 'on' | 'off' | undefined;
  readonly #deadWatchTimeoutMs: number | undefined;
  readonly #defaultHandlerResyncMs: number;
  /** How often the Reflector asks whether a handler is due; only lowered by handlers added before start. */
  #resyncCheckPeriodMs: number;
  #transform: ((obj: T) => T) | undefined;
  #watchErrorHandler: WatchErrorHandler<T> | undefined;
  #fifo: DeltaFIFO<T> | undefined;
  #reflector: Reflector<T> | undefined;
  #started = false;
  #stopped = false;
  #handlerCount = 0;
  /** Bound once: the FIFO calls it for every key popped. */
  readonly #handleDeltas = (deltas: Deltas<T>, isInInitialList: boolean, key: string): void =>
    this.#processDeltas(deltas, isInInitialList, key);
  readonly #hasSynced = (): boolean => this.hasSynced();

  constructor(listerWatcher: ListerWatcher<T>, options: SharedIndexInformerOptions<T>) {
    this.name = options.name ?? 'informer';
    this.#listerWatcher = listerWatcher;
    this.#indexer = newKeyedIndexer<T>({ indexers: { [namespaceIndex]: metaNamespaceIndexFunc, ...options.indexers } });
    this.#logger = options.logger ?? createLogger({ level: 'warn' });
    this.#clock = options.clock ?? systemClock;
    this.#watchList = options.watchList;
    this.#deadWatchTimeoutMs = options.deadWatchTimeoutMs;
    this.#defaultHandlerResyncMs = options.resyncPeriodMs ?? 0;
    this.#resyncCheckPeriodMs = this.#defaultHandlerResyncMs;
    this.#transform = options.transform;
  }

  addEventHandler(
    handler: ResourceEventHandler<T>,
    options: AddEventHandlerOptions = {},
  ): ResourceEventHandlerRegistration {
    if (this.#stopped) throw new InformerStateError(`informer ${this.name} has stopped: cannot add a handler`);
    const name = options.name ?? `handler-${++this.#handlerCount}`;
    const requested = this.#handlerResyncPeriod(options.resyncPeriodMs ?? this.#defaultHandlerResyncMs, name);
    const now = this.#clock.now();
    const listener = new ProcessorListener<T>({
      handler,
      name,
      logger: this.#logger,
      upstreamHasSynced: this.#hasSynced,
      requestedResyncPeriodMs: requested,
      resyncPeriodMs: determineResyncPeriod(requested, this.#resyncCheckPeriodMs),
      now,
    });
    this.#processor.addListener(listener);
    if (this.#started) {
      for (const obj of this.#indexer.values()) listener.add(new Notification<T>('add', obj, undefined, true));
    }
    return new Registration(this.#processor, listener);
  }

  removeEventHandler(registration: ResourceEventHandlerRegistration): void {
    // Another informer's registration is unknown here: ignored, not removed from its own informer.
    if (registration instanceof Registration && registration.processor === this.#processor) registration.remove();
  }

  getIndexer(): Indexer<T> {
    return this.#indexer;
  }

  addIndexers(indexers: Indexers<T>): void {
    this.#indexer.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.#fifo?.hasSynced() ?? false;
  }

  lastSyncResourceVersion(): string {
    return this.#reflector?.lastSyncResourceVersion() ?? '';
  }

  lastWatchProgressAt(): number | undefined {
    return this.#reflector?.lastProgressAt();
  }

  refusedListError(): ListFailedError | undefined {
    return this.#reflector?.refusedListError();
  }

  setTransform(transform: (obj: T) => T): void {
    this.#assertNotStarted('setTransform');
    this.#transform = transform;
  }

  setWatchErrorHandler(handler: WatchErrorHandler<T>): void {
    this.#assertNotStarted('setWatchErrorHandler');
    this.#watchErrorHandler = handler;
  }

  isStopped(): boolean {
    return this.#stopped;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.#assertNotStarted('run');
    this.#started = true;
    const fifo = new DeltaFIFO<T>({
      knownObjects: this.#indexer,
      emitDeltaTypeReplaced: true,
      ...(this.#transform ? { transformer: this.#transform } : {}),
    });
    this.#fifo = fifo;
    this.#reflector = new Reflector<T>({
      listerWatcher: this.#listerWatcher,
      store: fifo,
      name: this.name,
      resyncPeriodMs: this.#resyncCheckPeriodMs,
      shouldResync: () => this.#processor.shouldResync(this.#clock.now()),
      clock: this.#clock,
      logger: this.#logger,
      ...(this.#watchList ? { watchList: this.#watchList } : {}),
      ...(this.#deadWatchTimeoutMs === undefined ? {} : { deadWatchTimeoutMs: this.#deadWatchTimeoutMs }),
      ...(this.#watchErrorHandler ? { watchErrorHandler: this.#watchErrorHandler } : {}),
    });
    const close = (): void => fifo.close();
    if (signal.aborted) close();
    else signal.addEventListener('abort', close, { once: true });
    try {
      await Promise.all([this.#reflector.run(signal), this.#processLoop(fifo)]);
    } finally {
      signal.removeEventListener('abort', close);
      // Handlers keep draining what they buffered; nothing new arrives once the pop loop has ended.
      this.#stopped = true;
    }
  }

  async #processLoop(fifo: DeltaFIFO<T>): Promise<void> {
    for (;;) {
      try {
        await fifo.popBatch(this.#handleDeltas);
      } catch (error) {
        if (error instanceof FIFOClosedError) return;
        this.#logger.error({ err: error, informer: this.name }, 'informer failed to process deltas');
      }
    }
  }

  /**
   * Applies one key's deltas, oldest first, to the indexer, then tells the handlers. Synchronous on purpose. The
   * FIFO's key is the indexer's too (both key by namespace/name), so it is not computed again.
   */
  #processDeltas(deltas: Deltas<T>, isInInitialList: boolean, key: string): void {
    const indexer = this.#indexer;
    const processor = this.#processor;
    for (const delta of deltas) {
      const obj = delta.object;
      if (delta.type === 'Deleted') {
        indexer.deleteByKey(key);
        processor.distribute(new Notification<T>('delete', obj, undefined, false), false);
        continue;
      }
      const object = obj as T;
      const old = indexer.upsert(key, object);
      if (old === undefined) {
        processor.distribute(new Notification<T>('add', object, undefined, isInInitialList), false);
      } else {
        const isSync = old.metadata?.resourceVersion === object.metadata?.resourceVersion;
        processor.distribute(new Notification<T>('update', object, old, false), isSync);
      }
    }
  }

  /** Applies the 1 s minimum and the check-period rules to a handler's requested period. */
  #handlerResyncPeriod(periodMs: number, name: string): number {
    if (periodMs <= 0) return 0;
    let period = periodMs;
    if (period < minimumResyncPeriodMs) {
      this.#logger.warn({ handler: name, requested: periodMs }, 'resync period raised to the 1 s minimum');
      period = minimumResyncPeriodMs;
    }
    if (period < this.#resyncCheckPeriodMs) {
      if (this.#started) {
        this.#logger.warn({ handler: name, requested: period }, 'informer started: resync raised to its check period');
        return this.#resyncCheckPeriodMs;
      }
      this.#resyncCheckPeriodMs = period;
      this.#processor.resyncCheckPeriodChanged(period, this.#clock.now());
    }
    return period;
  }

  #assertNotStarted(what: string): void {
    if (this.#started) throw new InformerStateError(`informer ${this.name} has already started: ${what} not allowed`);
  }
}

/** Ties a listener to the processor it was added to; its methods are bound, so they can be passed around alone. */
class Registration<T extends KubeObject> implements ResourceEventHandlerRegistration {
  readonly hasSynced: () => boolean;
  readonly remove: () => void;

  constructor(
    /** The processor of the informer that issued this registration. */
    readonly processor: SharedProcessor<T>,
    listener: ProcessorListener<T>,
  ) {
    this.hasSynced = () => listener.hasSynced();
    this.remove = () => processor.removeListener(listener);
  }
}
