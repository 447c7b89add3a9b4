/** Names every object nested in a CRD version's schema, flattening it into the component map the renderer reads. */
import { cmp, type Schema } from './model.ts';

/** The `$ref` name of meta/v1 ObjectMeta, which every kind and embedded resource carries. */
export const objectMetaRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** The `$ref` name of meta/v1 ListMeta. */
export const listMetaRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/** Hands out the type names of one module, each once: a clash gets a numeric suffix (`WidgetSpec2`). */
export class TypeNames {
  private readonly taken = new Set<string>();

  /** Takes `name` for a declaration the caller names itself (a kind, its list). */
  reserve(name: string): void {
    this.taken.add(name);
  }

  /** Returns `base`, or `base2`, `base3`... whichever is free, and takes it. */
  allocate(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    return name;
  }
}

/** `private-key` → `PrivateKey`, `tls.crt` → `TlsCrt`; a leading digit gets `_`. */
export function pascalWords(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (joined === '') return 'Field';
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

const ref = (name: string) => `#/components/schemas/${name}`;

interface Flattening {
  readonly module: string;
  readonly names: TypeNames;
  readonly out: Record<string, Schema>;
}

/** Whether a schema becomes its own declaration: an object with fields, or an embedded resource. */
function isNamedObject(schema: Schema): boolean {
  if (schema['x-kubernetes-embedded-resource'] === true) return true;
  return schema.properties !== undefined && Object.keys(schema.properties).length > 0;
}

/** Replaces named objects at and under `schema` by `$ref`s to their declarations, named from `name`. */
function place(schema: Schema, name: string, f: Flattening): Schema {
  if (isNamedObject(schema)) {
    const typeName = f.names.allocate(name);
    f.out[`${f.module}.${typeName}`] = declare(schema, typeName, f);
    const { description, default: defaultValue, nullable } = schema;
    return {
      $ref: ref(`${f.module}.${typeName}`),
      ...(description === undefined ? {} : { description }),
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      ...(nullable === undefined ? {} : { nullable }),
    };
  }
  if (schema.items !== undefined) return { ...schema, items: place(schema.items, name, f) };
  if (typeof schema.additionalProperties === 'object') {
    return { ...schema, additionalProperties: place(schema.additionalProperties, name, f) };
  }
  return schema;
}

const apiVersionSchema: Schema = {
  type: 'string',
  description: 'The versioned schema of this object, `group/version`.',
};
const kindSchema: Schema = { type: 'string', description: 'The kind of this object.' };

/** Declares one object: its fields placed in turn; an embedded resource (or a kind) also gets TypeMeta and ObjectMeta. */
function declare(schema: Schema, typeName: string, f: Flattening, isKind = false): Schema {
  const placed: Record<string, Schema> = {};
  const resource = isKind || schema['x-kubernetes-embedded-resource'] === true;
  if (resource) {
    const given = schema.properties ?? {};
    placed.apiVersion = given.apiVersion ?? apiVersionSchema;
    placed.kind = given.kind ?? kindSchema;
    const metaDescription = given.metadata?.description;
    placed.metadata = {
      $ref: ref(objectMetaRef),
      ...(metaDescription === undefined ? {} : { description: metaDescription }),
    };
  }
  // Sorted, as the apiserver returns them (Go marshals maps sorted): a CRD read from a file or from the cluster
  // renders the same.
  for (const [key, prop] of Object.entries(schema.properties ?? {}).sort(([a], [b]) => cmp(a, b))) {
    if (resource && key in placed) continue;
    placed[key] = place(prop, typeName + pascalWords(key), f);
  }
  const sorted = Object.fromEntries(Object.entries(placed).sort(([a], [b]) => cmp(a, b)));
  return { ...schema, type: 'object', properties: sorted };
}

/**
 * Flattens a kind's schema into `out` (keys `<module>.<Type>`): the kind under its own name, each nested object as
 * `<Parent><Field>`, plus `<Kind>List`. The caller reserves the kind and list names in `names` first.
 */
export function flattenKind(root: Schema, kind: string, module: string, names: TypeNames, out: Record<string, Schema>) {
  const f: Flattening = { module, names, out };
  out[`${module}.${kind}`] = declare(root, kind, f, true);
  out[`${module}.${kind}List`] = {
    description: `A list of ${kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: apiVersionSchema,
      items: { type: 'array', items: { $ref: ref(`${module}.${kind}`) } },
      kind: kindSchema,
      metadata: { $ref: ref(listMetaRef) },
    },
  };
}
