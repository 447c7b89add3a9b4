/** Checks parsed CRD documents field by field, turning each into the narrow shape the generator reads. */
import { CodegenInputError } from './errors.ts';
import type { Schema } from './model.ts';

/** One served version of a CRD, as the generator reads it. */
export interface CrdVersion {
  readonly name: string;
  readonly schema: Schema;
  readonly status: boolean;
  readonly scale: boolean;
}

/** A CRD, as the generator reads it, with where it came from. */
export interface CrdInput {
  /** Where errors say it is: `dir/file.yaml` (document N when the file holds several), or `cluster <host>`. */
  readonly source: string;
  /** What generated files say they come from: `file.yaml`, or `cluster <host>`. */
  readonly origin: string;
  /** `metadata.name`: `<plural>.<group>`. */
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** The served versions only: unserved ones have no endpoint for a client to call. */
  readonly versions: readonly CrdVersion[];
}

const schemaTypes = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

type Fail = (field: string | undefined, problem: string) => never;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '') fail(field, 'must be a non-empty string');
  return value as string;
}

/** Checks the parts of a JSON schema the renderer reads, recursively; returns it typed. */
export function checkSchema(value: unknown, field: string, fail: Fail): Schema {
  if (!isRecord(value)) return fail(field, 'must be a schema object');
  const { type, properties, items, additionalProperties, required, oneOf, anyOf, allOf } = value;
  if (type !== undefined && (typeof type !== 'string' || !schemaTypes.has(type))) {
    fail(`${field}.type`, `unknown type ${JSON.stringify(type)} (one of ${[...schemaTypes].join(', ')})`);
  }
  if (type === 'array' && items === undefined) fail(`${field}.items`, 'an array needs an items schema');
  if (properties !== undefined) {
    if (!isRecord(properties)) fail(`${field}.properties`, 'must map field names to schemas');
    for (const [key, prop] of Object.entries(properties as Record<string, unknown>)) {
      checkSchema(prop, `${field}.properties.${key}`, fail);
    }
  }
  if (items !== undefined) checkSchema(items, `${field}.items`, fail);
  if (additionalProperties !== undefined && typeof additionalProperties !== 'boolean') {
    checkSchema(additionalProperties, `${field}.additionalProperties`, fail);
  }
  if (required !== undefined && (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))) {
    fail(`${field}.required`, 'must be a list of field names');
  }
  if (value.enum !== undefined && !Array.isArray(value.enum)) fail(`${field}.enum`, 'must be a list of values');
  for (const [name, branches] of [
    ['oneOf', oneOf],
    ['anyOf', anyOf],
    ['allOf', allOf],
  ] as const) {
    if (branches === undefined) continue;
    if (!Array.isArray(branches)) fail(`${field}.${name}`, 'must be a list of schemas');
    (branches as unknown[]).forEach((branch, i) => {
      checkSchema(branch, `${field}.${name}[${i}]`, fail);
    });
  }
  return value as Schema;
}

function checkVersion(value: unknown, field: string, fail: Fail): CrdVersion | undefined {
  if (!isRecord(value)) return fail(field, 'must be an object');
  const name = text(value.name, `${field}.name`, fail);
  if (value.served === false) return undefined;
  const validation = value.schema;
  if (!isRecord(validation) || validation.openAPIV3Schema === undefined) {
    fail(`${field}.schema.openAPIV3Schema`, `version ${name} has no schema (apiextensions.k8s.io/v1 requires one)`);
  }
  const schema = checkSchema(
    (validation as Record<string, unknown>).openAPIV3Schema,
    `${field}.schema.openAPIV3Schema`,
    fail,
  );
  const subresources = isRecord(value.subresources) ? value.subresources : {};
  return { name, schema, status: subresources.status !== undefined, scale: subresources.scale !== undefined };
}

/**
 * Checks one parsed document; undefined when it is no CRD (a bundle's other objects are skipped).
 *
 * @throws CodegenInputError naming `source`, the CRD and the field for a CRD the generator cannot read.
 */
export function checkCrd(doc: unknown, source: string, origin = source): CrdInput | undefined {
  if (!isRecord(doc) || doc.kind !== 'CustomResourceDefinition') return undefined;
  const early: Fail = (field, problem) => {
    throw new CodegenInputError(source, undefined, field, problem);
  };
  if (doc.apiVersion !== 'apiextensions.k8s.io/v1') {
    early('apiVersion', `${String(doc.apiVersion)} is not supported: convert the CRD to apiextensions.k8s.io/v1`);
  }
  const name = isRecord(doc.metadata) ? text(doc.metadata.name, 'metadata.name', early) : early('metadata', 'missing');
  const fail: Fail = (field, problem) => {
    throw new CodegenInputError(source, name, field, problem);
  };
  const spec = isRecord(doc.spec) ? doc.spec : fail('spec', 'missing');
  const names = isRecord(spec.names) ? spec.names : fail('spec.names', 'missing');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') fail('spec.scope', 'must be Namespaced or Cluster');
  if (!Array.isArray(spec.versions) || spec.versions.length === 0)
    fail('spec.versions', 'must list at least one version');
  const versions = (spec.versions as unknown[]).flatMap((v, i) => checkVersion(v, `spec.versions[${i}]`, fail) ?? []);
  if (versions.length === 0) fail('spec.versions', 'no version is served');
  const kind = text(names.kind, 'spec.names.kind', fail);
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) fail('spec.names.kind', `${kind} is not a valid kind (letters and digits)`);
  return {
    source,
    origin,
    name,
    group: text(spec.group, 'spec.group', fail),
    kind,
    plural: text(names.plural, 'spec.names.plural', fail),
    namespaced: spec.scope === 'Namespaced',
    versions,
  };
}
