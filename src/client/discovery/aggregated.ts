/** Converts aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) into legacy groups and resources. */
import { StaleDiscoveryError } from './errors.js';
import { formatGroupVersion } from './group-version.js';
import type {
  APIGroup,
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIResource,
  APIResourceDiscovery,
  APIResourceList,
  DiscoveryGroupVersionKind,
  GroupVersionForDiscovery,
} from './types.js';

/** The legacy view of one aggregated document. */
export interface ConvertedDiscovery {
  readonly groups: APIGroup[];
  readonly resources: APIResourceList[];
  /** Stale group/versions, keyed by `apps/v1` / `v1`. */
  readonly failed: Map<string, Error>;
}

/** Whether a decoded discovery answer is the aggregated form (the server may ignore the Accept and send legacy). */
export function isAggregated(document: unknown): document is APIGroupDiscoveryList {
  return (
    typeof document === 'object' &&
    document !== null &&
    (document as { kind?: unknown }).kind === 'APIGroupDiscoveryList'
  );
}

/**
 * Converts as client-go does: stale versions are reported in `failed` and left out of their group; the preferred
 * version is the first non-stale one; a group left without versions is dropped.
 */
export function convertAggregated(list: APIGroupDiscoveryList): ConvertedDiscovery {
  const out: ConvertedDiscovery = { groups: [], resources: [], failed: new Map() };
  for (const item of list.items ?? []) convertGroup(item, out);
  return out;
}

function convertGroup(item: APIGroupDiscovery, out: ConvertedDiscovery): void {
  const name = item.metadata?.name ?? '';
  const versions: GroupVersionForDiscovery[] = [];
  for (const v of item.versions ?? []) {
    const groupVersion = formatGroupVersion({ group: name, version: v.version });
    if (v.freshness === 'Stale') {
      out.failed.set(groupVersion, new StaleDiscoveryError(groupVersion));
      continue;
    }
    versions.push({ groupVersion, version: v.version });
    out.resources.push({ groupVersion, resources: (v.resources ?? []).flatMap(convertResource) });
  }
  const preferredVersion = versions[0];
  if (preferredVersion) out.groups.push({ name, versions, preferredVersion });
}

function convertResource(r: APIResourceDiscovery): APIResource[] {
  const namespaced = r.scope === 'Namespaced';
  const top: APIResource = {
    name: r.resource,
    singularName: r.singularResource,
    namespaced,
    ...kindFields(r.responseKind),
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  };
  const subresources = (r.subresources ?? []).map(
    (s): APIResource => ({
      name: `${r.resource}/${s.subresource}`,
      singularName: '',
      namespaced,
      ...kindFields(s.responseKind),
      verbs: s.verbs,
    }),
  );
  return [top, ...subresources];
}

// Legacy discovery sets group and version only when the kind lives outside the enclosing group/version.
function kindFields(kind: DiscoveryGroupVersionKind | undefined): Pick<APIResource, 'kind' | 'group' | 'version'> {
  if (!kind) return { kind: '' };
  return {
    kind: kind.kind,
    ...(kind.group ? { group: kind.group } : {}),
    ...(kind.version ? { version: kind.version } : {}),
  };
}
