/** Decides whether an informer has observed one write: its resourceVersion or a newer one, or the deletion. */
import { DeletedFinalStateUnknown } from '../../cache/tombstone.js';
import type { KubeObject } from '../../client/meta.js';

/**
 * Orders two resourceVersions: negative, 0 or positive when both are integers (etcd revisions, which is what every
 * apiserver backed by etcd sends); undefined when either is not, since the API calls them opaque.
 */
export function compareResourceVersions(a: string, b: string): number | undefined {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What one write left for the caches to observe. */
export interface WrittenState {
  /** The informer key: `namespace/name`, or `name` when cluster-scoped. */
  readonly key: string;
  /** The resourceVersion the server answered; `''` when it answered none (a delete's Status). */
  readonly resourceVersion: string;
  /** The write was a delete: the object's absence from a cache also counts as observed. */
  readonly deleted: boolean;
}

/**
 * Whether a cache holding `cached` (undefined = absent) has observed `write`: its resourceVersion or a newer one;
 * for a delete, also the object's absence. Opaque resourceVersions count only when equal.
 */
export function cacheHasObserved(write: WrittenState, cached: Readonly<KubeObject> | undefined): boolean {
  if (cached === undefined) return write.deleted;
  return atLeast(cached.metadata?.resourceVersion ?? '', write.resourceVersion);
}

/**
 * Whether an informer event about `write.key`, delivered after the write, shows it observed: an object at the
 * written resourceVersion or newer (opaque ones: any event but a delete's, since it came after the write); for a
 * delete, any delete event; and a tombstone (the informer relisted after losing its watch, so it is past the write).
 */
export function eventShowsObserved(
  write: WrittenState,
  obj: Readonly<KubeObject> | DeletedFinalStateUnknown<Readonly<KubeObject>>,
  isDelete: boolean,
): boolean {
  if (obj instanceof DeletedFinalStateUnknown || (isDelete && write.deleted)) return true;
  const seen = obj.metadata?.resourceVersion ?? '';
  if (write.resourceVersion === '') return false;
  return compareResourceVersions(seen, write.resourceVersion) === undefined || atLeast(seen, write.resourceVersion);
}

function atLeast(seen: string, written: string): boolean {
  if (written === '') return false;
  const order = compareResourceVersions(seen, written);
  return order === undefined ? seen === written : order >= 0;
}
