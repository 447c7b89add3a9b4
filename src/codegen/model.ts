/** Declares what the generator renders: schemas, group/versions and resources, and how their names are spelled. */

/** An OpenAPI v3 (or CRD structural) schema, as far as the generator reads it. */
export interface Schema {
  readonly description?: string;
  readonly type?: string;
  readonly format?: string;
  readonly $ref?: string;
  readonly allOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
}

/** A group/version/kind as OpenAPI and discovery spell it. */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A type the generator emits: which module declares it, and its name there. */
export interface TypeRef {
  readonly module: string;
  readonly name: string;
}

/** A subresource the typed clients expose, with the type it sends and returns. */
export interface SubresourceModel {
  readonly name: 'status' | 'scale' | 'eviction' | 'binding' | 'log' | 'token';
  readonly verbs: readonly string[];
  readonly kind: TypeRef;
}

/** One resource of a group/version, as its group client exposes it. */
export interface ResourceModel {
  readonly resource: string;
  /** The accessor's name: the plural in camelCase (`persistentVolumeClaims`). */
  readonly method: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  /** The object's kind as the API names it (`Pod`), sent in `kind`. */
  readonly kindName: string;
  readonly kind: TypeRef;
  readonly list: TypeRef | undefined;
  readonly subresources: readonly SubresourceModel[];
}

/** One served group/version: its module and group client. */
export interface GroupVersionModel {
  readonly group: string;
  readonly version: string;
  /** The output folder, e.g. `networking-v1`. */
  readonly module: string;
  readonly resources: readonly ResourceModel[];
}

/** `core-v1` → `CoreV1`, `cert-manager-io-v1` → `CertManagerIoV1`. */
export function pascalModule(module: string): string {
  return module
    .split(/[-.]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** `IPAddress` → `ipAddress`, `CSIDriver` → `csiDriver`, `Pod` → `pod`. */
export function lowerFirstWord(name: string): string {
  const lead = /^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/.exec(name)?.[0] ?? '';
  return lead.toLowerCase() + name.slice(lead.length);
}

/** Camel-cases a lowercase plural using its kind's word breaks: (`networkpolicies`, `NetworkPolicy`) → `networkPolicies`. */
export function methodName(resource: string, kind: string): string {
  const camel = lowerFirstWord(kind);
  let common = 0;
  while (common < resource.length && common < camel.length && resource[common] === camel[common]?.toLowerCase()) {
    common++;
  }
  return camel.slice(0, common) + resource.slice(common);
}

/** Orders strings by code unit, as Go's sort does (locale-independent, so output is stable). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
