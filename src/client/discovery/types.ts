/** Declares the discovery documents of the apiserver: legacy (meta/v1) and aggregated (apidiscovery.k8s.io/v2). */

/** `GET /version`: the server's build (version.Info). */
export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
  readonly emulationMajor?: string;
  readonly emulationMinor?: string;
  readonly minCompatibilityMajor?: string;
  readonly minCompatibilityMinor?: string;
}

/** One version of a group: `groupVersion` is `v1` for the core group, else `<group>/<version>`. */
export interface GroupVersionForDiscovery {
  readonly groupVersion: string;
  readonly version: string;
}

/** A group and the versions it serves, most preferred first (meta/v1 APIGroup); the core group is named `''`. */
export interface APIGroup {
  readonly name: string;
  readonly versions: readonly GroupVersionForDiscovery[];
  readonly preferredVersion?: GroupVersionForDiscovery;
}

/** Every group the server serves (meta/v1 APIGroupList), the core group first. */
export interface APIGroupList {
  readonly kind?: 'APIGroupList';
  readonly apiVersion?: string;
  readonly groups: readonly APIGroup[];
}

/**
 * One resource or subresource (`pods/status`) of a group/version (meta/v1 APIResource). `group` and `version`
 * are set only when the kind lives elsewhere (the `scale` subresource answers with autoscaling/v1 Scale).
 */
export interface APIResource {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly storageVersionHash?: string;
}

/** The resources of one group/version (meta/v1 APIResourceList). */
export interface APIResourceList {
  readonly kind?: 'APIResourceList';
  readonly apiVersion?: string;
  readonly groupVersion: string;
  readonly resources: readonly APIResource[];
}

/** `GET /api` in legacy discovery: the versions of the core group. */
export interface APIVersions {
  readonly kind?: 'APIVersions';
  readonly versions: readonly string[];
}

/** A kind as aggregated discovery names it; empty group and version mean "the enclosing group/version". */
export interface DiscoveryGroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A subresource in aggregated discovery. */
export interface APISubresourceDiscovery {
  readonly subresource: string;
  readonly responseKind?: DiscoveryGroupVersionKind;
  readonly acceptedTypes?: readonly DiscoveryGroupVersionKind[];
  readonly verbs: readonly string[];
}

/** A resource in aggregated discovery. */
export interface APIResourceDiscovery {
  readonly resource: string;
  readonly responseKind?: DiscoveryGroupVersionKind;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly singularResource: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly APISubresourceDiscovery[];
}

/** One version of a group in aggregated discovery; `Stale` means the server could not reach it lately. */
export interface APIVersionDiscovery {
  readonly version: string;
  readonly resources?: readonly APIResourceDiscovery[];
  readonly freshness?: 'Current' | 'Stale';
}

/** A group in aggregated discovery, its versions most preferred first; the core group has no name. */
export interface APIGroupDiscovery {
  readonly metadata?: { readonly name?: string };
  readonly versions?: readonly APIVersionDiscovery[];
}

/** The aggregated discovery document `GET /api` and `GET /apis` return when asked for it. */
export interface APIGroupDiscoveryList {
  readonly kind: 'APIGroupDiscoveryList';
  readonly apiVersion: string;
  readonly items?: readonly APIGroupDiscovery[];
}
