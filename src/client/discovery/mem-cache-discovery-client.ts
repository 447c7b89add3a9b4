/** Caches discovery in memory (client-go's memCacheClient): one fetch serves every caller until invalidated. */
import type { Clock } from '../rest/clock.js';
import { systemClock } from '../rest/clock.js';
import type { DiscoveryCallOptions, DiscoveryInterface } from './discovery-client.js';
import {
  preferredNamespacedResources,
  preferredResources,
  type ServerGroupsAndResources,
  type ServerResources,
} from './preferred.js';
import type { APIGroupList, APIResourceList, VersionInfo } from './types.js';

/**
 * Discovery that can be told its cached answers are out of date.
 *
 * Guarantees: after `invalidate()` returns, the next group or resource call fetches from the server.
 */
export interface CachedDiscoveryInterface extends DiscoveryInterface {
  /** Drops the cache; the next call fetches again. */
  invalidate(): void;
}

/** How long cached discovery lives. */
export interface MemCacheDiscoveryOptions {
  /**
   * Age in ms (counted from the start of the fetch) after which the next call refetches. Absent: until `invalidate()`, as client-go's memCacheClient;
   * the RESTMapper invalidates on a miss, so new APIs are found without polling.
   */
  readonly ttlMs?: number;
  /** Reads the time for `ttlMs`; tests inject a fake. */
  readonly clock?: Pick<Clock, 'now'>;
}

interface CacheEntry {
  readonly fetchedAt: number;
  readonly value: Promise<ServerGroupsAndResources>;
}

/**
 * Wraps a discovery client and remembers its groups and resources.
 *
 * Guarantees: while the cache is valid, group and resource calls send no request; concurrent callers during a fetch
 * share that one fetch, and aborting one caller's signal never fails the others; a fetch that rejects is not cached;
 * a partial result (`failed` set) is cached like a full one until `invalidate()` or the TTL; `serverVersion` and
 * group/versions absent from the cached result go to the server. Returned objects are shared between callers: do
 * not mutate them.
 */
export class MemCacheDiscoveryClient implements CachedDiscoveryInterface {
  readonly #delegate: DiscoveryInterface;
  readonly #ttlMs: number | undefined;
  readonly #clock: Pick<Clock, 'now'>;
  /** The current fetch or its result; undefined when invalidated or never fetched. */
  #entry: CacheEntry | undefined;

  constructor(delegate: DiscoveryInterface, options: MemCacheDiscoveryOptions = {}) {
    this.#delegate = delegate;
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock ?? systemClock;
  }

  /** Drops the cache; the next call fetches again (a fetch in flight still answers its own callers). */
  invalidate(): void {
    this.#entry = undefined;
  }

  /** Always asks the server: the version is cheap and rarely asked. */
  serverVersion(options: DiscoveryCallOptions = {}): Promise<VersionInfo> {
    return this.#delegate.serverVersion(options);
  }

  /** The cached groups. */
  async serverGroups(options: DiscoveryCallOptions = {}): Promise<APIGroupList> {
    const all = await this.serverGroupsAndResources(options);
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: all.groups };
  }

  /** The cached resources of one group/version; one that failed or is unknown to the cache is asked of the server. */
  async serverResourcesForGroupVersion(
    groupVersion: string,
    options: DiscoveryCallOptions = {},
  ): Promise<APIResourceList> {
    const all = await this.serverGroupsAndResources(options);
    const cached = all.resources.find((list) => list.groupVersion === groupVersion);
    return cached ?? this.#delegate.serverResourcesForGroupVersion(groupVersion, options);
  }

  /** The cached groups and resources, fetched on first use, after `invalidate()` and after the TTL. */
  serverGroupsAndResources(options: DiscoveryCallOptions = {}): Promise<ServerGroupsAndResources> {
    return abortable(this.#current().value, options.signal);
  }

  /** Preferred resources computed from the cache. */
  async serverPreferredResources(options: DiscoveryCallOptions = {}): Promise<ServerResources> {
    return preferredResources(await this.serverGroupsAndResources(options));
  }

  /** Preferred namespaced resources computed from the cache. */
  async serverPreferredNamespacedResources(options: DiscoveryCallOptions = {}): Promise<ServerResources> {
    return preferredNamespacedResources(await this.serverGroupsAndResources(options));
  }

  #current(): CacheEntry {
    const now = this.#clock.now();
    const entry = this.#entry;
    if (entry && (this.#ttlMs === undefined || now - entry.fetchedAt < this.#ttlMs)) return entry;
    // No caller's signal: the fetch is shared, so one caller giving up must not fail the rest.
    const value = this.#delegate.serverGroupsAndResources();
    const fresh: CacheEntry = { fetchedAt: now, value };
    this.#entry = fresh;
    value.catch(() => {
      if (this.#entry === fresh) this.#entry = undefined;
    });
    return fresh;
  }
}

/** Resolves as `promise` does, or rejects with the signal's reason when it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
