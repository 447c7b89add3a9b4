/** Prunes, defaults and validates custom resources against their CRD's structural schema, as the apiserver does. */
import type { Validator } from './context.js';
import { isRecord, metaOf } from './objects.js';
import { type FieldError, invalid } from './status.js';

type Schema = Record<string, unknown>;

/**
 * Checks a custom resource: unknown fields are pruned (unless `x-kubernetes-preserve-unknown-fields`), missing
 * fields with a `default` are filled, then `type`, `required`, `enum`, `minimum`/`maximum`, `minLength`/`maxLength`,
 * `minItems`/`maxItems` and `pattern` are enforced; failures answer 422 Invalid with one cause per field.
 * CEL rules (`x-kubernetes-validations`) and formats are not evaluated.
 */
export const validateCustomResource: Validator = (type, object) => {
  const schema = type.custom?.schema;
  if (!isRecord(schema)) return;
  const errors: FieldError[] = [];
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
    const child = properties[key];
    if (!isRecord(child)) {
      if (schema['x-kubernetes-preserve-unknown-fields'] !== true) delete object[key];
      continue;
    }
    object[key] = walk(child, value, key, errors);
  }
  applyDefaults(schema, object, '', errors, true);
  if (errors.length > 0) throw invalid(type.kind, type.group, metaOf(object).name ?? '', errors);
};

function walk(schema: Schema, value: unknown, path: string, errors: FieldError[]): unknown {
  if (value === null && schema.nullable === true) return value;
  const expected = schema.type;
  if (typeof expected === 'string' && !hasType(value, expected)) {
    const actual = typeName(value);
    errors.push({
      type: 'FieldValueInvalid',
      field: path,
      detail: `Invalid value: "${actual}": ${path} in body must be of type ${expected}: "${actual}"`,
    });
    return value;
  }
  checkScalar(schema, value, path, errors);
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : undefined;
    const additional = isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = properties?.[key] ?? additional;
      if (isRecord(childSchema)) value[key] = walk(childSchema, child, `${path}.${key}`, errors);
      else if (properties && schema['x-kubernetes-preserve-unknown-fields'] !== true) delete value[key];
    }
    applyDefaults(schema, value, path, errors, false);
  }
  if (Array.isArray(value) && isRecord(schema.items)) {
    const items = schema.items;
    return value.map((item, i) => walk(items, item, `${path}[${i}]`, errors));
  }
  return value;
}

function applyDefaults(
  schema: Schema,
  value: Record<string, unknown>,
  path: string,
  errors: FieldError[],
  root: boolean,
): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, child] of Object.entries(properties)) {
    if (value[key] === undefined && isRecord(child) && child.default !== undefined)
      value[key] = structuredClone(child.default);
  }
  for (const key of Array.isArray(schema.required) ? schema.required : []) {
    if (value[String(key)] === undefined) {
      errors.push({
        type: 'FieldValueRequired',
        field: root ? String(key) : `${path}.${String(key)}`,
        detail: 'Required value',
      });
    }
  }
}

function checkScalar(schema: Schema, value: unknown, path: string, errors: FieldError[]): void {
  const fail = (detail: string): void => {
    errors.push({
      type: 'FieldValueInvalid',
      field: path,
      detail: `Invalid value: ${JSON.stringify(value)}: ${path} in body ${detail}`,
    });
  };
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    const supported = schema.enum.map((option) => JSON.stringify(option)).join(', ');
    errors.push({
      type: 'FieldValueNotSupported',
      field: path,
      detail: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}`,
    });
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      fail(`should be greater than or equal to ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      fail(`should be less than or equal to ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      fail(`should be at least ${schema.minLength} chars long`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      fail(`may not be more than ${schema.maxLength} bytes long`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      fail(`should match '${schema.pattern}'`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      fail(`should have at least ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      fail(`must have at most ${schema.maxItems} items`);
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
