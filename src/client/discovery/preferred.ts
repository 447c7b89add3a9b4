/** Selects each resource's preferred version from a full discovery result, as client-go's ServerPreferredResources. */
import type { GroupDiscoveryFailedError } from './errors.js';
import type { APIGroup, APIResource, APIResourceList } from './types.js';

/** Groups, and the resources of every group/version that could be discovered. */
export interface ServerGroupsAndResources {
  /** Every group, the core group (`''`) first, each with its versions most preferred first. */
  readonly groups: readonly APIGroup[];
  /** One list per discovered group/version, subresources (`pods/status`) included. */
  readonly resources: readonly APIResourceList[];
  /** Set when some group/versions could not be discovered; the lists above hold everything else. */
  readonly failed?: GroupDiscoveryFailedError;
}

/** Resource lists, possibly partial. */
export interface ServerResources {
  readonly resources: readonly APIResourceList[];
  /** Set when some group/versions could not be discovered; `resources` holds everything else. */
  readonly failed?: GroupDiscoveryFailedError;
}

/**
 * Keeps, for every group/resource, the version it is served at in its group's preferred version, or else in the
 * most preferred version that serves it; drops subresources and empty lists.
 */
export function preferredResources(all: ServerGroupsAndResources): ServerResources {
  const byGroupVersion = new Map(all.resources.map((list) => [list.groupVersion, list]));
  const chosen = new Map<string, APIResource[]>();
  for (const group of all.groups) {
    const seen = new Set<string>();
    const ordered = orderPreferredFirst(group);
    for (const version of ordered) {
      const list = byGroupVersion.get(version.groupVersion);
      if (!list) continue;
      for (const resource of list.resources) {
        if (resource.name.includes('/') || seen.has(resource.name)) continue;
        seen.add(resource.name);
        const kept = chosen.get(version.groupVersion) ?? [];
        kept.push(resource);
        chosen.set(version.groupVersion, kept);
      }
    }
  }
  const resources = [...chosen].map(([groupVersion, list]): APIResourceList => ({ groupVersion, resources: list }));
  return all.failed ? { resources, failed: all.failed } : { resources };
}

/** Keeps only the namespaced resources of `preferredResources`. */
export function preferredNamespacedResources(all: ServerGroupsAndResources): ServerResources {
  const preferred = preferredResources(all);
  const resources = preferred.resources
    .map((list) => ({ groupVersion: list.groupVersion, resources: list.resources.filter((r) => r.namespaced) }))
    .filter((list) => list.resources.length > 0);
  return preferred.failed ? { resources, failed: preferred.failed } : { resources };
}

/** A group's versions, the preferred one first, then the others in the server's order. */
export function orderPreferredFirst(group: APIGroup): APIGroup['versions'] {
  const preferred = group.preferredVersion?.version;
  if (preferred === undefined) return group.versions;
  return [
    ...group.versions.filter((v) => v.version === preferred),
    ...group.versions.filter((v) => v.version !== preferred),
  ];
}
