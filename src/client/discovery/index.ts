/** Exports discovery (client, in-memory cache, documents) and the RESTMapper built on it. */
export {
  type DiscoveryCallOptions,
  DiscoveryClient,
  type DiscoveryClientOptions,
  type DiscoveryInterface,
} from './discovery-client.js';
export { GroupDiscoveryFailedError, StaleDiscoveryError } from './errors.js';
export { formatGroupVersion, type GroupVersion, parseGroupVersion } from './group-version.js';
export {
  type CachedDiscoveryInterface,
  MemCacheDiscoveryClient,
  type MemCacheDiscoveryOptions,
} from './mem-cache-discovery-client.js';
export {
  preferredNamespacedResources,
  preferredResources,
  type ServerGroupsAndResources,
  type ServerResources,
} from './preferred.js';
export { DeferredDiscoveryRESTMapper, type RESTMappingOptions } from './rest-mapper.js';
export { NoKindMatchError, NoResourceMatchError } from './rest-mapper-errors.js';
export type { GroupKind, PartialGroupVersionResource, RESTMapping, RESTScope } from './rest-mapping.js';
export type {
  APIGroup,
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIGroupList,
  APIResource,
  APIResourceDiscovery,
  APIResourceList,
  APISubresourceDiscovery,
  APIVersionDiscovery,
  APIVersions,
  DiscoveryGroupVersionKind,
  GroupVersionForDiscovery,
  VersionInfo,
} from './types.js';
