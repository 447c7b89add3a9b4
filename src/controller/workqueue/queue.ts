/** Hands items to workers fairly and stingily: deduplicated, and never the same item to two workers at once. */
import { RingQueue } from '../../cache/ring-queue.js';
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { type QueueMetrics, queueMetricsFor, type WorkqueueMetricsProvider } from './metrics.js';

/** What `get` resolves to: an item to process, or the signal that the queue is shut down and empty. */
export type QueueGetResult<T> = { readonly item: T; readonly shutdown: false } | { readonly shutdown: true };

/** Options shared by every workqueue factory. */
export interface QueueOptions {
  /**
   * Names the queue in metrics (label `name`). Without a name, or without `metricsProvider`, nothing is recorded,
   * as client-go records nothing for an unnamed queue.
   */
  readonly name?: string | undefined;
  /** Where metrics go; see newPrometheusMetricsProvider. kubeloop has no process-wide default provider. */
  readonly metricsProvider?: WorkqueueMetricsProvider | undefined;
  /** Time for metrics and delays; defaults to the real clock (`systemClock`), the one the RESTClient uses. */
  readonly clock?: Clock | undefined;
}

/**
 * A work queue (client-go's workqueue.Interface).
 *
 * Items are compared with SameValueZero, as a `Map` compares keys: strings and numbers by value, objects by
 * identity. Queue string keys such as `namespace/name` (what client-go's controllers queue), not fresh objects.
 *
 * Guarantees:
 * - Stingy: an item is in the queue at most once however often it is added before it is handed out.
 * - Never concurrent: an item handed out is not handed out again until `done(item)`; an add in between is
 *   remembered and hands the item out exactly once more after `done`.
 * - Fair: items are handed out in the order they were first added; waiting `get` calls are served in call order,
 *   and `tryGet` never takes an item a waiting `get` is owed (gets wait only while the queue is empty).
 * - After `shutDown`, adds are ignored, items already queued are still handed out, then every `get` resolves
 *   `{ shutdown: true }`.
 *
 * @typeParam T - the item type.
 */
export interface Queue<T> {
  /** Marks `item` as needing processing; ignored after shutdown or while the item is already waiting. */
  add(item: T): void;
  /** The number of items waiting to be handed out (not those being processed). */
  len(): number;
  /**
   * Resolves with the next item, which the caller must pass to `done` when finished; or with `{ shutdown: true }`
   * once the queue is shut down and empty. Rejects with the signal's reason if it aborts first (no item is taken).
   */
  get(signal?: AbortSignal): Promise<QueueGetResult<T>>;
  /**
   * Returns at once what `get` would resolve with at once: the next item (pass it to `done`), or
   * `{ shutdown: true }` once shut down and empty; `undefined`, taking nothing, when `get` would have to wait.
   * A worker calls it before `get` to skip a promise per item while work is queued.
   */
  tryGet(): QueueGetResult<T> | undefined;
  /** Ends the processing of `item`; re-queues it if it was added meanwhile. Ignored for an item not being processed. */
  done(item: T): void;
  /** Stops accepting items and releases waiting `get` calls once the queue is empty; returns at once. */
  shutDown(): void;
  /**
   * Shuts down, then resolves when no item is being processed (every handed-out item got its `done`). A later
   * `shutDown()` call stops the wait and resolves it at once; an abort rejects it with the signal's reason.
   */
  shutDownWithDrain(signal?: AbortSignal): Promise<void>;
  /** Whether shutDown or shutDownWithDrain has been called. */
  shuttingDown(): boolean;
}

/** Returns a new work queue; see Queue for its guarantees. */
export function newQueue<T>(options: QueueOptions = {}): Queue<T> {
  const clock = options.clock ?? systemClock;
  return new WorkQueue<T>(queueMetricsFor(options.name, options.metricsProvider, clock));
}

/** A pending `get`. */
interface Waiter<T> {
  resolve(result: QueueGetResult<T>): void;
  reject(reason: unknown): void;
  cleanup(): void;
}

const shutdownResult: QueueGetResult<never> = Object.freeze({ shutdown: true });

