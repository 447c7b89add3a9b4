/** Declares what a custom resource definition takes, and the object and client types derived from it. */
import type { Static, TObject, TSchema } from 'typebox';
import type { Scale } from '../client/kubernetes/autoscaling-v1/types.js';
import type { ObjectMeta } from '../client/kubernetes/meta-v1/types.js';
import type { KubeList } from '../client/meta.js';
import type { ApplyConfiguration } from '../client/typed/apply-configuration.js';
import type { ApplyOptions, GetOptions, PatchOptions, UpdateOptions } from '../client/typed/options.js';
import type { PatchFormat, ResourceClient } from '../client/typed/resource-client.js';

/** Where objects of the resource live: in namespaces, or once per cluster. */
export type ResourceScope = 'Namespaced' | 'Cluster';

/** The types a printer column may have (what `kubectl get` prints). */
export type PrinterColumnType = 'integer' | 'number' | 'string' | 'boolean' | 'date';

/** A column `kubectl get` prints (`additionalPrinterColumns`). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: PrinterColumnType;
  /** A simple JSON path into the object: `.spec.replicas`, `.metadata.creationTimestamp`. */
  readonly jsonPath: string;
  readonly description?: string;
  readonly format?: 'int32' | 'int64' | 'float' | 'double' | 'byte' | 'date' | 'date-time' | 'password';
  /** 0 (default) shows in the standard view; higher only with `-o wide`. */
  readonly priority?: number;
}

/** The scale subresource: where the replica counts (and the pod selector, for autoscalers) live in the object. */
export interface ScaleDefinition {
  /** An integer field under `.spec`, e.g. `.spec.replicas`. */
  readonly specReplicasPath: `.spec.${string}`;
  /** An integer field under `.status`, e.g. `.status.replicas`. */
  readonly statusReplicasPath: `.status.${string}`;
  /** A string field holding a serialized label selector, e.g. `.status.selector`. */
  readonly labelSelectorPath?: `.spec.${string}` | `.status.${string}`;
}

/** The schemas of one version: `spec` always, and `status`, which also turns on the status subresource. */
export interface VersionSchema {
  readonly spec: TObject;
  readonly status?: TObject;
}

/** One version of a custom resource. */
export interface CustomResourceVersionOptions {
  /** `v1`, `v1beta1`, … */
  readonly name: string;
  /** Whether the apiserver serves this version. */
  readonly served: boolean;
  /** Whether objects are stored in this version; exactly one version is. */
  readonly storage: boolean;
  /** The TypeBox schemas; a `status` schema serves the status subresource. */
  readonly schema: VersionSchema;
  /** Serves the scale subresource (`kubectl scale`, HorizontalPodAutoscaler). */
  readonly scale?: ScaleDefinition;
  readonly printerColumns?: readonly PrinterColumn[];
  /** JSON paths of string, integer or boolean fields usable in field selectors (`.spec.color`); at most 8. */
  readonly selectableFields?: readonly string[];
  readonly deprecated?: boolean;
  /** The warning a client of a deprecated version gets instead of the default one. */
  readonly deprecationWarning?: string;
}

/** The argument of `defineCustomResource`. */
export interface CustomResourceOptions {
  /** The API group, a DNS subdomain with at least one dot: `example.com`. */
  readonly group: string;
  /** The kind, CamelCase and singular: `Widget`. */
  readonly kind: string;
  /** Default: the lowercased kind, pluralized in English (`widgets`, `policies`, `boxes`). */
  readonly plural?: string;
  /** Default: the lowercased kind. */
  readonly singular?: string;
  /** Default: kind + `List`. */
  readonly listKind?: string;
  readonly shortNames?: readonly string[];
  /** Groups the resource joins (`all` puts it in `kubectl get all`). */
  readonly categories?: readonly string[];
  readonly scope: ResourceScope;
  readonly versions: readonly CustomResourceVersionOptions[];
}

/** The version names of a definition. */
export type VersionName<O extends CustomResourceOptions> = O['versions'][number]['name'];

