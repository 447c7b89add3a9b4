/** Turns informer events into controller requests: an object's own key, its controller owner's, or a mapping's. */
import type { ResourceEventHandler } from '../cache/event-handler.js';
import type { SharedIndexInformer } from '../cache/shared-index-informer.js';
import { DeletedFinalStateUnknown } from '../cache/tombstone.js';
import type { KubeObject, OwnerReference } from '../client/meta.js';
import type { Predicate } from './predicates.js';
import type { Request } from './reconciler.js';

/** Maps an object to the requests it should trigger. */
export type MapFunc<T extends KubeObject> = (obj: Readonly<T>) => readonly Request[];

/** The owner kind `owns` matches controller references against, when given explicitly. */
export interface OwnerType {
  /** e.g. `Deployment`. */
  readonly ownerKind: string;
  /** e.g. `apps/v1`; only its group is compared, as the owner may be referenced at any version. */
  readonly ownerApiVersion: string;
}

const none: readonly Request[] = [];

/**
 * Returns an informer handler that calls `enqueue` with `map`'s requests for each event every predicate passes.
 * Updates map both the old and the new state (ownership or a mapping may have changed), each request once;
 * deletes are mapped from the tombstone's last known state when the final state is unknown.
 */
export function enqueueHandler<T extends KubeObject>(
  map: MapFunc<T>,
  predicates: readonly Predicate<T>[],
  enqueue: (request: Request) => void,
): ResourceEventHandler<T> {
  // No per-event Set: mappings return a request or two, so the linear check is cheaper than hashing.
  const emit = (requests: readonly Request[], already: readonly Request[]): void => {
    for (const request of requests) {
      if (!already.some((r) => r.name === request.name && r.namespace === request.namespace)) enqueue(request);
    }
  };
  return {
    onAdd(obj) {
      if (predicates.every((p) => p.create?.(obj) ?? true)) emit(map(obj), none);
    },
    onUpdate(oldObj, newObj) {
      if (!predicates.every((p) => p.update?.(oldObj, newObj) ?? true)) return;
      const before = map(oldObj);
      emit(before, none);
      emit(map(newObj), before);
    },
    onDelete(obj) {
      const last = obj instanceof DeletedFinalStateUnknown ? (obj.obj as Readonly<T>) : (obj as Readonly<T>);
      if (predicates.every((p) => p.delete?.(last) ?? true)) emit(map(last), none);
    },
  };
}

/** An object's own request (controller-runtime's EnqueueRequestForObject); none for an object without a name. */
export function ownRequest(obj: Readonly<KubeObject>): readonly Request[] {
  const name = obj.metadata?.name;
  return name ? [{ namespace: obj.metadata?.namespace ?? '', name }] : [];
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Maps an object to the request of its controller owner (the one owner reference with `controller: true`) when
 * that owner is of the controller's `for` type (controller-runtime's EnqueueRequestForOwner with OnlyControllerOwner).
 *
 * With `ownerType`, the reference's kind and API group must match it, and the owner's request is in the object's
 * namespace. Without it the owner must be in the `for` informer's cache with the reference's UID (looked up in
 * the object's namespace, then cluster-wide): list items carry no kind, so the cache's objects cannot tell their
 * kind, but a UID names exactly one object. An owner not cached (not yet seen, or gone) is then not enqueued;
 * its own add or delete event reaches the controller through `for` anyway.
 */
export function controllerOwnerRequest(
  forInformer: SharedIndexInformer<KubeObject>,
  ownerType: OwnerType | undefined,
): MapFunc<KubeObject> {
  const ownedBy = (namespace: string, ref: OwnerReference): Request | undefined => {
    if (ownerType) {
      const sameType =
        ref.kind === ownerType.ownerKind && groupOf(ref.apiVersion) === groupOf(ownerType.ownerApiVersion);
      return sameType ? { namespace, name: ref.name } : undefined;
    }
    const indexer = forInformer.getIndexer();
    if (namespace && indexer.getByKey(`${namespace}/${ref.name}`)?.metadata?.uid === ref.uid) {
      return { namespace, name: ref.name };
    }
    return indexer.getByKey(ref.name)?.metadata?.uid === ref.uid ? { namespace: '', name: ref.name } : undefined;
  };
  return (obj) => {
    const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
    const request = ref ? ownedBy(obj.metadata?.namespace ?? '', ref) : undefined;
    return request ? [request] : [];
  };
}
