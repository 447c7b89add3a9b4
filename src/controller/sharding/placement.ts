/** Decides, for one object, whether the sharder leaves it, assigns it, or asks its shard to drain it. */
import type { KubeObject, ObjectMeta, OwnerReference } from '../../client/meta.js';
import { drainLabel, shardLabel } from './labels.js';

/** A resource whose objects are spread over the ring by their own key. */
export interface ShardedResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** Its kind: part of each object's ring key, and how owned objects recognise it in ownerReferences. */
  readonly kind: string;
}

/**
 * What the sharder does with one object:
 * - `keep`: nothing (placed right, or waiting for its shard to finish a drain, or no shard is available).
 * - `assign`: write `shard` in the shard label and drop any drain label (unassigned, or its shard is gone).
 * - `drain`: set the drain label; its live shard lets go of it, then it is unassigned and gets assigned.
 */
export type Placement =
  | { readonly action: 'keep' }
  | { readonly action: 'assign'; readonly shard: string; readonly from: string | undefined }
  | { readonly action: 'drain'; readonly from: string };

/** Where an object is now, read from its labels. */
export interface CurrentPlacement {
  readonly shard: string | undefined;
  readonly draining: boolean;
}

/** An object's placement in `ring`, from its labels. */
export function currentPlacement(meta: ObjectMeta | undefined, ring: string): CurrentPlacement {
  const labels = meta?.labels ?? {};
  const shard = labels[shardLabel(ring)];
  return { shard: shard === '' ? undefined : shard, draining: drainLabel(ring) in labels };
}

/**
 * The placement step of a primary object (one reconciled by the sharded controllers): `desired` is its ring
 * shard, `available` tells live shards. A live current shard is drained, never overwritten, so that shard stops
 * reconciling the object before another one starts; a dead or unknown one is replaced at once.
 */
export function placePrimary(
  current: CurrentPlacement,
  desired: string | undefined,
  available: (shard: string) => boolean,
): Placement {
  if (desired === undefined || current.shard === desired) return { action: 'keep' };
  if (current.shard !== undefined && available(current.shard)) {
    return current.draining ? { action: 'keep' } : { action: 'drain', from: current.shard };
  }
  return { action: 'assign', shard: desired, from: current.shard };
}

/**
 * The placement step of an owned object: it follows its controller owner's current shard, directly (its owner's
 * key serialises the reconciles that touch it). An owner without a shard, or being drained, leaves it as it is.
 */
export function placeOwned(current: CurrentPlacement, owner: CurrentPlacement | undefined): Placement {
  if (owner?.shard === undefined || owner.draining || owner.shard === current.shard) return { action: 'keep' };
  return { action: 'assign', shard: owner.shard, from: current.shard };
}

/** The ring key of a primary object: `<group>/<kind>/<namespace>/<name>`, the same for its whole life. */
export function ringKey(resource: Pick<ShardedResource, 'group' | 'kind'>, object: Readonly<KubeObject>): string {
  const meta = object.metadata ?? {};
  return `${resource.group}/${resource.kind}/${meta.namespace ?? ''}/${meta.name ?? ''}`;
}

/** The controller ownerReference of an object, if any. */
export function controllerOf(object: Readonly<KubeObject>): Readonly<OwnerReference> | undefined {
  return object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
