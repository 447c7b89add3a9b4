/** Records a reconcile's writes and waits, before the key's next reconcile, until the manager's caches saw them. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResourceEventHandler } from '../../cache/event-handler.js';
import { DeletedFinalStateUnknown } from '../../cache/tombstone.js';
import type { KubeObject } from '../../client/meta.js';
import type { Clock } from '../../client/rest/clock.js';
import type { ObservedWrite } from '../../client/rest/request-observer.js';
import { isStatus } from '../../client/rest/status-error.js';
import { cacheHasObserved, eventShowsObserved, type WrittenState } from './observation.js';

/** What read-your-writes needs of an informer; SharedIndexInformer satisfies it. */
export interface ObservedInformer {
  /** The factory's key, `typed:<group>/<version>/<resource>` (or `dynamic:` / `metadata:`), names the resource. */
  readonly name: string;
  /** Subscribes to the informer's notifications. */
  addEventHandler(handler: ResourceEventHandler<KubeObject>, options?: { readonly name?: string }): unknown;
  /** The informer's cache, read by key. */
  getIndexer(): {
    /** The cached object under `namespace/name` (or `name`), if any. */
    getByKey(key: string): Readonly<KubeObject> | undefined;
  };
}

/**
 * One write not yet observed by every informer of its resource.
 *
 * Guarantees: `settled` resolves (never rejects) with true once every such informer observed it, or with false at
 * `timeoutMs` after the write; either way its informer subscriptions are gone by then.
 */
export interface PendingWrite {
  /** `<resource> <namespace/name>@<resourceVersion>`, for logs. */
  readonly description: string;
  readonly settled: Promise<boolean>;
}

/** A reconcile's outcome and its writes still pending. */
export interface TrackedReconcile<T> {
  readonly outcome: PromiseSettledResult<T>;
  readonly writes: readonly PendingWrite[];
}

/**
 * What a controller needs to make a key's next reconcile read its own writes (defined by its consumer).
 *
 * Guarantees: `track` never rejects; writes made through the owner's clients while `reconcile` runs (on its async
 * context) are recorded, later writes of work it left running are not.
 */
export interface ReadYourWritesGate {
  /** How long after a write the next reconcile may wait for it. */
  readonly timeoutMs: number;
  /** Runs `reconcile`, recording the writes it makes, and returns its result with what they still wait for. */
  track<T>(reconcile: () => Promise<T>): Promise<TrackedReconcile<T>>;
}

/** Options of {@link ReadYourWrites}. */
export interface ReadYourWritesTrackerOptions {
  readonly timeoutMs: number;
  /** The informers' namespace scope (the factory's); absent = all namespaces. */
  readonly namespace?: string | undefined;
  readonly clock: Clock;
}

/** The writes of one running reconcile. */
interface WriteLog {
  readonly writes: PendingWrite[];
  closed: boolean;
}

/** One write awaited on one informer. */
interface Waiter {
  readonly state: WrittenState;
  readonly observed: () => void;
}

/** One informer and the writes awaited on it, by object key. */
interface InformerWatch {
  readonly informer: ObservedInformer;
  readonly waiters: Map<string, Set<Waiter>>;
}

const trackedSubresources = new Set(['', 'status', 'scale']);

/**
 * Read-your-writes for one manager: `onWrite` is its RESTClient's write hook, `attach` gives it the factory's
 * informers, and controllers `track` their reconciles.
 *
 * Guarantees: a write is awaited only on informers whose name parses as a factory key of the same API group and
 * resource (any version) whose scope holds its namespace; those are assumed to see every object of the resource
 * (no selectors). Waiting is event-driven (one handler per informer), never polling. Deletions of a whole collection
 * and writes to other subresources than status and scale are not tracked.
 */
export class ReadYourWrites implements ReadYourWritesGate {
  readonly timeoutMs: number;
  readonly #options: ReadYourWritesTrackerOptions;
  readonly #context = new AsyncLocalStorage<WriteLog>();
  /** Informers by `<group>/<resource>`; filled once by `attach`. */
  readonly #byResource = new Map<string, InformerWatch[]>();

  constructor(options: ReadYourWritesTrackerOptions) {
    this.timeoutMs = options.timeoutMs;
    this.#options = options;
  }

  /** Subscribes to `informers`; call once, before they start (so no synthetic adds replay their caches). */
  attach(informers: readonly ObservedInformer[]): void {
    for (const informer of informers) {
      const resource = /^(?:typed|dynamic|metadata):([^/]*)\/[^/]+\/([^/]+)$/.exec(informer.name);
      if (resource === null) continue;
      const watch: InformerWatch = { informer, waiters: new Map() };
      const key = `${resource[1]}/${resource[2]}`;
      this.#byResource.set(key, [...(this.#byResource.get(key) ?? []), watch]);
      informer.addEventHandler(
        {
          onAdd: (obj) => notify(watch, obj, false),
          onUpdate: (_, obj) => notify(watch, obj, false),
          onDelete: (obj) => notify(watch, obj, true),
        },
        { name: 'read-your-writes' },
      );
    }
  }

