/** Adds, removes and runs finalizers: pure helpers on objects, and one reconcile step against the API. */
import type { KubeObject } from '../client/meta.js';
import type { PatchOptions } from '../client/typed/options.js';
import type { PatchFormat } from '../client/typed/resource-client.js';

/** Whether the object lists `finalizer` in `metadata.finalizers`. */
export function hasFinalizer(object: KubeObject, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

/**
 * Returns a copy of `object` whose finalizers include `finalizer` (appended when missing; kept once when present).
 * Never mutates the input: cached objects are shared.
 *
 * @typeParam T - the object's type, kept in the result.
 */
export function addFinalizer<T extends KubeObject>(object: T, finalizer: string): T {
  const finalizers = object.metadata?.finalizers ?? [];
  const next = finalizers.includes(finalizer) ? [...finalizers] : [...finalizers, finalizer];
  return { ...object, metadata: { ...object.metadata, finalizers: next } };
}

/**
 * Returns a copy of `object` without `finalizer` (every occurrence). Never mutates the input.
 *
 * @typeParam T - the object's type, kept in the result.
 */
export function removeFinalizer<T extends KubeObject>(object: T, finalizer: string): T {
  const finalizers = object.metadata?.finalizers ?? [];
  return { ...object, metadata: { ...object.metadata, finalizers: finalizers.filter((f) => f !== finalizer) } };
}

/**
 * What reconcileFinalizer needs of a client: a merge patch of the object (a typed ResourceClient fits).
 *
 * Guarantees: reconcileFinalizer calls `patch` at most once per call, with format `merge`.
 */
export interface FinalizerClient<T extends KubeObject> {
  /** Patches the object's finalizers. */
  patch(name: string, format: PatchFormat, patch: unknown, options?: PatchOptions): Promise<T>;
}

/** Options of {@link reconcileFinalizer}. */
export interface ReconcileFinalizerOptions<T extends KubeObject> {
  /** The client of the object's resource, in its namespace. */
  readonly client: FinalizerClient<T>;
  /** The object as last read (e.g. from the informer cache); never mutated. */
  readonly object: T;
  /** The finalizer's name, conventionally `<domain>/<name>`, e.g. `example.com/cleanup`. */
  readonly finalizer: string;
  /** Releases what the object holds outside Kubernetes; must be idempotent (it runs again after a failed removal). */
  readonly finalize: (object: T) => Promise<void>;
  /** Aborts the API call in flight. */
  readonly signal?: AbortSignal;
}

/**
 * What reconcileFinalizer did: `added` the finalizer, ran `finalize` and `removed` it, or `none` (nothing to do:
 * the finalizer is in place on a live object, or absent from one being deleted). `object` is the server's copy
 * after the patch, or the input when nothing was written.
 */
export interface FinalizerResult<T extends KubeObject> {
  readonly action: 'added' | 'removed' | 'none';
  readonly object: T;
}

/**
 * One finalizer step of a reconcile (controller-runtime's finalizer pattern): on a live object that lacks the
 * finalizer, adds it; on an object being deleted (deletionTimestamp set) that has it, runs `finalize` and then
 * removes it, which lets the deletion finish once no other finalizer remains.
 *
 * Guarantees: the write is a merge patch carrying the object's resourceVersion, so it applies only to the version
 * read (else it rejects with a Conflict for the caller to requeue); a rejection of `finalize` leaves the finalizer
 * in place and rejects with that error; never mutates `object`; at most one API call.
 *
 * @typeParam T - the object's type.
 */
export async function reconcileFinalizer<T extends KubeObject>(
  options: ReconcileFinalizerOptions<T>,
): Promise<FinalizerResult<T>> {
  const { object, finalizer } = options;
  const deleting = object.metadata?.deletionTimestamp !== undefined;
  const present = hasFinalizer(object, finalizer);
  if (!deleting && !present) {
    const added = await patchFinalizers(options, addFinalizer(object, finalizer));
    return { action: 'added', object: added };
  }
  if (deleting && present) {
    await options.finalize(object);
    const removed = await patchFinalizers(options, removeFinalizer(object, finalizer));
    return { action: 'removed', object: removed };
  }
  return { action: 'none', object };
}

/** Writes `next`'s finalizers with a merge patch that fails with a Conflict unless the resourceVersion still holds. */
async function patchFinalizers<T extends KubeObject>(options: ReconcileFinalizerOptions<T>, next: T): Promise<T> {
  const name = options.object.metadata?.name ?? '';
  const metadata = {
    finalizers: next.metadata?.finalizers ?? [],
    resourceVersion: options.object.metadata?.resourceVersion,
  };
  const patchOptions = options.signal === undefined ? {} : { signal: options.signal };
  return await options.client.patch(name, 'merge', { metadata }, patchOptions);
}
