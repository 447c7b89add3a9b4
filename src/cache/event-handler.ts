/** Declares the callbacks an informer delivers (add, update, delete) and a filtering wrapper around them. */
import { DeletedFinalStateUnknown } from './tombstone.js';

/** What a handler may return: nothing, or a promise the informer awaits before this handler's next notification. */
export type HandlerResult = void | PromiseLike<void>;

/**
 * Callbacks for one consumer of an informer. Every callback is optional.
 *
 * Guarantees (client-go's ResourceEventHandler, 1.32): callbacks run after the cache holds the change; one handler
 * receives its notifications one at a time, in order (a returned promise is awaited before the next call), so
 * for one object it sees an ordered subsequence of the states the server went through. Objects are the cache's
 * own, shared with every handler and the indexer: typed `Readonly`, never mutate them — take `structuredClone(obj)`
 * to get a private, mutable copy. A throw or a rejected promise is logged with the handler's name and the
 * object's key and delivery goes on (client-go would crash the process instead).
 *
 * @typeParam T - the cached object type.
 */
export interface ResourceEventHandler<T> {
  /** A new object; `isInInitialList` is true for objects of the first list (and the synthetic adds of a late handler). */
  onAdd?(obj: Readonly<T>, isInInitialList: boolean): HandlerResult;
  /** A changed object, or an unchanged one on resync (then `oldObj.metadata.resourceVersion` equals the new one's). */
  onUpdate?(oldObj: Readonly<T>, newObj: Readonly<T>): HandlerResult;
  /** A deleted object: its final state, or a tombstone when it vanished while the watch was down (unwrap `.obj`). */
  onDelete?(obj: Readonly<T> | DeletedFinalStateUnknown<Readonly<T>>): HandlerResult;
}

/**
 * Wraps `handler` so that it sees only objects `filter` accepts, translating updates as client-go's
 * FilteringResourceEventHandler does: both states pass → update; only the new one → add; only the old one → delete.
 * Deletes are passed through when the (unwrapped) object passes.
 */
export function filteringResourceEventHandler<T>(
  filter: (obj: Readonly<T>) => boolean,
  handler: ResourceEventHandler<T>,
): ResourceEventHandler<T> {
  return {
    onAdd(obj, isInInitialList) {
      if (filter(obj)) return handler.onAdd?.(obj, isInInitialList);
    },
    onUpdate(oldObj, newObj) {
      const newPasses = filter(newObj);
      const oldPasses = filter(oldObj);
      if (newPasses && oldPasses) return handler.onUpdate?.(oldObj, newObj);
      if (newPasses) return handler.onAdd?.(newObj, false);
      if (oldPasses) return handler.onDelete?.(oldObj);
    },
    onDelete(obj) {
      const unwrapped = obj instanceof DeletedFinalStateUnknown ? (obj.obj as Readonly<T>) : obj;
      if (filter(unwrapped)) return handler.onDelete?.(obj);
    },
  };
}
