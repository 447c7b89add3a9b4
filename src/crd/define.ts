/** Defines a custom resource once: its CRD manifest, object type and typed client all come from one TypeBox definition. */
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
} from '../client/kubernetes/apiextensions-v1/types.js';
import type { GroupVersionKind, GroupVersionResource, KubeObject } from '../client/meta.js';
import type { RESTClient } from '../client/rest/rest-client.js';
import type { ResourceDescriptor } from '../client/typed/resource-client.js';
import { CustomResourceRESTClient } from './client.js';
import { CustomResourceDefinitionError } from './errors.js';
import { type Fail, toStructural } from './structural.js';
import type {
  CustomResourceClient,
  CustomResourceOptions,
  CustomResourceVersionOptions,
  NamespaceArgument,
  StorageVersion,
  VersionName,
} from './types.js';
import { checkPaths, checkVersions, resolveNames } from './validate.js';

/**
 * One version of a defined custom resource: its identity and its typed client.
 *
 * Guarantees: immutable; `client()` is cheap and stateless (a new client object on the given RESTClient each call).
 *
 * @typeParam O - the definition's options, as `defineCustomResource` inferred them.
 * @typeParam N - the version name.
 */
export interface CustomResourceVersion<O extends CustomResourceOptions, N extends string> {
  /** The version name, e.g. `v1`. */
  readonly version: N;
  /** `<group>/<version>`, as objects of this version carry it. */
  readonly apiVersion: `${O['group']}/${N}`;
  readonly kind: O['kind'];
  readonly groupVersionKind: GroupVersionKind;
  /** For the dynamic client and `factory.forResource`. */
  readonly groupVersionResource: GroupVersionResource;
  /** What the typed client serves. */
  readonly descriptor: ResourceDescriptor;
  /**
   * The typed client of this version in `namespace` (absent: list and watch across all namespaces); a
   * cluster-scoped resource takes no namespace. For informers: `factory.forClient((ns) => Widgets.client(rest, ns))`.
   */
  client(rest: RESTClient, ...namespace: NamespaceArgument<O>): CustomResourceClient<O, N>;
}

/**
 * A defined custom resource: the CRD manifest to install, and (as its storage version) the identity and typed
 * client of its objects; `forVersion(name)` gives another version's.
 *
 * Guarantees: the definition was checked when it was made (names, versions, structural schemas, subresource
 * paths), so `manifest()` is a CRD the apiserver accepts unless a CEL rule or a default fails the server's own
 * compilation; immutable and safe to share.
 *
 * @typeParam O - the definition's options, as `defineCustomResource` inferred them (literal group, kind, versions).
 */
export interface CustomResource<O extends CustomResourceOptions> extends CustomResourceVersion<O, StorageVersion<O>> {
  /** The options the resource was defined with (for `CustomResourceOf` and friends). */
  readonly options: O;
  /** The CRD's name: `<plural>.<group>`. */
  readonly name: string;
  readonly group: O['group'];
  readonly scope: O['scope'];
  /** The names the apiserver serves, defaults filled in (plural, singular, listKind, shortNames, categories). */
  readonly names: Readonly<CustomResourceDefinitionNames>;
  /** The `apiextensions.k8s.io/v1` CustomResourceDefinition; a new object on each call, the caller's to change. */
  manifest(): CustomResourceDefinition;
  /** The version named `name`. */
  forVersion<V extends VersionName<O>>(name: V): CustomResourceVersion<O, V>;
}

/**
 * Defines a custom resource from TypeBox schemas: one definition gives the CRD manifest
 * (`Widgets.manifest()`), the object type (`CustomResourceOf<typeof Widgets>`) and the typed client
 * (`Widgets.client(rest, namespace)`).
 *
 * @throws CustomResourceDefinitionError naming the field, for a definition the apiserver would refuse: a bad
 * group or name, no or two storage versions, a schema that is not structural, a scale path, printer column or
 * selectable field the schema lacks.
 */
