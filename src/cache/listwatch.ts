/** Declares the list-and-watch pair a Reflector needs and adapts the typed and dynamic clients to it. */
import type { KubeList, KubeObject } from '../client/meta.js';
import type { WatchStream } from '../client/rest/watch.js';
import type { ListOptions, SelectorOptions, WatchOptions } from '../client/typed/options.js';

/**
 * Lists and watches one resource, with any selectors already applied (client-go's cache.ListerWatcher). Defined by
 * its consumer, the Reflector: it passes paging, resourceVersion and timeout options and an AbortSignal.
 *
 * Guarantees expected of implementations: `list` resolves to one page as the server sent it and rejects with the
 * RESTClient's errors (StatusError, TransportError); `watch` resolves once the server accepted the watch; both
 * honour `options.signal`.
 *
 * @typeParam T - the listed object type.
 */
export interface ListerWatcher<T extends KubeObject> {
  /** Lists one page (or everything, without `limit`). */
  list(options: ListOptions): Promise<KubeList<T>>;
  /** Starts a watch. */
  watch(options: WatchOptions): Promise<WatchStream<T>>;
}

/**
 * Returns a ListerWatcher over a client that already lists and watches one resource (a typed `ResourceClient`, a
 * `DynamicResourceClient`, namespaced or not), adding the selectors to every call.
 *
 * @typeParam T - the listed object type.
 */
export function listWatchFrom<T extends KubeObject>(
  client: ListerWatcher<T>,
  selectors: SelectorOptions = {},
): ListerWatcher<T> {
  const { labelSelector, fieldSelector } = selectors;
  const scoped = {
    ...(labelSelector ? { labelSelector } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
  };
  return {
    list: (options) => client.list({ ...options, ...scoped }),
    watch: (options) => client.watch({ ...options, ...scoped }),
  };
}
