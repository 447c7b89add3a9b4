/** Discovers what the apiserver serves: version, groups and resources, by aggregated discovery or the legacy endpoints. */
import type { RestConfig } from '../rest/config.js';
import { RESTClient } from '../rest/rest-client.js';
import { convertAggregated, isAggregated } from './aggregated.js';
import { GroupDiscoveryFailedError } from './errors.js';
import { groupVersionPath, parseGroupVersion } from './group-version.js';
import {
  preferredNamespacedResources,
  preferredResources,
  type ServerGroupsAndResources,
  type ServerResources,
} from './preferred.js';
import type { APIGroup, APIGroupList, APIResourceList, APIVersions, VersionInfo } from './types.js';

// Aggregated discovery v2, then v2beta1 for older servers, then the legacy documents (what client-go sends).
const aggregatedAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' +
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const legacyAccept = 'application/json';

/** Options of every discovery call. */
export interface DiscoveryCallOptions {
  readonly signal?: AbortSignal;
}

/**
 * What the RESTMapper and other consumers need from discovery; `DiscoveryClient` and `MemCacheDiscoveryClient` both
 * provide it.
 *
 * Guarantees: group/versions that cannot be discovered are reported in `failed`, never by rejecting; the core group
 * comes first; each group lists its versions most preferred first.
 */
export interface DiscoveryInterface {
  /** The server's version (`GET /version`). */
  serverVersion(options?: DiscoveryCallOptions): Promise<VersionInfo>;
  /** Every API group and its versions, the core group first. */
  serverGroups(options?: DiscoveryCallOptions): Promise<APIGroupList>;
  /** The resources of one group/version (`v1`, `apps/v1`). */
  serverResourcesForGroupVersion(groupVersion: string, options?: DiscoveryCallOptions): Promise<APIResourceList>;
  /** Every group, and the resources of every group/version that could be discovered. */
  serverGroupsAndResources(options?: DiscoveryCallOptions): Promise<ServerGroupsAndResources>;
  /** Each group's resources at the group's preferred version. */
  serverPreferredResources(options?: DiscoveryCallOptions): Promise<ServerResources>;
  /** `serverPreferredResources` limited to namespaced resources. */
  serverPreferredNamespacedResources(options?: DiscoveryCallOptions): Promise<ServerResources>;
}

/** How a DiscoveryClient asks. */
export interface DiscoveryClientOptions {
  /** Ask for the legacy documents only (one request per group/version), as client-go's UseLegacyDiscovery. */
  readonly useLegacyDiscovery?: boolean;
}

/** The groups of one root (`/api` or `/apis`), with the resources when the answer was aggregated. */
interface RootDiscovery {
  readonly groups: readonly APIGroup[];
  readonly resources?: readonly APIResourceList[];
  readonly failed: ReadonlyMap<string, Error>;
}

/**
 * Asks the apiserver what it serves (client-go's DiscoveryClient). Groups and resources come from aggregated
 * discovery (`GET /api` and `GET /apis` as apidiscovery.k8s.io/v2, two requests in all); when the server answers
 * with the legacy APIVersions/APIGroupList instead, every group/version is fetched from its own endpoint.
 *
 * Guarantees: every call goes to the server (wrap it in `MemCacheDiscoveryClient` to cache); a group/version that
 * cannot be discovered (unavailable aggregated API, stale aggregated entry) is reported in `failed` while all others
 * are returned; any other failure (the root documents themselves) rejects with the RESTClient's error. Returned
 * objects are fresh per call and owned by the caller.
 */
export class DiscoveryClient implements DiscoveryInterface {
  readonly restClient: RESTClient;
  readonly #accept: string;

  constructor(restClient: RESTClient, options: DiscoveryClientOptions = {}) {
    this.restClient = restClient;
    this.#accept = options.useLegacyDiscovery ? legacyAccept : aggregatedAccept;
  }

  /** A DiscoveryClient on the shared RESTClient of `config`. */
  static forConfig(config: RestConfig, options: DiscoveryClientOptions = {}): DiscoveryClient {
    return new DiscoveryClient(RESTClient.forConfig(config), options);
  }

