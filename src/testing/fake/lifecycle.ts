/** Plays the fake API server's controllers: namespace setup and cleanup, and ownerReference garbage collection. */
import { type CommitHook, commit, inBackground, type ServerContext } from './context.js';
import { copy, isRecord, type Meta, metaOf, timestamp } from './objects.js';
import type { ResourceType } from './registry.js';
import type { Change, Obj } from './store.js';
import { deleteObject, removeObject, updateObject } from './writes.js';

/** Where an object lives, by uid. */
interface Located {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string;
}

const system = { dryRun: false, manager: 'kube-controller-manager' } as const;

/** Prepares a namespace on create as its strategy does: phase Active, the `kubernetes` finalizer, the name label. */
export function prepareNamespace(object: Obj): void {
  const meta = metaOf(object);
  object.metadata = { ...meta, labels: { ...meta.labels, 'kubernetes.io/metadata.name': meta.name as string } };
  object.spec = { ...(isRecord(object.spec) ? object.spec : {}), finalizers: ['kubernetes'] };
  object.status = { phase: 'Active' };
}

/**
 * Garbage collection and namespace cleanup, driven by commits.
 *
 * Guarantees: a dependent whose every owner is gone is deleted in the background (Background propagation); an
 * owner deleted with Foreground waits (finalizer `foregroundDeletion`) until its dependents are gone; Orphan strips
 * the ownerReference from its dependents first; a terminating namespace is removed once it holds no objects.
 */
export class Collector {
  readonly #context: ServerContext;
  readonly #byUid = new Map<string, Located>();
  /** Owner uid → dependent uids. */
  readonly #dependents = new Map<string, Set<string>>();

  constructor(context: ServerContext) {
    this.#context = context;
  }

  readonly hook: CommitHook = (type, change) => {
    const meta = metaOf(change.object);
    const uid = meta.uid as string;
    this.#index(type, change, meta, uid);
    if (change.type === 'DELETED') {
      this.#afterDelete(uid, meta);
      return;
    }
    if (meta.deletionTimestamp) this.#finalize(type, meta);
    else if (ownerUids(change.object).length > 0) this.#collectIfOwnersMissing(uid);
  };

  /** An object whose owners all do not exist (never created, or gone) is collected, as the garbage collector does. */
  #collectIfOwnersMissing(uid: string): void {
    const object = this.#current(uid);
    if (object && ownerUids(object).every((owner) => !this.#byUid.has(owner))) {
      inBackground(this.#context, () => this.#collectIfOrphaned(uid));
    }
  }

  #index(type: ResourceType, change: Change, meta: Meta, uid: string): void {
    for (const owner of ownerUids(change.prev)) this.#dependents.get(owner)?.delete(uid);
    if (change.type === 'DELETED') {
      this.#byUid.delete(uid);
      return;
    }
    this.#byUid.set(uid, { type, namespace: meta.namespace, name: meta.name as string });
    for (const owner of ownerUids(change.object)) {
      const set = this.#dependents.get(owner) ?? new Set<string>();
      this.#dependents.set(owner, set);
      set.add(uid);
    }
  }

