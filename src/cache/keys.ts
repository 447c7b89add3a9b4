/** Computes cache keys (`namespace/name`, or `name` when cluster-scoped) the way client-go does. */
import type { KubeObject } from '../client/meta.js';
import { KubeloopError } from '../errors.js';
import { DeletedFinalStateUnknown } from './tombstone.js';

/** Turns an object into the key it is stored under. Must be deterministic and cheap: it runs once per event. */
export type KeyFunc<T> = (obj: T) => string;

/** Thrown when an object cannot be keyed (no metadata.name) or a key cannot be split. */
export class KeyError extends KubeloopError<'CACHE_KEY'> {
  readonly code = 'CACHE_KEY';
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function metaNamespaceKeyFunc(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new KeyError(`object has no metadata.name: ${obj.kind ?? 'unknown kind'}`);
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** Like {@link metaNamespaceKeyFunc}, but a tombstone yields the key it carries. */
export function deletionHandlingMetaNamespaceKeyFunc(obj: KubeObject | DeletedFinalStateUnknown<KubeObject>): string {
  return obj instanceof DeletedFinalStateUnknown ? obj.key : metaNamespaceKeyFunc(obj);
}

/**
 * Splits a key into namespace (`''` when cluster-scoped) and name, as client-go does: `'/abc'` gives namespace
 * `''`, `'abc/'` gives name `''`; only more than one `/` is an error (KeyError).
 */
export function splitMetaNamespaceKey(key: string): { readonly namespace: string; readonly name: string } {
  const parts = key.split('/');
  if (parts.length === 1) return { namespace: '', name: key };
  if (parts.length === 2) return { namespace: parts[0] as string, name: parts[1] as string };
  throw new KeyError(`unexpected key format: ${JSON.stringify(key)}`);
}
