/** Applies JSON, merge and strategic merge patches for the fake API server. */
import { applyPatch, type Operation } from 'rfc6902';
import { copy, isRecord, jsonEqual } from './objects.js';
import type { ResourceType } from './registry.js';
import { type ListSchema, type ObjectSchema, schemaFor } from './schema.js';
import { type ApiFailure, badRequest, failure } from './status.js';
import type { Obj } from './store.js';

/** The Content-Type of each patch the fake accepts (server-side apply is handled by apply.ts). */
export const patchTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** The patched object; throws the Status the apiserver answers for a patch that does not apply. */
export function patchObject(type: ResourceType, contentType: string, existing: Obj, body: Uint8Array | undefined): Obj {
  const text = Buffer.from(body ?? []).toString('utf8');
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding patch: ${String(error)}`);
  }
  if (contentType === patchTypes.json) return jsonPatch(existing, patch);
  if (!isRecord(patch)) throw badRequest('the patch must be a JSON object');
  if (contentType === patchTypes.merge) return asObject(mergePatch(existing, patch));
  if (contentType === patchTypes.strategic) {
    const schema = type.custom ? undefined : schemaFor(type);
    if (!schema) throw unsupportedPatch();
    return strategicPatch(existing, patch, schema, '');
  }
  throw unsupportedPatch();
}

/** 415, as the apiserver answers a patch type a resource does not take (strategic merge on custom resources). */
function unsupportedPatch(): ApiFailure {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
  );
}

function jsonPatch(existing: Obj, patch: unknown): Obj {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const target = copy(existing);
  const errors = applyPatch(target, patch as Operation[]);
  const error = errors.find((e) => e !== null);
  if (error) {
    throw failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: error.message }],
    });
  }
  return target;
}

/** RFC 7386: null deletes, objects merge, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return copy(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function asObject(value: unknown): Obj {
  if (!isRecord(value)) throw badRequest('the patched object is not a JSON object');
  return value;
}

/** Strategic merge patch directives the fake does not model: it refuses them instead of guessing. */
const unmodelled = /^\$(retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/**
 * Kubernetes' strategic merge patch for maps, scalars and lists: lists marked `patchStrategy: merge` merge by
 * their merge key (or as a union of scalars), `$patch: delete` removes a keyed item; other lists are replaced.
 */
function strategicPatch(target: Obj, patch: Obj, schema: ObjectSchema | undefined, path: string): Obj {
  const out: Obj = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (unmodelled.test(key) || (key === '$patch' && value !== 'merge')) {
      throw notModelled(
        `the strategic merge patch directive ${key}${key === '$patch' ? `: ${String(value)}` : ''} at ${path || '.'}`,
      );
    }
    if (key === '$patch') continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const field = schema?.field(key);
    if (Array.isArray(value)) {
      out[key] = field?.kind === 'list' ? mergeList(out[key], value, field, `${path}.${key}`) : copy(value);
    } else if (isRecord(value)) {
      const current = isRecord(out[key]) ? (out[key] as Obj) : {};
      out[key] = strategicPatch(current, value, field?.kind === 'object' ? field : undefined, `${path}.${key}`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Merges a list with `patchStrategy: merge` as apimachinery does: patch items merge into the server item with the
 * same key (or are new), `$patch: delete` removes one; then the patch items and the server-only items are
 * interleaved by server position, a patch item the server lacks going before the server-only item it meets.
 */
function mergeList(current: unknown, patch: readonly unknown[], schema: ListSchema, path: string): unknown[] {
  const server = Array.isArray(current) ? current : [];
  if (!schema.patchMerge) return copy([...patch]);
  const key = schema.mergeKey;
  const keyOf = (item: unknown): unknown =>
    key === undefined ? JSON.stringify(item) : isRecord(item) ? item[key] : undefined;
  const patched: unknown[] = [];
  const touched = new Set<unknown>();
  for (const item of patch) {
    if (key !== undefined && (!isRecord(item) || item[key] === undefined)) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    }
    const id = keyOf(item);
    touched.add(id);
    if (isRecord(item) && item.$patch === 'delete') continue;
    const existing = server.find((candidate) => jsonEqual(keyOf(candidate), id));
    if (key === undefined) patched.push(copy(item));
    else
      patched.push(
        strategicPatch(isRecord(existing) ? existing : {}, item as Obj, schema.items, `${path}[${key}=${String(id)}]`),
      );
  }
  const serverOnly = server.filter((item) => !touched.has(keyOf(item)));
  const position = (item: unknown): number => server.findIndex((candidate) => jsonEqual(keyOf(candidate), keyOf(item)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (j >= patched.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patched[j++]);
    else {
      const [left, right] = [position(serverOnly[i]), position(patched[j])];
      out.push(left >= 0 && right >= 0 && left < right ? serverOnly[i++] : patched[j++]);
    }
  }
  return out;
}

/** 400 naming a case the fake does not model, so a test never passes on a guessed answer. */
export function notModelled(what: string): ApiFailure {
  return badRequest(
    `kubeloop's fake API server does not model ${what}; use another patch form or run this test against a real control plane`,
  );
}
