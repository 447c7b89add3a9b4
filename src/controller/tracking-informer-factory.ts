/** Wraps an informer factory so its owner can list every informer handed out (for sync waits and health checks). */
import type { SharedInformerFactory } from '../cache/informer-factory.js';
import type { SharedIndexInformer } from '../cache/shared-index-informer.js';
import type { KubeObject } from '../client/meta.js';

/**
 * A SharedInformerFactory that remembers the informers it returned.
 *
 * Guarantees: behaves exactly as the wrapped factory (same informers, same sharing); `informers()` lists each
 * informer once, in the order first handed out.
 */
export interface TrackingInformerFactory extends SharedInformerFactory {
  informers(): readonly SharedIndexInformer<KubeObject>[];
}

/** Wraps `factory`. */
export function trackInformers(factory: SharedInformerFactory): TrackingInformerFactory {
  const seen = new Set<SharedIndexInformer<KubeObject>>();
  const track = <I>(informer: I): I => {
    seen.add(informer as unknown as SharedIndexInformer<KubeObject>);
    return informer;
  };
  return {
    informerFor: (key, newListerWatcher, options) => track(factory.informerFor(key, newListerWatcher, options)),
    forClient: (clientIn, options) => track(factory.forClient(clientIn, options)),
    forResource: (gvr, options) => track(factory.forResource(gvr, options)),
    forMetadata: (gvr, options) => track(factory.forMetadata(gvr, options)),
    start: (signal) => factory.start(signal),
    waitForCacheSync: (signal) => factory.waitForCacheSync(signal),
    shutdown: () => factory.shutdown(),
    informers: () => [...seen],
  };
}