  #afterDelete(uid: string, meta: Meta): void {
    const dependents = [...(this.#dependents.get(uid) ?? [])];
    this.#dependents.delete(uid);
    if (dependents.length > 0) {
      inBackground(this.#context, () => {
        for (const dependent of dependents) this.#collectIfOrphaned(dependent);
      });
    }
    const namespace = meta.namespace;
    if (namespace && metaOf(this.#context.store.get('/namespaces', namespace) ?? {}).deletionTimestamp) {
      inBackground(this.#context, () => this.#maybeRemoveNamespace(namespace));
    }
    const owners = ownerUids({ metadata: meta });
    if (owners.length > 0) {
      inBackground(this.#context, () => {
        for (const owner of owners) this.#maybeFinishForeground(owner);
      });
    }
  }

  /** Deletes a dependent once none of its owners exists (checked again: an owner may have appeared since). */
  #collectIfOrphaned(uid: string): void {
    const object = this.#current(uid);
    const located = this.#byUid.get(uid);
    if (!object || !located) return;
    if (ownerUids(object).some((owner) => this.#byUid.has(owner))) return;
    deleteObject(this.#context, located.type, object, { dryRun: false, propagationPolicy: 'Background' });
  }

  #finalize(type: ResourceType, meta: Meta): void {
    const finalizers = meta.finalizers ?? [];
    const uid = meta.uid as string;
    if (type.storageKey === '/namespaces') inBackground(this.#context, () => this.#drainNamespace(meta.name as string));
    if (finalizers.includes('orphan')) inBackground(this.#context, () => this.#orphan(uid));
    if (finalizers.includes('foregroundDeletion')) {
      inBackground(this.#context, () => {
        for (const dependent of [...(this.#dependents.get(uid) ?? [])]) {
          const current = this.#current(dependent);
          const located = this.#byUid.get(dependent);
          if (current && located)
            deleteObject(this.#context, located.type, current, { dryRun: false, propagationPolicy: 'Foreground' });
        }
        this.#maybeFinishForeground(uid);
      });
    }
  }

  #orphan(uid: string): void {
    for (const dependent of [...(this.#dependents.get(uid) ?? [])]) {
      const current = this.#current(dependent);
      const located = this.#byUid.get(dependent);
      if (!current || !located) continue;
      const next = copy(current);
      const meta = metaOf(next);
      next.metadata = { ...meta, ownerReferences: (meta.ownerReferences ?? []).filter((ref) => ref.uid !== uid) };
      if ((metaOf(next).ownerReferences ?? []).length === 0) delete (next.metadata as Meta).ownerReferences;
      updateObject(this.#context, located.type, current, next, system);
    }
    this.#dropFinalizer(uid, 'orphan');
  }

  #maybeFinishForeground(uid: string): void {
    const object = this.#current(uid);
    if (!object || !(metaOf(object).finalizers ?? []).includes('foregroundDeletion')) return;
    if ((this.#dependents.get(uid)?.size ?? 0) > 0) return;
    this.#dropFinalizer(uid, 'foregroundDeletion');
  }

  #dropFinalizer(uid: string, finalizer: string): void {
    const object = this.#current(uid);
    const located = this.#byUid.get(uid);
    if (!object || !located) return;
    const meta = metaOf(object);
    const next = {
      ...object,
      metadata: { ...meta, finalizers: (meta.finalizers ?? []).filter((f) => f !== finalizer) },
    };
    updateObject(this.#context, located.type, object, next, system);
  }

  /** Deletes every object of a terminating namespace; the namespace goes once the last one is gone. */
  #drainNamespace(namespace: string): void {
    const { store } = this.#context;
    for (const located of [...this.#byUid.values()]) {
      if (located.namespace !== namespace) continue;
      const object = store.get(located.type.storageKey, `${namespace}/${located.name}`);
      if (object && !metaOf(object).deletionTimestamp) {
        deleteObject(this.#context, located.type, object, { dryRun: false, propagationPolicy: 'Background' });
      }
    }
    this.#maybeRemoveNamespace(namespace);
  }

  #maybeRemoveNamespace(namespace: string): void {
    const object = this.#context.store.get('/namespaces', namespace);
    const located = this.#byUid.get(metaOf(object ?? {}).uid as string);
    if (!object || !located || !metaOf(object).deletionTimestamp) return;
    if ([...this.#byUid.values()].some((other) => other.namespace === namespace)) return;
    removeObject(this.#context, located.type, object);
  }

  #current(uid: string): Obj | undefined {
    const located = this.#byUid.get(uid);
    if (!located) return undefined;
    const key = located.namespace ? `${located.namespace}/${located.name}` : located.name;
    return this.#context.store.get(located.type.storageKey, key);
  }
}

/** Marks a namespace Terminating (its deletion waits for its content, as the namespace controller does). */
export function terminateNamespace(context: ServerContext, type: ResourceType, namespace: Obj): Obj {
  const meta = metaOf(namespace);
  if (meta.deletionTimestamp) return namespace;
  const next = {
    ...copy(namespace),
    metadata: { ...meta, deletionTimestamp: timestamp(context.now()), deletionGracePeriodSeconds: 0 },
    status: { phase: 'Terminating' },
  };
  const rv = context.store.nextRv();
  (next.metadata as Meta).resourceVersion = String(rv);
  commit(context, type, { rv, type: 'MODIFIED', key: meta.name as string, object: next, prev: namespace });
  return next;
}

function ownerUids(object: Obj | undefined): string[] {
  if (!object) return [];
  return (metaOf(object).ownerReferences ?? []).map((ref) => ref.uid);
}