/** The options of the version named `N`. */
export type VersionOf<O extends CustomResourceOptions, N extends string> = Extract<
  O['versions'][number],
  { readonly name: N }
>;

/** The name of the storage version (every version name when `storage` is not a literal `true`). */
export type StorageVersion<O extends CustomResourceOptions> = Extract<
  O['versions'][number],
  { readonly storage: true }
>['name'] extends infer S extends string
  ? [S] extends [never]
    ? VersionName<O>
    : S
  : never;

/**
 * The status type of a version: its schema's static type, or `never` for a version without status.
 *
 * @inline
 */
type StatusOf<V> = V extends { readonly schema: { readonly status: infer S extends TSchema } } ? Static<S> : never;

/**
 * The object type of version `N` of a definition: `spec` (and `status`) typed by their TypeBox schemas,
 * `metadata` the Kubernetes ObjectMeta, `apiVersion` and `kind` optional (typed clients fill them in).
 *
 * @typeParam O - the definition's options.
 * @typeParam N - a version name (default: the storage version).
 */
export interface CustomResourceObject<O extends CustomResourceOptions, N extends string = StorageVersion<O>> {
  apiVersion?: `${O['group']}/${N}`;
  kind?: O['kind'];
  metadata?: ObjectMeta;
  spec: Static<VersionOf<O, N>['schema']['spec']>;
  /** Absent (`never`) when the version has no status schema. */
  status?: StatusOf<VersionOf<O, N>>;
}

/**
 * The object type of a defined resource, by default of its storage version:
 * `type Widget = CustomResourceOf<typeof Widgets>`, `CustomResourceOf<typeof Widgets, 'v1beta1'>`.
 *
 * @typeParam R - what `defineCustomResource` returned.
 * @typeParam N - a version name.
 */
export type CustomResourceOf<
  R extends { readonly options: CustomResourceOptions },
  N extends VersionName<R['options']> = StorageVersion<R['options']>,
> = CustomResourceObject<R['options'], N>;

/** The status subresource of a typed client: writes that change only `status`. */
export interface StatusSubresourceClient<T> {
  /** Replaces the status of an object (named by its `metadata.name`) through `/status`; other fields are ignored. */
  updateStatus(object: T, options?: UpdateOptions): Promise<T>;
  /** Patches the status of the named object through `/status`. */
  patchStatus(name: string, format: PatchFormat, patch: unknown, options?: PatchOptions): Promise<T>;
  /** Server-side applies the status fields of `configuration` through `/status`. */
  applyStatus(configuration: ApplyConfiguration<T>, options: ApplyOptions): Promise<T>;
}

/** The scale subresource of a typed client: the replica count as an autoscaling/v1 Scale. */
export interface ScaleSubresourceClient {
  /** Reads the scale of the named object. */
  getScale(name: string, options?: GetOptions): Promise<Scale>;
  /** Replaces the scale: sets the replicas without touching the rest of the object. */
  updateScale(name: string, scale: Scale, options?: UpdateOptions): Promise<Scale>;
  /** Patches the scale of the named object. */
  patchScale(name: string, format: PatchFormat, patch: unknown, options?: PatchOptions): Promise<Scale>;
}

/**
 * The typed client of version `N`: every verb of ResourceClient, plus the status methods when the version has a
 * status schema and the scale methods when it has a scale subresource.
 */
export type CustomResourceClient<
  O extends CustomResourceOptions,
  N extends string = StorageVersion<O>,
> = ResourceClient<CustomResourceObject<O, N>, KubeList<CustomResourceObject<O, N>>> &
  (VersionOf<O, N> extends { readonly schema: { readonly status: TSchema } }
    ? StatusSubresourceClient<CustomResourceObject<O, N>>
    : unknown) &
  (VersionOf<O, N> extends { readonly scale: ScaleDefinition } ? ScaleSubresourceClient : unknown);

/** The namespace argument of `client()`: one optional namespace for a namespaced resource, none otherwise. */
export type NamespaceArgument<O extends CustomResourceOptions> = O['scope'] extends 'Namespaced'
  ? [namespace?: string]
  : [];
