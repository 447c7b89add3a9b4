/** Translates a TypeBox (JSON Schema) type into the structural OpenAPI v3 schema a CustomResourceDefinition needs. */
import type { JSONSchemaProps } from '../client/kubernetes/apiextensions-v1/types.js';

/** Reports a problem at a field of the definition; never returns. */
export type Fail = (field: string, problem: string) => never;

type Node = Record<string, unknown>;

/** Keys copied as they are: JSON Schema's value checks and annotations, and the apiserver's `x-kubernetes-*`. */
const copied = new Set([
  'description',
  'title',
  'format',
  'default',
  'example',
  'externalDocs',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'multipleOf',
  'maxProperties',
  'minProperties',
  'nullable',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
]);

/** Keys that only describe a value: a schema made of nothing else accepts any value. */
const annotations = new Set(['description', 'title', 'default', 'example', 'externalDocs', 'nullable']);

const scalarTypes = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The structural form of `schema`: TypeBox's hidden `~` keys dropped, records as `additionalProperties`, literal
 * unions and `const` as `enum`, `T | null` as `nullable`, `integer | string` as `x-kubernetes-int-or-string`,
 * `Type.Unknown()` as `x-kubernetes-preserve-unknown-fields`, numeric `exclusiveMinimum` as OpenAPI's boolean.
 * Anything else the apiserver would refuse (other unions, intersections, tuples, `$ref`, `uniqueItems`) fails at
 * `field`, as does a misused `x-kubernetes-*` extension.
 */
export function toStructural(schema: unknown, field: string, fail: Fail): JSONSchemaProps {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return fail(field, 'is not a schema (build it with TypeBox: Type.Object, Type.String, …)');
  }
  const node = visible(schema as Node);
  if ('anyOf' in node || 'oneOf' in node) return union(node, field, fail);
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    translateKey(out, node, key, value, field, fail);
  }
  if (out.type === undefined) out.type = impliedType(node, out, field, fail);
  if (out.type === undefined) delete out.type;
  checkExtensions(out, field, fail);
  return out as JSONSchemaProps;
}

/** Copies or translates one key of `node` into `out`. */
function translateKey(out: Node, node: Node, key: string, value: unknown, field: string, fail: Fail): void {
  const at = `${field}.${key}`;
  switch (key) {
    case 'type':
      if (typeof value !== 'string') fail(at, 'a list of types is not structural: use one type');
      if (value === 'null') fail(at, 'null is not a type here: use Type.Union([T, Type.Null()]) for nullable');
      out.type = value;
      return;
    case 'properties':
      out.properties = properties(value as Node, at, fail);
      return;
    case 'required':
      if (Array.isArray(value) && value.length > 0) out.required = [...value];
      return;
    case 'items':
      if (Array.isArray(value)) fail(at, 'tuples are not structural: use Type.Array');
      out.items = toStructural(value, at, fail);
      return;
    case 'additionalProperties':
      additionalProperties(out, node, value, at, fail);
      return;
    case 'patternProperties':
      out.additionalProperties = recordValues(value as Node, at, fail);
      return;
    case 'const':
      out.enum = [value];
      return;
    case 'enum':
      out.enum = [...(value as unknown[])];
      return;
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      exclusiveBound(out, node, key, value, at, fail);
      return;
    case 'uniqueItems':
      if (value === true) fail(at, 'the apiserver refuses uniqueItems: use KubeType.ListSet');
      return;
    default:
      if (!copied.has(key)) fail(at, unsupported(key));
      out[key] = value;
  }
}

function unsupported(key: string): string {
  if (key === 'allOf') return 'intersections are not structural: merge the objects (Type.Evaluate) instead';
  if (key === 'not' || key.startsWith('$') || key === 'definitions') return `${key} is not supported in a CRD schema`;
  if (key === 'prefixItems' || key === 'additionalItems') return 'tuples are not structural: use Type.Array';
  return `${key} is not a keyword a CRD schema accepts`;
}

