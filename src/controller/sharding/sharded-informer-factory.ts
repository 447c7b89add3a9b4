/** Routes a manager's informers: those of sharded resources watch only this shard's objects, the rest everything. */
import {
  newSharedInformerFactory,
  type SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from '../../cache/informer-factory.js';
import type { SharedIndexInformer } from '../../cache/shared-index-informer.js';
import type { GroupVersionResource, KubeObject } from '../../client/meta.js';

/** A SharedInformerFactory that also lists the informers it scoped to this shard. */
export interface ShardedInformerFactory extends SharedInformerFactory {
  /** Every informer handed out for a sharded resource, by `<group>/<resource>`. */
  shardedInformers(gvr: Pick<GroupVersionResource, 'group' | 'resource'>): readonly SharedIndexInformer<KubeObject>[];
}

/**
 * Builds the factory of a sharded manager.
 *
 * Guarantees: `forClient`, `forResource` and `forMetadata` of a resource in `sharded` return informers whose lists
 * and watches also carry `labelSelector` (this shard's, not-draining objects); every other informer (and any made
 * with `informerFor`, whose resource the factory cannot know) is as the plain factory makes it. Sharing per key,
 * start, sync and shutdown behave as one factory.
 */
export function newShardedInformerFactory(
  options: SharedInformerFactoryOptions,
  sharded: readonly GroupVersionResource[],
  labelSelector: string,
): ShardedInformerFactory {
  const plain = newSharedInformerFactory(options);
  const selector = options.labelSelector ? `${options.labelSelector},${labelSelector}` : labelSelector;
  const scoped = newSharedInformerFactory({ ...options, labelSelector: selector });
  const names = new Set(sharded.map((gvr) => `${gvr.group}/${gvr.resource}`));
  const handedOut = new Map<string, Set<SharedIndexInformer<KubeObject>>>();
  const pick = (gvr: Pick<GroupVersionResource, 'group' | 'resource'>): SharedInformerFactory =>
    names.has(`${gvr.group}/${gvr.resource}`) ? scoped : plain;
  const remember = <I>(gvr: Pick<GroupVersionResource, 'group' | 'resource'>, informer: I): I => {
    const name = `${gvr.group}/${gvr.resource}`;
    if (!names.has(name)) return informer;
    const set = handedOut.get(name) ?? new Set();
    set.add(informer as unknown as SharedIndexInformer<KubeObject>);
    handedOut.set(name, set);
    return informer;
  };
  return {
    informerFor: (key, newListerWatcher, informerOptions) => plain.informerFor(key, newListerWatcher, informerOptions),
    forClient: (clientIn, informerOptions) => {
      const gvr = clientIn(options.namespace).descriptor;
      return remember(gvr, pick(gvr).forClient(clientIn, informerOptions));
    },
    forResource: (gvr, informerOptions) => remember(gvr, pick(gvr).forResource(gvr, informerOptions)),
    forMetadata: (gvr, informerOptions) => remember(gvr, pick(gvr).forMetadata(gvr, informerOptions)),
    start: (signal) => {
      plain.start(signal);
      scoped.start(signal);
    },
    waitForCacheSync: async (signal) => {
      const [a, b] = await Promise.all([plain.waitForCacheSync(signal), scoped.waitForCacheSync(signal)]);
      return new Map([...a, ...b]);
    },
    shutdown: async () => {
      await Promise.all([plain.shutdown(), scoped.shutdown()]);
    },
    shardedInformers: (gvr) => [...(handedOut.get(`${gvr.group}/${gvr.resource}`) ?? [])],
  };
}
