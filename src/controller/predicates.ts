/** Filters the informer events that reach a controller, per event kind (controller-runtime's predicates). */
import type { KubeObject } from '../client/meta.js';

/**
 * Decides, per event, whether it enqueues anything. A missing method lets that kind of event through, as
 * controller-runtime's `predicate.Funcs` does. Deletes see the object's last known state (tombstones unwrapped).
 *
 * Guarantees: the builder calls a source's predicates synchronously in its informer handler, with the cache's
 * shared, read-only objects; a predicate must be pure and must not mutate them.
 *
 * @typeParam T - the object type of the informer it filters.
 */
export interface Predicate<T extends KubeObject = KubeObject> {
  /** Whether an add is enqueued; absent = yes. */
  create?(obj: Readonly<T>): boolean;
  /** Whether an update is enqueued; absent = yes. */
  update?(oldObj: Readonly<T>, newObj: Readonly<T>): boolean;
  /** Whether a delete is enqueued; absent = yes. */
  delete?(obj: Readonly<T>): boolean;
}

/** Whether two string maps (labels, annotations) hold the same entries; absent equals empty. */
function sameEntries(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined) {
  const left = Object.entries(a ?? {});
  if (left.length !== Object.keys(b ?? {}).length) return false;
  return left.every(([key, value]) => b?.[key] === value);
}

/**
 * Passes updates whose `metadata.generation` changed, i.e. spec changes (status-only writes and metadata edits
 * do not bump it); creates and deletes pass. Objects without a generation (ConfigMaps, …) never pass an update.
 */
export const generationChanged: Predicate = {
  update: (oldObj, newObj) => oldObj.metadata?.generation !== newObj.metadata?.generation,
};

/** Passes updates whose `metadata.resourceVersion` changed, dropping resyncs; creates and deletes pass. */
export const resourceVersionChanged: Predicate = {
  update: (oldObj, newObj) => oldObj.metadata?.resourceVersion !== newObj.metadata?.resourceVersion,
};

/** Passes updates whose labels changed (added, removed or edited); creates and deletes pass. */
export const labelChanged: Predicate = {
  update: (oldObj, newObj) => !sameEntries(oldObj.metadata?.labels, newObj.metadata?.labels),
};

/** Passes updates whose annotations changed (added, removed or edited); creates and deletes pass. */
export const annotationChanged: Predicate = {
  update: (oldObj, newObj) => !sameEntries(oldObj.metadata?.annotations, newObj.metadata?.annotations),
};

/** Passes an event when every predicate passes it (`and()` passes everything). */
export function and<T extends KubeObject>(...predicates: readonly Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => predicates.every((p) => p.create?.(obj) ?? true),
    update: (oldObj, newObj) => predicates.every((p) => p.update?.(oldObj, newObj) ?? true),
    delete: (obj) => predicates.every((p) => p.delete?.(obj) ?? true),
  };
}

/** Passes an event when at least one predicate passes it (`or()` passes nothing). */
export function or<T extends KubeObject>(...predicates: readonly Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => predicates.some((p) => p.create?.(obj) ?? true),
    update: (oldObj, newObj) => predicates.some((p) => p.update?.(oldObj, newObj) ?? true),
    delete: (obj) => predicates.some((p) => p.delete?.(obj) ?? true),
  };
}

/** Passes exactly the events `predicate` rejects (a missing method passed everything, so its negation nothing). */
export function not<T extends KubeObject>(predicate: Predicate<T>): Predicate<T> {
  return {
    create: (obj) => !(predicate.create?.(obj) ?? true),
    update: (oldObj, newObj) => !(predicate.update?.(oldObj, newObj) ?? true),
    delete: (obj) => !(predicate.delete?.(obj) ?? true),
  };
}
