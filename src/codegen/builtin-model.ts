/** Models the served built-in group/versions and resources of a release from its discovery and OpenAPI schemas. */
import {
  cmp,
  type GroupVersionKind,
  type GroupVersionModel,
  methodName,
  type ResourceModel,
  type Schema,
  type SubresourceModel,
  type TypeRef,
} from './model.ts';

/** A resource in an aggregated discovery document (apidiscovery.k8s.io/v2). */
export interface DiscoveryResource {
  readonly resource: string;
  readonly responseKind?: GroupVersionKind;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly verbs: readonly string[];
  readonly subresources?: readonly {
    readonly subresource: string;
    readonly responseKind?: GroupVersionKind;
    readonly verbs: readonly string[];
  }[];
}

/** An APIGroupDiscoveryList (the core group's name is absent). */
export interface DiscoveryList {
  readonly items: readonly {
    readonly metadata: { readonly name?: string };
    readonly versions: readonly { readonly version: string; readonly resources: readonly DiscoveryResource[] }[];
  }[];
}

// Subresources served by the pinned release that get no method: exec/attach/portforward need a streaming
// protocol (SPDY/WebSocket), proxy is raw HTTP, the rest are rarely used outside kubectl.
const supportedSubresources = new Set(['status', 'scale', 'eviction', 'binding', 'log', 'token']);

// Types OpenAPI leaves without a shape because Go marshals them by hand.
export const hand: Readonly<Record<string, string>> = {
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
    'JSONSchemaProps | JSONSchemaProps[]',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': 'JSONSchemaProps | boolean',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': 'JSONSchemaProps | string[]',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': 'unknown',
};

/** Returns the module of an OpenAPI schema package: `io.k8s.api.core.v1` → `core-v1`; apimachinery's → `common`. */
export function moduleOfPackage(pkg: string): string {
  if (pkg === 'io.k8s.apimachinery.pkg.apis.meta.v1') return 'meta-v1';
  const api =
    /^io\.k8s\.api\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(pkg) ?? /\.pkg\.apis\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(pkg);
  if (api) return `${api[1]}-${api[2]}`;
  if (pkg.startsWith('io.k8s.apimachinery.')) return 'common';
  throw new Error(`codegen: no module for schema package ${pkg}`);
}

/** Returns where a built-in schema's type is declared. */
export function typeRefOf(schemaName: string): TypeRef {
  const cut = schemaName.lastIndexOf('.');
  return { module: moduleOfPackage(schemaName.slice(0, cut)), name: schemaName.slice(cut + 1) };
}

/** Finds the schema declaring a group/version/kind; an empty version picks the only (or first sorted) one. */
export function findKind(
  schemas: Readonly<Record<string, Schema>>,
  group: string,
  version: string,
  kind: string,
): string | undefined {
  const matches = Object.keys(schemas)
    .filter((name) =>
      (schemas[name]?.['x-kubernetes-group-version-kind'] ?? []).some(
        (g) => g.group === group && g.kind === kind && (version === '' || g.version === version),
      ),
    )
    // meta/v1 types such as DeleteOptions list every group as theirs: prefer the group's own package.
    .sort(
      (a, b) =>
        Number(a.startsWith('io.k8s.apimachinery.')) - Number(b.startsWith('io.k8s.apimachinery.')) || cmp(a, b),
    );
  return matches[0];
}

/** Builds the model of every served group/version from discovery and the schemas. */
export function buildModel(
  discovery: readonly DiscoveryList[],
  schemas: Readonly<Record<string, Schema>>,
): GroupVersionModel[] {
  const models: GroupVersionModel[] = [];
  for (const list of discovery) {
    for (const item of list.items) {
      const group = item.metadata.name ?? '';
      for (const { version, resources } of item.versions) {
        const built = resources.map((r) => buildResource(group, version, r, schemas));
        const module = built[0]?.kind.module ?? `${group.split('.')[0]}-${version}`;
        models.push({ group, version, module, resources: built.sort((a, b) => cmp(a.method, b.method)) });
      }
    }
  }
  models.sort((a, b) => cmp(a.module, b.module));
  const seen = new Map<string, string>();
  for (const m of models) {
    const gv = `${m.group}/${m.version}`;
    const other = seen.get(m.module);
    if (other !== undefined) throw new Error(`codegen: ${gv} and ${other} would share module ${m.module}`);
    seen.set(m.module, gv);
  }
  return models;
}

/** Builds one resource's model: scope, kind and list types, and the subresources we expose. */
export function buildResource(
  group: string,
  version: string,
  r: DiscoveryResource,
  schemas: Readonly<Record<string, Schema>>,
): ResourceModel {
  const kindName = r.responseKind?.kind ?? '';
  const kindSchema = findKind(schemas, group, version, kindName);
  if (kindSchema === undefined) throw new Error(`codegen: no schema for ${group}/${version} ${kindName}`);
  const listSchema = findKind(schemas, group, version, `${kindName}List`);
  const subresources: SubresourceModel[] = [];
  for (const sub of r.subresources ?? []) {
    if (!supportedSubresources.has(sub.subresource)) continue;
    const k = sub.responseKind;
    const subGroup = k === undefined || (k.group === '' && k.kind === kindName) ? group : k.group;
    const subVersion = k?.version || (subGroup === group ? version : '');
    const schema = findKind(schemas, subGroup, subVersion, k?.kind ?? kindName);
    if (schema === undefined) throw new Error(`codegen: no schema for ${r.resource}/${sub.subresource}`);
    subresources.push({
      name: sub.subresource as SubresourceModel['name'],
      verbs: sub.verbs,
      kind: typeRefOf(schema),
    });
  }
  return {
    resource: r.resource,
    method: methodName(r.resource, kindName),
    namespaced: r.scope === 'Namespaced',
    verbs: [...r.verbs].sort(),
    kindName,
    kind: typeRefOf(kindSchema),
    list: listSchema === undefined ? undefined : typeRefOf(listSchema),
    subresources: subresources.sort((a, b) => cmp(a.name, b.name)),
  };
}