  async track<T>(reconcile: () => Promise<T>): Promise<TrackedReconcile<T>> {
    const log: WriteLog = { writes: [], closed: false };
    let outcome: PromiseSettledResult<T>;
    try {
      outcome = { status: 'fulfilled', value: await this.#context.run(log, reconcile) };
    } catch (reason) {
      outcome = { status: 'rejected', reason };
    }
    log.closed = true;
    return { outcome, writes: log.writes };
  }

  /** The RESTClient's write hook: records `write` in the running reconcile's log, if any. */
  readonly onWrite = (write: ObservedWrite): void => {
    const log = this.#context.getStore();
    if (log === undefined || log.closed || !trackedSubresources.has(write.subresource)) return;
    const scope = this.#options.namespace;
    if (write.namespace !== '' && scope !== undefined && write.namespace !== scope) return;
    const watches = this.#byResource.get(`${write.group}/${write.resource}`);
    const state = writtenState(write);
    if (watches === undefined || state === undefined) return;
    const pending = this.#await(watches, state, `${write.resource} ${state.key}@${state.resourceVersion}`);
    if (pending !== undefined) log.writes.push(pending);
  };

  #await(watches: readonly InformerWatch[], state: WrittenState, description: string): PendingWrite | undefined {
    const unseen = watches.filter((w) => !cacheHasObserved(state, w.informer.getIndexer().getByKey(state.key)));
    if (unseen.length === 0) return undefined;
    const expire = new AbortController();
    let resolve: (observed: boolean) => void = () => {};
    const settled = new Promise<boolean>((r) => {
      resolve = r;
    });
    const subscribed: { readonly watch: InformerWatch; readonly waiter: Waiter }[] = [];
    const done = (observed: boolean): void => {
      for (const { watch, waiter } of subscribed) removeWaiter(watch, waiter);
      expire.abort();
      resolve(observed);
    };
    let left = unseen.length;
    for (const watch of unseen) {
      const waiter: Waiter = {
        state,
        observed: () => {
          left--;
          if (left === 0) done(true);
        },
      };
      const set = watch.waiters.get(state.key) ?? new Set<Waiter>();
      watch.waiters.set(state.key, set);
      set.add(waiter);
      subscribed.push({ watch, waiter });
    }
    this.#options.clock.sleep(this.timeoutMs, expire.signal).then(
      () => done(false),
      () => {},
    );
    return { description, settled };
  }
}

/** Wakes the waiters of `obj`'s key that this event satisfies. */
function notify(
  watch: InformerWatch,
  obj: Readonly<KubeObject> | DeletedFinalStateUnknown<Readonly<KubeObject>>,
  isDelete: boolean,
): void {
  if (watch.waiters.size === 0) return;
  const key =
    obj instanceof DeletedFinalStateUnknown ? obj.key : objectKey(obj.metadata?.namespace, obj.metadata?.name);
  const waiters = watch.waiters.get(key);
  if (waiters === undefined) return;
  for (const waiter of [...waiters]) {
    if (eventShowsObserved(waiter.state, obj, isDelete)) {
      removeWaiter(watch, waiter);
      waiter.observed();
    }
  }
}

function removeWaiter(watch: InformerWatch, waiter: Waiter): void {
  const set = watch.waiters.get(waiter.state.key);
  if (set?.delete(waiter) && set.size === 0) watch.waiters.delete(waiter.state.key);
}

/** What the server's answer says the write left: the object's key and resourceVersion, or its deletion. */
function writtenState(write: ObservedWrite): WrittenState | undefined {
  const deleted = write.verb === 'DELETE';
  const response = write.response;
  if (isStatus(response)) {
    // A delete that removed the object at once answers a Status: only the URL names it.
    if (!deleted || write.name === '') return undefined;
    return { key: objectKey(write.namespace, write.name), resourceVersion: '', deleted };
  }
  const metadata = (response as Partial<KubeObject> | null)?.metadata;
  const name = metadata?.name || write.name;
  if (!name || (deleted && write.name === '')) return undefined;
  const resourceVersion = metadata?.resourceVersion ?? '';
  // No resourceVersion (a dry-run create, say): nothing was stored, so there is nothing to wait for.
  if (resourceVersion === '' && !deleted) return undefined;
  const namespace = metadata?.namespace ?? write.namespace;
  // A write that leaves a deleting object without finalizers (the last one removed) deletes it: the object's
  // absence from a cache, or its delete event, shows the write observed, even if it came before the answer.
  const gone = deleted || (metadata?.deletionTimestamp !== undefined && (metadata.finalizers ?? []).length === 0);
  return { key: objectKey(namespace, name), resourceVersion, deleted: gone };
}

function objectKey(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}
