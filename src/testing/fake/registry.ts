/** Knows which resources the fake API server serves: the built-ins of its discovery data plus Established CRDs. */
import type {
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIResourceDiscovery,
  APISubresourceDiscovery,
} from '../../client/discovery/types.js';
import { coreDiscovery, groupsDiscovery } from './builtin-discovery.js';
import type { ScalePaths } from './scale.js';

/** One served group/version/resource. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly verbs: ReadonlySet<string>;
  readonly subresources: ReadonlyMap<string, APISubresourceDiscovery>;
  /** `group/resource`: every version of a resource shares one storage. */
  readonly storageKey: string;
  /** The CRD version serving it; absent for built-ins. */
  readonly custom?: CustomVersion;
}

/** What the fake keeps of a served CRD version. */
export interface CustomVersion {
  readonly crdName: string;
  /** The version's openAPIV3Schema, if any. */
  readonly schema: unknown;
  /** The version's scale subresource paths, if it has one. */
  readonly scale?: ScalePaths;
}

/** The discovery entry of one served CRD version, with the data the handlers need. */
export interface CustomResourceVersion {
  readonly crdName: string;
  readonly group: string;
  readonly version: string;
  readonly discovery: APIResourceDiscovery;
  readonly schema: unknown;
  readonly scale?: ScalePaths;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The served resources, indexed by group/version/resource.
 *
 * Guarantees: built-ins never change; a CRD's versions appear when `addCustom` is called (once the CRD is
 * Established) and vanish with `removeCustom`; discovery documents list the CRD groups after the built-ins, as
 * the real apiserver does.
 */
export class Registry {
  readonly #builtin = new Map<string, ResourceType>();
  /** CRD name → its served versions. */
  readonly #custom = new Map<string, readonly CustomResourceVersion[]>();
  #customIndex = new Map<string, ResourceType>();

  constructor() {
    for (const list of [coreDiscovery, groupsDiscovery]) {
      for (const group of list.items ?? []) indexGroup(group, this.#builtin);
    }
  }

  /** The resource at group/version/resource, if served. */
  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    const key = `${group}/${version}/${resource}`;
    return this.#builtin.get(key) ?? this.#customIndex.get(key);
  }

  /** Every served resource (built-ins first). */
  all(): ResourceType[] {
    return [...this.#builtin.values(), ...this.#customIndex.values()];
  }

  /** Serves (or re-serves) the versions of one CRD. */
  setCustom(crdName: string, versions: readonly CustomResourceVersion[]): void {
    this.#custom.set(crdName, versions);
    this.#reindex();
  }

  removeCustom(crdName: string): void {
    if (this.#custom.delete(crdName)) this.#reindex();
  }

  /** `GET /api` (core) or `GET /apis` as aggregated discovery. */
  aggregated(core: boolean): APIGroupDiscoveryList {
    if (core) return coreDiscovery;
    const groups = new Map<string, Map<string, APIResourceDiscovery[]>>();
    for (const version of [...this.#custom.values()].flat()) {
      const versions = groups.get(version.group) ?? new Map<string, APIResourceDiscovery[]>();
      groups.set(version.group, versions);
      versions.set(version.version, [...(versions.get(version.version) ?? []), version.discovery]);
    }
    const custom: APIGroupDiscovery[] = [...groups].map(([name, versions]) => ({
      metadata: { name },
      versions: [...versions]
        .sort(([a], [b]) => compareVersions(a, b))
        .map(([version, resources]) => ({
          version,
          resources: [...resources].sort((a, b) => a.resource.localeCompare(b.resource)),
          freshness: 'Current' as const,
        })),
    }));
    return { ...groupsDiscovery, items: [...(groupsDiscovery.items ?? []), ...custom] };
  }

  #reindex(): void {
    const index = new Map<string, ResourceType>();
    for (const version of [...this.#custom.values()].flat()) {
      const type = resourceType(version.group, version.version, version.discovery, {
        crdName: version.crdName,
        schema: version.schema,
        ...(version.scale ? { scale: version.scale } : {}),
      });
      index.set(`${type.group}/${type.version}/${type.resource}`, type);
    }
    this.#customIndex = index;
  }
}

function indexGroup(group: APIGroupDiscovery, into: Map<string, ResourceType>): void {
  const name = group.metadata?.name ?? '';
  for (const version of group.versions ?? []) {
    for (const resource of version.resources ?? []) {
      const type = resourceType(name, version.version, resource, undefined);
      into.set(`${name}/${version.version}/${resource.resource}`, type);
    }
  }
}

function resourceType(
  group: string,
  version: string,
  resource: APIResourceDiscovery,
  custom: CustomVersion | undefined,
): ResourceType {
  return {
    group,
    version,
    resource: resource.resource,
    kind: resource.responseKind?.kind ?? '',
    singular: resource.singularResource,
    namespaced: resource.scope === 'Namespaced',
    verbs: new Set(resource.verbs),
    subresources: new Map((resource.subresources ?? []).map((sub) => [sub.subresource, sub])),
    storageKey: `${group}/${resource.resource}`,
    ...(custom === undefined ? {} : { custom }),
  };
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (apimachinery's CompareKubeAwareVersionStrings). */
function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [3, 0, 0];
    const stage = match[2] === undefined ? 0 : match[2] === 'beta' ? 1 : 2;
    return [stage, -Number(match[1]), -Number(match[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return a.localeCompare(b);
}

/** The verbs every CRD version serves. */
export const customVerbs: readonly string[] = allVerbs;