  /** `GET /version`. */
  serverVersion(options: DiscoveryCallOptions = {}): Promise<VersionInfo> {
    return this.#get<VersionInfo>('/version', legacyAccept, options.signal);
  }

  /** Every group and its versions, the core group first; resources are not fetched in legacy mode. */
  async serverGroups(options: DiscoveryCallOptions = {}): Promise<APIGroupList> {
    const [core, named] = await this.#roots(options.signal);
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...core.groups, ...named.groups] };
  }

  /** The resources of one group/version (`v1`, `apps/v1`) from its legacy endpoint; rejects when it fails. */
  serverResourcesForGroupVersion(groupVersion: string, options: DiscoveryCallOptions = {}): Promise<APIResourceList> {
    const path = groupVersionPath(parseGroupVersion(groupVersion));
    return this.#get<APIResourceList>(path, legacyAccept, options.signal);
  }

  /** Every group, and the resources of every group/version that could be discovered. */
  async serverGroupsAndResources(options: DiscoveryCallOptions = {}): Promise<ServerGroupsAndResources> {
    const { signal } = options;
    const roots = await this.#roots(signal);
    const failed = new Map<string, Error>(roots.flatMap((root) => [...root.failed]));
    const lists = await Promise.all(
      roots.map((root) => root.resources ?? this.#legacyResources(root.groups, failed, signal)),
    );
    // An abort fails every legacy fetch; report it as the abort, not as failed group/versions.
    signal?.throwIfAborted();
    const groups = roots.flatMap((root) => root.groups);
    const resources = lists.flat();
    return failed.size > 0
      ? { groups, resources, failed: new GroupDiscoveryFailedError(failed) }
      : { groups, resources };
  }

  /** For each group/resource, its resource entry at the group's preferred version (see `preferredResources`). */
  async serverPreferredResources(options: DiscoveryCallOptions = {}): Promise<ServerResources> {
    return preferredResources(await this.serverGroupsAndResources(options));
  }

  /** `serverPreferredResources` limited to namespaced resources. */
  async serverPreferredNamespacedResources(options: DiscoveryCallOptions = {}): Promise<ServerResources> {
    return preferredNamespacedResources(await this.serverGroupsAndResources(options));
  }

  #roots(signal: AbortSignal | undefined): Promise<[RootDiscovery, RootDiscovery]> {
    return Promise.all([this.#root('/api', signal), this.#root('/apis', signal)]);
  }

  async #root(path: '/api' | '/apis', signal: AbortSignal | undefined): Promise<RootDiscovery> {
    const document = await this.#get<unknown>(path, this.#accept, signal);
    if (isAggregated(document)) return convertAggregated(document);
    if (path === '/api') return { groups: [coreGroup(document as APIVersions)], failed: new Map() };
    return { groups: (document as APIGroupList).groups ?? [], failed: new Map() };
  }

  // Fetches every version of every group in parallel, as client-go does; a failure only marks its group/version.
  async #legacyResources(
    groups: readonly APIGroup[],
    failed: Map<string, Error>,
    signal: AbortSignal | undefined,
  ): Promise<APIResourceList[]> {
    const groupVersions = groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
    const settled = await Promise.allSettled(
      groupVersions.map((gv) => this.serverResourcesForGroupVersion(gv, signal ? { signal } : {})),
    );
    const lists: APIResourceList[] = [];
    settled.forEach((outcome, i) => {
      const gv = groupVersions[i] as string;
      if (outcome.status === 'fulfilled') lists.push({ groupVersion: gv, resources: outcome.value.resources ?? [] });
      else failed.set(gv, outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason)));
    });
    return lists;
  }

  #get<T>(path: string, accept: string, signal: AbortSignal | undefined): Promise<T> {
    const request = this.restClient.get().absPath(path).setHeader('Accept', accept);
    if (signal) request.signal(signal);
    return request.do<T>();
  }
}

function coreGroup(versions: APIVersions): APIGroup {
  const list = (versions.versions ?? []).map((version) => ({ groupVersion: version, version }));
  const preferredVersion = list[0];
  return preferredVersion ? { name: '', versions: list, preferredVersion } : { name: '', versions: list };
}