/**
 * The work queue behind newQueue; the delaying and rate-limiting queues extend it, so their add, get and done are
 * these methods, not forwarding wrappers. Guarantees: those of Queue.
 *
 * @typeParam T - the item type.
 */
export class WorkQueue<T> implements Queue<T> {
  /** Undefined when nothing is recorded, decided once so the no-metrics hot path makes no calls. */
  readonly #metrics: QueueMetrics | undefined;
  /** Items waiting to be handed out, in order. Invariant: each is in #dirty and not in #processing. */
  readonly #queue = new RingQueue<T>();
  /** Items that need processing: those in #queue plus those added again while being processed. */
  readonly #dirty = new Set<T>();
  /**
   * Items handed out and not yet done. Kept apart from #dirty: it holds one item per busy worker, so its lookups
   * stay in cache while #dirty may hold every key.
   */
  readonly #processing = new Set<T>();
  /** Pending gets in call order. Invariant: non-empty only while #queue is empty and the queue is running. */
  readonly #waiters = new Set<Waiter<T>>();
  /** Resolvers of shutDownWithDrain calls; non-empty only while draining. */
  readonly #drainers = new Set<() => void>();
  #shuttingDown = false;

  constructor(metrics: QueueMetrics | undefined) {
    this.#metrics = metrics;
  }

  add(item: T): void {
    if (this.#shuttingDown || this.#dirty.has(item)) return;
    this.#metrics?.add(item);
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    this.#enqueue(item);
  }

  len(): number {
    return this.#queue.length;
  }

  get(signal?: AbortSignal): Promise<QueueGetResult<T>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const ready = this.tryGet();
    return ready === undefined ? this.#wait(signal) : Promise.resolve(ready);
  }

  tryGet(): QueueGetResult<T> | undefined {
    if (this.#queue.length > 0) return this.#handOut(this.#queue.shift() as T);
    return this.#shuttingDown ? shutdownResult : undefined;
  }

  done(item: T): void {
    if (!this.#processing.delete(item)) return;
    // Recorded before a re-queued item is handed out again, so its work time ends before the next begins.
    this.#metrics?.done(item);
    if (this.#dirty.has(item)) this.#enqueue(item);
    if (this.#processing.size === 0 && this.#drainers.size > 0) this.#releaseDrainers();
  }

  shutDown(): void {
    this.#shuttingDown = true;
    this.#releaseDrainers();
    // Waiters exist only while the queue is empty, so all of them learn of the shutdown now.
    for (const waiter of this.#waiters) {
      waiter.cleanup();
      waiter.resolve(shutdownResult);
    }
    this.#waiters.clear();
  }

  /** Calls `this.shutDown()`, so a subclass's shutDown runs for a drain too. */
  shutDownWithDrain(signal?: AbortSignal): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#drainers.delete(release);
        reject(signal?.reason);
      };
      const release = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#drainers.add(release);
    });
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Waits for the next add; only called while the queue is empty and running. */
  #wait(signal: AbortSignal | undefined): Promise<QueueGetResult<T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, cleanup: () => {} };
      if (signal) {
        const onAbort = (): void => {
          this.#waiters.delete(waiter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#waiters.add(waiter);
    });
  }

  /** Gives a dirty, unprocessed item to the longest-waiting get, or queues it when nobody waits (the usual case). */
  #enqueue(item: T): void {
    if (this.#waiters.size === 0) {
      this.#queue.push(item);
      return;
    }
    const waiter = this.#waiters.values().next().value as Waiter<T>;
    this.#waiters.delete(waiter);
    waiter.cleanup();
    waiter.resolve(this.#handOut(item));
  }

  /** Moves `item` from dirty to processing; the caller has taken it off #queue (or never put it there). */
  #handOut(item: T): QueueGetResult<T> {
    this.#dirty.delete(item);
    this.#processing.add(item);
    this.#metrics?.get(item);
    return { item, shutdown: false };
  }

  #releaseDrainers(): void {
    for (const release of this.#drainers) release();
    this.#drainers.clear();
  }
}
