/** Buffers one handler's notifications without bound and delivers them in order from a loop of its own. */
import type { Logger } from 'pino';
import type { KubeObject } from '../client/meta.js';
import type { ResourceEventHandler } from './event-handler.js';
import { deletionHandlingMetaNamespaceKeyFunc } from './keys.js';
import { RingQueue } from './ring-queue.js';
import { DeletedFinalStateUnknown } from './tombstone.js';

/** One change to deliver. Built once per event and shared by every listener it goes to (never copied). */
export class Notification<T> {
  constructor(
    readonly kind: 'add' | 'update' | 'delete',
    /** The new object (add, update) or the deleted one / its tombstone (delete). */
    readonly obj: Readonly<T> | DeletedFinalStateUnknown<Readonly<T>>,
    /** The previous object of an update. */
    readonly oldObj: Readonly<T> | undefined,
    readonly isInInitialList: boolean,
  ) {}
}

/** What a listener is built from. */
export interface ProcessorListenerOptions<T> {
  readonly handler: ResourceEventHandler<T>;
  /** Names the handler in logs. */
  readonly name: string;
  readonly logger: Logger;
  /** The informer's own hasSynced; the registration is synced once this is and the initial adds are delivered. */
  readonly upstreamHasSynced: () => boolean;
  /** What the handler asked for; 0 = never resync. */
  readonly requestedResyncPeriodMs: number;
  /** What applies after the informer's check-period rules. */
  readonly resyncPeriodMs: number;
  readonly now: number;
}

/**
 * Delivers notifications to one handler (client-go's processorListener).
 *
 * Guarantees: `add` never blocks and never drops (the buffer is unbounded); the handler gets notifications one
 * at a time in the order added — a returned promise is awaited first, so a slow handler only delays itself;
 * a throw or rejection is logged with the handler's name and the object's key, and the next notification
 * follows; after `stop` nothing more is delivered and pending notifications are dropped.
 *
 * @typeParam T - the cached object type.
 */
export class ProcessorListener<T extends KubeObject> {
  readonly name: string;
  readonly requestedResyncPeriodMs: number;
  readonly #handler: ResourceEventHandler<T>;
  readonly #logger: Logger;
  readonly #upstreamHasSynced: () => boolean;
  #queue = new RingQueue<Notification<T>>();
  /** Initial-list notifications added but not yet handled (client-go's SingleFileTracker count). */
  #pendingInitial = 0;
  /** Invariant: true iff a drain is scheduled or running; then no other drain starts. */
  #draining = false;
  #stopped = false;
  #resyncPeriodMs: number;
  #nextResync: number;
  /** Bound once so scheduling a drain allocates nothing per event. */
  readonly #drain = (): void => void this.#run();

  constructor(options: ProcessorListenerOptions<T>) {
    this.name = options.name;
    this.#handler = options.handler;
    this.#logger = options.logger;
    this.#upstreamHasSynced = options.upstreamHasSynced;
    this.requestedResyncPeriodMs = options.requestedResyncPeriodMs;
    this.#resyncPeriodMs = options.resyncPeriodMs;
    this.#nextResync = options.now + options.resyncPeriodMs;
  }

  /** The resync period in effect; 0 = never. */
  get resyncPeriodMs(): number {
    return this.#resyncPeriodMs;
  }

  /** Buffers a notification and makes sure the delivery loop runs. */
  add(notification: Notification<T>): void {
    if (this.#stopped) return;
    if (notification.isInInitialList) this.#pendingInitial++;
    this.#queue.push(notification);
    if (this.#draining) return;
    this.#draining = true;
    queueMicrotask(this.#drain);
  }

  /** True once the informer has synced and every initial-list notification was handled (or failed). */
  hasSynced(): boolean {
    return this.#upstreamHasSynced() && this.#pendingInitial === 0;
  }

  /** True (and schedules the next resync) when this listener is due at `now`. */
  shouldResync(now: number): boolean {
    if (this.#resyncPeriodMs === 0 || now < this.#nextResync) return false;
    this.#nextResync = now + this.#resyncPeriodMs;
    return true;
  }

  /** Applies a new period (the informer's check period changed); the next resync is counted from `now`. */
  setResyncPeriod(periodMs: number, now: number): void {
    this.#resyncPeriodMs = periodMs;
    this.#nextResync = now + periodMs;
  }

  /** Stops delivery and drops what is pending. */
  stop(): void {
    this.#stopped = true;
    this.#queue = new RingQueue();
  }

  async #run(): Promise<void> {
    try {
      for (let n = this.#queue.shift(); n !== undefined && !this.#stopped; n = this.#queue.shift()) {
        try {
          const result = this.#deliver(n);
          if (result !== undefined) await result;
        } catch (error) {
          this.#logger.error(
            { err: error, handler: this.name, key: keyOf(n.obj), event: n.kind },
            'event handler failed; delivery continues',
          );
        } finally {
          if (n.isInInitialList) this.#pendingInitial--;
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(n: Notification<T>): void | PromiseLike<void> {
    const handler = this.#handler;
    switch (n.kind) {
      case 'add':
        return handler.onAdd?.(n.obj as Readonly<T>, n.isInInitialList);
      case 'update':
        return handler.onUpdate?.(n.oldObj as Readonly<T>, n.obj as Readonly<T>);
      case 'delete':
        return handler.onDelete?.(n.obj);
    }
  }
}

function keyOf<T extends KubeObject>(obj: Readonly<T> | DeletedFinalStateUnknown<Readonly<T>>): string {
  try {
    return obj instanceof DeletedFinalStateUnknown ? obj.key : deletionHandlingMetaNamespaceKeyFunc(obj as T);
  } catch {
    return '<unkeyable>';
  }
}