export function defineCustomResource<const O extends CustomResourceOptions>(options: O): CustomResource<O> {
  const fail: Fail = (field, problem) => {
    throw new CustomResourceDefinitionError(options.kind, field, problem);
  };
  const names = resolveNames(options, fail);
  checkVersions(options.versions, fail);
  const versions = options.versions.map((v, i) => manifestVersion(v, `versions[${i}]`, fail));
  // A copy: later changes to the caller's TypeBox schemas (a default, a rule list) must not reach the manifest.
  const manifest: CustomResourceDefinition = structuredClone({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${options.group}` },
    spec: { group: options.group, names, scope: options.scope, versions },
  });
  const storage = options.versions.find((v) => v.storage)?.name as StorageVersion<O>;
  const versionOf = <V extends string>(version: V): CustomResourceVersion<O, V> =>
    versionHandle(options, names.plural, version);
  return Object.freeze({
    ...versionOf(storage),
    options,
    name: `${names.plural}.${options.group}`,
    group: options.group,
    scope: options.scope,
    names: Object.freeze({ ...names }),
    manifest: () => structuredClone(manifest),
    forVersion: <V extends VersionName<O>>(name: V): CustomResourceVersion<O, V> => {
      if (!options.versions.some((v) => v.name === name))
        fail('forVersion', `"${name}" is not a version of ${options.kind}`);
      return versionOf(name);
    },
  });
}

/** The CRD's entry for one version: its structural schema, subresources, columns and selectable fields. */
function manifestVersion(
  version: CustomResourceVersionOptions,
  at: string,
  fail: Fail,
): CustomResourceDefinitionVersion {
  const openAPIV3Schema = rootSchema(version, at, fail);
  checkPaths(version, openAPIV3Schema, at, fail);
  const out: CustomResourceDefinitionVersion = {
    name: version.name,
    served: version.served,
    storage: version.storage,
    schema: { openAPIV3Schema },
  };
  if (version.deprecated !== undefined) out.deprecated = version.deprecated;
  if (version.deprecationWarning !== undefined) out.deprecationWarning = version.deprecationWarning;
  if (version.schema.status !== undefined || version.scale !== undefined) {
    out.subresources = {
      ...(version.schema.status === undefined ? {} : { status: {} }),
      ...(version.scale === undefined ? {} : { scale: { ...version.scale } }),
    };
  }
  if (version.printerColumns !== undefined && version.printerColumns.length > 0) {
    out.additionalPrinterColumns = version.printerColumns.map((c) => ({ ...c }));
  }
  if (version.selectableFields !== undefined && version.selectableFields.length > 0) {
    out.selectableFields = version.selectableFields.map((jsonPath) => ({ jsonPath }));
  }
  return out;
}

/** The whole object's schema: apiVersion, kind and metadata left to the server, then spec and status. */
function rootSchema(version: CustomResourceVersionOptions, at: string, fail: Fail): JSONSchemaProps {
  const spec = toStructural(version.schema.spec, `${at}.schema.spec`, fail);
  if (spec.type !== 'object') fail(`${at}.schema.spec`, 'must be an object (Type.Object)');
  const properties: Record<string, JSONSchemaProps> = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec,
  };
  if (version.schema.status !== undefined) {
    const status = toStructural(version.schema.status, `${at}.schema.status`, fail);
    if (status.type !== 'object') fail(`${at}.schema.status`, 'must be an object (Type.Object)');
    properties.status = status;
  }
  return { type: 'object', required: ['spec'], properties };
}

function versionHandle<O extends CustomResourceOptions, V extends string>(
  options: O,
  plural: string,
  version: V,
): CustomResourceVersion<O, V> {
  const { group, kind } = options;
  const namespaced = options.scope === 'Namespaced';
  const descriptor: ResourceDescriptor = { group, version, resource: plural, kind, namespaced };
  return Object.freeze({
    version,
    apiVersion: `${group}/${version}` as `${O['group']}/${V}`,
    kind,
    groupVersionKind: { group, version, kind },
    groupVersionResource: { group, version, resource: plural },
    descriptor,
    client: (rest: RESTClient, ...namespace: NamespaceArgument<O>) =>
      new CustomResourceRESTClient<KubeObject>(rest, descriptor, namespace[0]) as unknown as CustomResourceClient<O, V>,
  });
}
