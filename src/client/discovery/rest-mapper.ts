/** Maps kinds to resources and back over cached discovery, refreshing once on a miss (DeferredDiscoveryRESTMapper). */
import type { GroupVersionKind, GroupVersionResource } from '../meta.js';
import type { RestConfig } from '../rest/config.js';
import { type DiscoveryCallOptions, DiscoveryClient } from './discovery-client.js';
import { type CachedDiscoveryInterface, MemCacheDiscoveryClient } from './mem-cache-discovery-client.js';
import type { ServerGroupsAndResources } from './preferred.js';
import { NoKindMatchError, NoResourceMatchError } from './rest-mapper-errors.js';
import {
  type GroupKind,
  type PartialGroupVersionResource,
  type RESTMapping,
  RESTMappingIndex,
} from './rest-mapping.js';

/** Options of `restMapping`. */
export interface RESTMappingOptions extends DiscoveryCallOptions {
  /** The version wanted; absent: the group's preferred version that serves the kind. */
  readonly version?: string;
}

/**
 * Resolves kinds, resources, short names (`deploy`, `po`) and scopes from discovery, as kubectl does.
 *
 * Guarantees: answers come from the discovery cache; a lookup that matches nothing invalidates the cache and looks
 * again exactly once, so APIs added after startup (CRDs) resolve; concurrent misses against the same cached result
 * invalidate it once. When several resources match, the first in kubectl's priority wins (groups in discovery order,
 * core first; the preferred version first). Misses reject with NoResourceMatchError or NoKindMatchError; discovery
 * failures of the root documents reject with the RESTClient's error.
 */
export class DeferredDiscoveryRESTMapper {
  readonly #discovery: CachedDiscoveryInterface;
  /** The index of the last discovery result seen; rebuilt whenever the cache hands out a new result. */
  #index: { readonly source: ServerGroupsAndResources; readonly index: RESTMappingIndex } | undefined;
  /** The discovery result a miss last invalidated, so concurrent misses on it refetch once. */
  #invalidated: ServerGroupsAndResources | undefined;

  constructor(discovery: CachedDiscoveryInterface) {
    this.#discovery = discovery;
  }

  /** A mapper over an in-memory discovery cache of the shared RESTClient of `config`. */
  static forConfig(config: RestConfig): DeferredDiscoveryRESTMapper {
    return new DeferredDiscoveryRESTMapper(new MemCacheDiscoveryClient(DiscoveryClient.forConfig(config)));
  }

  /** Drops the discovery cache; the next lookup fetches again. */
  reset(): void {
    this.#discovery.invalidate();
  }

  /** The kind served by a (partial) resource: `{resource: 'po'}` → `{group: '', version: 'v1', kind: 'Pod'}`. */
  async kindFor(resource: PartialGroupVersionResource, options: DiscoveryCallOptions = {}): Promise<GroupVersionKind> {
    return (await this.#resourceMapping(resource, options)).gvk;
  }

  /** The full resource of a (partial) one: `{resource: 'deploy'}` → `{group: 'apps', version: 'v1', resource: 'deployments'}`. */
  async resourceFor(
    resource: PartialGroupVersionResource,
    options: DiscoveryCallOptions = {},
  ): Promise<GroupVersionResource> {
    return (await this.#resourceMapping(resource, options)).gvr;
  }

  /** How to reach a kind (case-insensitive): its resource and scope, at `options.version` or the preferred version. */
  restMapping(groupKind: GroupKind, options: RESTMappingOptions = {}): Promise<RESTMapping> {
    return this.#lookup(
      (index) => index.mappingsFor(groupKind, options.version)[0],
      (cause) => new NoKindMatchError(groupKind, options.version, cause ? { cause } : undefined),
      options,
    );
  }

  #resourceMapping(resource: PartialGroupVersionResource, options: DiscoveryCallOptions): Promise<RESTMapping> {
    return this.#lookup(
      (index) => index.resourcesFor(resource)[0],
      (cause) => new NoResourceMatchError(resource, cause ? { cause } : undefined),
      options,
    );
  }

  async #lookup<T>(
    find: (index: RESTMappingIndex) => T | undefined,
    miss: (cause: Error | undefined) => Error,
    options: DiscoveryCallOptions,
  ): Promise<T> {
    const first = await this.#discovery.serverGroupsAndResources(options);
    const found = find(this.#indexOf(first));
    if (found !== undefined) return found;
    if (this.#invalidated !== first) {
      this.#invalidated = first;
      this.#discovery.invalidate();
    }
    const second = await this.#discovery.serverGroupsAndResources(options);
    const retried = find(this.#indexOf(second));
    if (retried !== undefined) return retried;
    throw miss(second.failed);
  }

  #indexOf(source: ServerGroupsAndResources): RESTMappingIndex {
    if (this.#index?.source !== source) this.#index = { source, index: new RESTMappingIndex(source) };
    return this.#index.index;
  }
}
