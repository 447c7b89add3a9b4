/** Views an informer as rxjs Observables: its events, and the state of its cache (kube-rs style streams). */
import { Observable } from 'rxjs';
import type { KubeObject } from '../client/meta.js';
import type { SharedIndexInformer } from './shared-index-informer.js';
import type { DeletedFinalStateUnknown } from './tombstone.js';

/** One informer notification as a value. */
export type InformerEvent<T> =
  | { readonly type: 'add'; readonly obj: Readonly<T>; readonly isInInitialList: boolean }
  | { readonly type: 'update'; readonly oldObj: Readonly<T>; readonly obj: Readonly<T> }
  | { readonly type: 'delete'; readonly obj: Readonly<T> | DeletedFinalStateUnknown<Readonly<T>> };

/**
 * The informer's notifications as an Observable.
 *
 * Guarantees: each subscription adds its own event handler (so it gets the handler guarantees, including synthetic
 * adds of the cached objects when the informer already runs) and removes it on unsubscribe; values are emitted
 * synchronously from the handler, in order; it never completes or errors by itself. Adding the handler fails
 * (the subscriber gets the error) once the informer has stopped.
 */
export function informerEvents<T extends KubeObject>(
  informer: SharedIndexInformer<T>,
  options: { readonly name?: string } = {},
): Observable<InformerEvent<T>> {
  return new Observable<InformerEvent<T>>((subscriber) => {
    const registration = informer.addEventHandler(
      {
        onAdd: (obj, isInInitialList) => subscriber.next({ type: 'add', obj, isInInitialList }),
        onUpdate: (oldObj, obj) => subscriber.next({ type: 'update', oldObj, obj }),
        onDelete: (obj) => subscriber.next({ type: 'delete', obj }),
      },
      options.name === undefined ? {} : { name: options.name },
    );
    return () => registration.remove();
  });
}

/** A view of the cache at one moment. */
export interface CacheState<T> {
  /** True once the informer and this view's handler have processed the initial list. */
  readonly synced: boolean;
  readonly size: number;
  /** The cached objects themselves, shared and `Readonly`; a fresh array per emission. */
  readonly objects: readonly Readonly<T>[];
}

/**
 * The informer's cache after each change its handler sees, as kube-rs's reflector store stream.
 *
 * Guarantees: the first value comes once the view has synced (the whole initial list is in), then one value per
 * change; each value lists the cache as it was when the change was delivered. Each emission builds one array of
 * references (never copies objects); pass `{ objects: false }` to get `synced` and `size` alone for free.
 */
export function cacheState<T extends KubeObject>(
  informer: SharedIndexInformer<T>,
  options: { readonly objects?: boolean } = {},
): Observable<CacheState<T>> {
  const withObjects = options.objects ?? true;
  return new Observable<CacheState<T>>((subscriber) => {
    const indexer = informer.getIndexer();
    const empty: readonly Readonly<T>[] = [];
    const snapshot = (): CacheState<T> => ({
      synced: true,
      size: indexer.size,
      objects: withObjects ? indexer.list() : empty,
    });
    /** False until the first snapshot went out; changes before it are part of that snapshot. */
    let live = false;
    const emit = (): void => {
      if (live) subscriber.next(snapshot());
    };
    const registration = informer.addEventHandler({ onAdd: emit, onUpdate: emit, onDelete: emit });
    // Sync is a state, not an event (the initial list may be empty): poll for it as waitForCacheSync does.
    const timer = setInterval(() => {
      if (!registration.hasSynced()) return;
      clearInterval(timer);
      live = true;
      subscriber.next(snapshot());
    }, 100);
    timer.unref();
    return () => {
      clearInterval(timer);
      registration.remove();
    };
  });
}
