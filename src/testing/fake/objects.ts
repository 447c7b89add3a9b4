/** Reads and shapes object metadata for the fake API server: names, validation, deep copies and equality. */
import { randomBytes } from 'node:crypto';
import type { ResourceType } from './registry.js';
import { badRequest, type FieldError, invalid } from './status.js';
import type { Obj } from './store.js';

/** The metadata fields the fake reads and writes. */
export interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** The metadata of an object (an empty record when absent). */
export function metaOf(object: Obj): Meta {
  const meta = object.metadata;
  return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Meta) : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of plain JSON. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** Deep equality of plain JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a).filter((key) => a[key] !== undefined);
  if (keys.length !== Object.keys(b).filter((key) => b[key] !== undefined).length) return false;
  return keys.every((key) => jsonEqual(a[key], b[key]));
}

/** Parses a JSON request body into an object, or a 400 shaped like the apiserver's decode error. */
export function parseBody(body: Uint8Array | undefined): Obj {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body ?? []).toString('utf8'));
  } catch (error) {
    throw badRequest(
      `Object 'Kind' is missing in '${Buffer.from(body ?? [])
        .toString('utf8')
        .slice(0, 80)}': ${String(error)}`,
    );
  }
  if (!isRecord(value)) throw badRequest('the request body must be a JSON object');
  return value;
}

/** `v1` for the core group, else `group/version`. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The apiserver's RFC 3339 timestamp: seconds precision, UTC. */
export function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** apimachinery's SimpleNameGenerator alphabet (no vowels, no confusable digits), 5 characters. */
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const byte of bytes) suffix += nameAlphabet[byte % nameAlphabet.length];
  return `${prefix}${suffix}`;
}

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Resources whose names must be DNS labels (at most 63 characters) rather than subdomains. */
const labelNamed = new Set(['/namespaces', '/services']);

/** Validates `metadata.name` as the resource's strategy does; throws 422 Invalid. */
export function validateName(type: ResourceType, name: string | undefined, generateName: string | undefined): void {
  const errors: FieldError[] = [];
  if (!name) {
    if (!generateName) {
      errors.push({
        type: 'FieldValueRequired',
        field: 'metadata.name',
        detail: 'Required value: name or generateName is required',
      });
    }
  } else if (labelNamed.has(type.storageKey)) {
    if (!label.test(name) || name.length > 63) {
      const detail = name.length > 63 ? 'must be no more than 63 characters' : labelMessage;
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', detail: `Invalid value: "${name}": ${detail}` });
    }
  } else if (!subdomain.test(name) || name.length > 253) {
    const detail = name.length > 253 ? 'must be no more than 253 characters' : subdomainMessage;
    errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', detail: `Invalid value: "${name}": ${detail}` });
  }
  if (errors.length > 0) throw invalid(type.kind, type.group, name ?? '', errors);
}

/** Whether writes to this resource track `metadata.generation`: custom resources and built-ins with a status. */
export function tracksGeneration(type: ResourceType): boolean {
  return type.custom !== undefined || type.subresources.has('status');
}

/** The object without metadata (and without status when status is a subresource): what bumps generation. */
export function specPart(type: ResourceType, object: Obj): Obj {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return type.subresources.has('status') ? rest : { ...rest, status: object.status };
}
