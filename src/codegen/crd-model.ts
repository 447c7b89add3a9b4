/** Models CRDs as generator modules: one per group/version, with its flattened schemas and typed-client model. */
import { typeRefOf } from './builtin-model.ts';
import type { CrdInput } from './crd-input.ts';
import { flattenKind, TypeNames } from './crd-schema.ts';
import { CodegenInputError } from './errors.ts';
import { cmp, type GroupVersionModel, methodName, type ResourceModel, type Schema } from './model.ts';
import type { TypeScope } from './render-types.ts';

/** One output module: a group/version of one or more CRDs. */
export interface CrdModule {
  readonly model: GroupVersionModel;
  /** The flattened declarations, keyed `<module>.<Type>`. */
  readonly schemas: Readonly<Record<string, Schema>>;
  /** The CRDs (`metadata.name`) and origins (files, cluster) it was generated from, sorted. */
  readonly crds: readonly string[];
  readonly origins: readonly string[];
}

/** `cert-manager.io`, `v1` → `cert-manager-io-v1`. */
export function crdModuleName(group: string, version: string): string {
  return `${group.replaceAll('.', '-')}-${version}`;
}

/** CRD modules' types: local declarations by `<module>.<Type>`, meta/v1 and autoscaling/v1 from kubeloop itself. */
export const crdTypes: TypeScope = {
  refOf: (name) => {
    if (name.startsWith('io.k8s.')) return typeRefOf(name);
    const cut = name.indexOf('.');
    return { module: name.slice(0, cut), name: name.slice(cut + 1) };
  },
  typesPath: (from, target) => (from === target ? './types.js' : `kubeloop/client/kubernetes/${target}`),
  // A CRD's enum is its own contract, and the apiserver enforces it: literal unions catch typos at compile time.
  literalEnums: true,
  defaults: true,
  hand: {},
};

// Every verb a custom resource serves, as discovery lists them.
const crdVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const subresourceVerbs = ['get', 'patch', 'update'];

function resourceModel(crd: CrdInput, module: string, status: boolean, scale: boolean): ResourceModel {
  const kind = { module, name: crd.kind };
  return {
    resource: crd.plural,
    method: methodName(crd.plural, crd.kind),
    namespaced: crd.namespaced,
    verbs: crdVerbs,
    kindName: crd.kind,
    kind,
    list: { module, name: `${crd.kind}List` },
    subresources: [
      ...(scale
        ? [{ name: 'scale' as const, verbs: subresourceVerbs, kind: { module: 'autoscaling-v1', name: 'Scale' } }]
        : []),
      ...(status ? [{ name: 'status' as const, verbs: subresourceVerbs, kind }] : []),
    ],
  };
}

/**
 * Groups the CRDs' served versions into modules, names every nested object and builds each module's client model.
 *
 * @throws CodegenInputError when two inputs define the same CRD.
 */
export function crdModules(crds: readonly CrdInput[]): CrdModule[] {
  const byName = new Map<string, CrdInput>();
  for (const crd of crds) {
    const other = byName.get(crd.name);
    if (other !== undefined)
      throw new CodegenInputError(crd.source, crd.name, undefined, `also defined in ${other.source}`);
    byName.set(crd.name, crd);
  }
  const grouped = new Map<
    string,
    { group: string; version: string; members: { crd: CrdInput; v: CrdInput['versions'][number] }[] }
  >();
  for (const crd of [...crds].sort((a, b) => cmp(a.name, b.name))) {
    for (const v of crd.versions) {
      const module = crdModuleName(crd.group, v.name);
      const entry = grouped.get(module) ?? { group: crd.group, version: v.name, members: [] };
      if (entry.group !== crd.group) {
        const problem = `groups ${entry.group} and ${crd.group} would share module ${module}`;
        throw new CodegenInputError(crd.source, crd.name, 'spec.group', problem);
      }
      entry.members.push({ crd, v });
      grouped.set(module, entry);
    }
  }
  return [...grouped.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([module, { group, version, members }]) => {
      const names = new TypeNames();
      for (const { crd } of members) {
        names.reserve(crd.kind);
        names.reserve(`${crd.kind}List`);
      }
      const schemas: Record<string, Schema> = {};
      for (const { crd, v } of members) flattenKind(v.schema, crd.kind, module, names, schemas);
      const resources = members.map(({ crd, v }) => resourceModel(crd, module, v.status, v.scale));
      return {
        model: { group, version, module, resources: resources.sort((a, b) => cmp(a.method, b.method)) },
        schemas,
        crds: members.map(({ crd }) => crd.name),
        origins: [...new Set(members.map(({ crd }) => crd.origin))].sort(cmp),
      };
    });
}
