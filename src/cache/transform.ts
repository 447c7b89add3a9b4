/** Provides ready transforms for informers: functions applied once to each object before it is cached. */
import type { KubeObject } from '../client/meta.js';

/**
 * Drops `metadata.managedFields`, often the largest part of an object and rarely read by controllers. Mutates
 * and returns the object it is given: the informer owns it (freshly decoded, not yet shared), so no copy is made.
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  const metadata = obj.metadata as { managedFields?: unknown } | undefined;
  if (metadata?.managedFields !== undefined) delete metadata.managedFields;
  return obj;
}
