/** Indexes discovered resources by name, short name and kind, in the priority kubectl resolves them. */
import type { GroupVersionKind, GroupVersionResource } from '../meta.js';
import { parseGroupVersion } from './group-version.js';
import { orderPreferredFirst, type ServerGroupsAndResources } from './preferred.js';

/** A resource name with optional group and version: `{resource: 'deploy'}`, `{group: 'apps', resource: 'deployments'}`. */
export interface PartialGroupVersionResource {
  /** Absent: any group; `''`: the core group. */
  readonly group?: string;
  /** Absent: the most preferred version serving it. */
  readonly version?: string;
  /** Plural, singular or short name, in any case. */
  readonly resource: string;
}

/** A group and kind; the core group is `''`. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** Whether objects of a resource live in a namespace. */
export type RESTScope = 'Namespace' | 'Cluster';

/** How to reach the objects of a kind: its resource and scope (client-go's meta.RESTMapping). */
export interface RESTMapping {
  readonly gvk: GroupVersionKind;
  readonly gvr: GroupVersionResource;
  readonly scope: RESTScope;
}

interface MappedResource extends RESTMapping {
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly kindLower: string;
}

/**
 * An immutable index over one discovery result.
 *
 * Guarantees: entries are ordered as kubectl prefers them: groups in discovery order (core first), and within a
 * group the preferred version first, then the others in the server's order. Subresources are not indexed.
 */
export class RESTMappingIndex {
  readonly #entries: readonly MappedResource[];

  constructor(discovery: ServerGroupsAndResources) {
    this.#entries = buildEntries(discovery);
  }

  /** Every resource matching the partial name, best first: plural or singular names, else short names. */
  resourcesFor(partial: PartialGroupVersionResource): RESTMapping[] {
    const name = partial.resource.toLowerCase();
    const inScope = this.#entries.filter(
      (e) =>
        (partial.group === undefined || e.gvr.group === partial.group.toLowerCase()) &&
        (partial.version === undefined || e.gvr.version === partial.version),
    );
    const byName = inScope.filter((e) => e.gvr.resource === name || e.singular === name);
    return (byName.length > 0 ? byName : inScope.filter((e) => e.shortNames.includes(name))).map(toMapping);
  }

  /** Every resource serving a kind (case-insensitive) in a group, best first; `version` narrows to one version. */
  mappingsFor(groupKind: GroupKind, version: string | undefined): RESTMapping[] {
    const kind = groupKind.kind.toLowerCase();
    const group = groupKind.group.toLowerCase();
    return this.#entries
      .filter(
        (e) => e.gvk.group === group && e.kindLower === kind && (version === undefined || e.gvk.version === version),
      )
      .map(toMapping);
  }
}

function toMapping(entry: MappedResource): RESTMapping {
  return { gvk: entry.gvk, gvr: entry.gvr, scope: entry.scope };
}

function buildEntries(discovery: ServerGroupsAndResources): MappedResource[] {
  const lists = new Map(discovery.resources.map((list) => [list.groupVersion, list]));
  const entries: MappedResource[] = [];
  for (const group of discovery.groups) {
    for (const v of orderPreferredFirst(group)) {
      const { group: name, version } = parseGroupVersion(v.groupVersion);
      for (const r of lists.get(v.groupVersion)?.resources ?? []) {
        if (r.name.includes('/')) continue;
        entries.push({
          gvr: { group: name, version, resource: r.name.toLowerCase() },
          gvk: { group: name, version, kind: r.kind },
          scope: r.namespaced ? 'Namespace' : 'Cluster',
          singular: (r.singularName || r.kind).toLowerCase(),
          shortNames: (r.shortNames ?? []).map((s) => s.toLowerCase()),
          kindLower: r.kind.toLowerCase(),
        });
      }
    }
  }
  return entries;
}
