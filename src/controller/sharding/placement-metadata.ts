/** Reduces a sharded object's metadata to what the sharder reads, before its informers cache it. */
import type { PartialObjectMetadata } from '../../cache/metadata-listwatch.js';
import type { ObjectMeta, OwnerReference } from '../../client/meta.js';
import { drainLabel, shardLabel } from './labels.js';

/**
 * The sharder's informer transform for `ring`: a fresh object with `name`, `namespace`, `uid`, `resourceVersion`
 * (the placement patches' precondition), the ring's shard and drain labels, and the controller ownerReference
 * (`apiVersion`, `kind`, `name`, `uid`, `controller`), nothing else: annotations, other labels, finalizers,
 * managedFields and timestamps are dropped. The sharder caches every object of its ring, so this is most of its
 * memory.
 *
 * Guarantees: the result shares no object with its input (only strings), so the decoded object is garbage at once;
 * absent fields stay absent (never set to undefined); a server answering with full objects instead of metadata gets
 * them reduced too. Values repeated across the ring (namespaces, shard names, owner kinds) and the labels objects
 * (one per shard and drain state, frozen) are shared between results: like every cached object, they are read-only.
 */
export function placementMetadata(ring: string): (object: PartialObjectMetadata) => PartialObjectMetadata {
  const shardKey = shardLabel(ring);
  const drainKey = drainLabel(ring);
  const strings = interner<string>();
  const labelSets = interner<Readonly<Record<string, string>>>();
  const ringLabels = (labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> | undefined => {
    const shard = labels[shardKey];
    const drain = labels[drainKey];
    if (shard === undefined && drain === undefined) return undefined;
    // Label values hold no newline: the key names one combination.
    return labelSets(`${shard === undefined ? '-' : `+${shard}`}\n${drain === undefined ? '-' : `+${drain}`}`, () => {
      const kept: Record<string, string> = {};
      if (shard !== undefined) kept[shardKey] = shard;
      if (drain !== undefined) kept[drainKey] = drain;
      return Object.freeze(kept);
    });
  };
  return (object) => {
    const meta = object.metadata;
    const lean: { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] } = {};
    if (meta.name !== undefined) lean.name = meta.name;
    if (meta.namespace !== undefined) lean.namespace = strings(meta.namespace, () => meta.namespace as string);
    if (meta.uid !== undefined) lean.uid = meta.uid;
    if (meta.resourceVersion !== undefined) lean.resourceVersion = meta.resourceVersion;
    const labels = meta.labels && ringLabels(meta.labels);
    if (labels !== undefined) lean.labels = labels;
    const ref = meta.ownerReferences?.find((r) => r.controller === true);
    if (ref !== undefined) lean.ownerReferences = [controllerRef(ref, (s) => strings(s, () => s))];
    // The constants, not the decoded strings: one copy for the whole cache (the type says these are the values).
    return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: lean };
  };
}

/**
 * A bounded table of shared values: values a ring repeats on thousands of objects are few, so one copy serves them
 * all, where every decoded object brings its own. Past the bound, `make` just runs: an unexpected variety costs no
 * more than not sharing.
 */
function interner<V>(): (key: string, make: () => V) => V {
  const seen = new Map<string, V>();
  return (key, make) => {
    const known = seen.get(key);
    if (known !== undefined) return known;
    const value = make();
    if (seen.size < maxInterned) seen.set(key, value);
    return value;
  };
}

/** Far more namespaces, shards and owner kinds than a ring has, far less memory than its cache. */
const maxInterned = 4096;

function controllerRef(ref: Readonly<OwnerReference>, intern: (value: string) => string): OwnerReference {
  return {
    apiVersion: intern(ref.apiVersion),
    kind: intern(ref.kind),
    name: ref.name,
    uid: ref.uid,
    controller: true,
  };
}