function properties(value: Node, field: string, fail: Fail): Record<string, JSONSchemaProps> {
  const out: Record<string, JSONSchemaProps> = {};
  for (const [name, property] of Object.entries(value)) out[name] = toStructural(property, `${field}.${name}`, fail);
  return out;
}

/** `Type.Record(Type.String(), V)` builds `patternProperties: { '^.*$': V }`; the apiserver needs a map schema. */
function recordValues(value: Node, field: string, fail: Fail): JSONSchemaProps {
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length !== 1 || first === undefined || first[0] !== '^.*$') {
    return fail(field, 'only Type.Record(Type.String(), V) maps are supported: the apiserver has no key patterns');
  }
  return toStructural(first[1], `${field}.${first[0]}`, fail);
}

/** Objects with properties keep unknown fields only through `x-kubernetes-preserve-unknown-fields`. */
function additionalProperties(out: Node, node: Node, value: unknown, field: string, fail: Fail): void {
  const hasProperties = Object.keys((node.properties as Node | undefined) ?? {}).length > 0;
  if (value === true) out['x-kubernetes-preserve-unknown-fields'] = true;
  // The apiserver prunes unknown fields of an object with properties, so `false` says nothing more.
  else if (value === false) return;
  else if (hasProperties) fail(field, 'an object has either properties or additionalProperties, not both');
  else out.additionalProperties = toStructural(value, field, fail);
}

/** JSON Schema 6+ writes `exclusiveMinimum: 5`; OpenAPI v3.0 (the apiserver) writes `minimum: 5, exclusiveMinimum: true`. */
function exclusiveBound(out: Node, node: Node, key: string, value: unknown, field: string, fail: Fail): void {
  if (typeof value === 'boolean') {
    out[key] = value;
    return;
  }
  const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
  if (node[bound] !== undefined) fail(field, `set either ${bound} or ${key}, not both`);
  out[bound] = value;
  out[key] = true;
}

/** The type a node without one has: from its enum, its shape, or none at all (any value, kept as is). */
function impliedType(node: Node, out: Node, field: string, fail: Fail): string | undefined {
  if (Array.isArray(out.enum)) return enumType(out.enum, field, fail);
  if (out.properties !== undefined || out.additionalProperties !== undefined) return 'object';
  if (out['x-kubernetes-int-or-string'] === true || out['x-kubernetes-preserve-unknown-fields'] === true) {
    return undefined;
  }
  if (Object.keys(node).every((key) => annotations.has(key))) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
    return undefined;
  }
  return fail(field, 'has no type: a structural schema gives every field one');
}

function enumType(values: readonly unknown[], field: string, fail: Fail): string {
  const types = new Set(values.map((v) => (Number.isInteger(v) ? 'integer' : typeof v)));
  if (types.has('number') && types.has('integer')) types.delete('integer');
  const [type] = types;
  if (types.size !== 1 || type === undefined || !scalarTypes.has(type)) {
    return fail(field, 'an enum needs values of one scalar type (string, integer, number or boolean)');
  }
  return type;
}

/** Unions the apiserver can represent: enums of literals, `T | null`, and int-or-string. */
function union(node: Node, field: string, fail: Fail): JSONSchemaProps {
  const key = 'anyOf' in node ? 'anyOf' : 'oneOf';
  const { [key]: branchList, ...outer } = node;
  const branches = (branchList as unknown[]).map((b, i) => visibleAt(b, `${field}.${key}[${i}]`, fail));
  const present = branches.filter((b) => b.type !== 'null');
  if (present.length < branches.length) outer.nullable = true;
  const [only] = present;
  if (present.length === 1 && only !== undefined) return toStructural({ ...only, ...outer }, field, fail);
  if (present.length > 0 && present.every(isLiteral)) {
    const values = present.flatMap((b) => (b.const !== undefined ? [b.const] : (b.enum as unknown[])));
    return toStructural({ ...outer, enum: values }, field, fail);
  }
  if (present.length === 2 && isIntOrString(present)) {
    const base = toStructural({ ...outer, 'x-kubernetes-int-or-string': true }, field, fail);
    return { ...base, anyOf: [{ type: 'integer' }, { type: 'string' }] };
  }
  return fail(
    field,
    'this union is not structural: a CRD schema takes enums of literals, T | null and integer | string; ' +
      'say the rest with KubeType.Validations (CEL rules)',
  );
}

function isLiteral(branch: Node): boolean {
  return branch.const !== undefined || (Array.isArray(branch.enum) && branch.properties === undefined);
}

function isIntOrString(branches: readonly Node[]): boolean {
  const types = branches.map((b) => (Object.keys(b).length === 1 ? b.type : undefined)).sort();
  return types[0] === 'integer' && types[1] === 'string';
}

/** The enumerable keys of a TypeBox type, without its `~` bookkeeping keys or undefined options. */
function visible(node: Node): Node {
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith('~') && value !== undefined) out[key] = value;
  }
  return out;
}

function visibleAt(branch: unknown, field: string, fail: Fail): Node {
  if (typeof branch !== 'object' || branch === null) return fail(field, 'is not a schema');
  return visible(branch as Node);
}

/** Checks the `x-kubernetes-*` extensions of one translated node, as the apiserver will. */
function checkExtensions(out: Node, field: string, fail: Fail): void {
  const listType = out['x-kubernetes-list-type'];
  if (listType !== undefined && out.type !== 'array') fail(field, 'x-kubernetes-list-type needs an array');
  const items = out.items as Node | undefined;
  if (listType === 'set' && !scalarTypes.has(String(items?.type))) {
    fail(field, 'a set list holds scalars (string, integer, number or boolean)');
  }
  const keys = out['x-kubernetes-list-map-keys'];
  if (listType === 'map' || keys !== undefined) checkListMap(listType, keys, items, field, fail);
  if (out['x-kubernetes-embedded-resource'] === true) {
    if (out.type !== 'object') fail(field, 'x-kubernetes-embedded-resource needs an object');
    if (out.properties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
      fail(field, 'an embedded resource needs properties or x-kubernetes-preserve-unknown-fields');
    }
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === false) {
    fail(field, 'x-kubernetes-preserve-unknown-fields is true or absent, never false');
  }
}

/** A map list: an array of objects whose key fields are scalars, each required or defaulted. */
function checkListMap(listType: unknown, keys: unknown, items: Node | undefined, field: string, fail: Fail): void {
  if (listType !== 'map') fail(field, 'x-kubernetes-list-map-keys needs x-kubernetes-list-type: map');
  if (!Array.isArray(keys) || keys.length === 0) fail(field, 'a map list needs x-kubernetes-list-map-keys');
  if (items?.type !== 'object') fail(field, 'a map list holds objects');
  const props = (items.properties ?? {}) as Record<string, Node>;
  const required = (items.required ?? []) as string[];
  for (const key of keys as string[]) {
    const prop = props[key];
    if (prop === undefined || !scalarTypes.has(String(prop.type))) {
      fail(field, `map key "${key}" must be a scalar property of the items`);
    }
    if (!required.includes(key) && prop.default === undefined) {
      fail(field, `map key "${key}" must be required or have a default`);
    }
  }
}

/**
 * The schema at a simple JSON path (`.spec.replicas`) under `root`: `'open'` when the path runs into a field that
 * keeps unknown content (so anything may be there), `undefined` when the schema has no such field.
 */
export function schemaAt(root: JSONSchemaProps, path: string): JSONSchemaProps | 'open' | undefined {
  let node: JSONSchemaProps | undefined = root;
  for (const segment of path.slice(1).split('.')) {
    if (node === undefined) return undefined;
    const next: JSONSchemaProps | undefined = node.properties?.[segment];
    if (next !== undefined) node = next;
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else if (node['x-kubernetes-preserve-unknown-fields'] === true || node.additionalProperties === true) return 'open';
    else return undefined;
  }
  return node;
}
