/** Creates an object or brings it to the state a mutate function sets, as controller-runtime's controllerutil does. */
import type { KubeObject } from '../client/meta.js';
import { isNotFound } from '../client/rest/status-error.js';
import { MissingNameError } from '../client/typed/errors.js';
import type { CreateOptions, GetOptions, PatchOptions, UpdateOptions, WriteOptions } from '../client/typed/options.js';
import { KubeloopError } from '../errors.js';

/** What {@link createOrUpdate} and {@link createOrPatch} did (controllerutil's OperationResult). */
export type OperationResult =
  /** The object did not exist and was created. */
  | 'created'
  /** The object (other than its status, for createOrPatch) was written. */
  | 'updated'
  /** Both the object and its status subresource were patched (createOrPatch only). */
  | 'updatedStatus'
  /** Only the status subresource was patched (createOrPatch only). */
  | 'updatedStatusOnly'
  /** The mutate function changed nothing: no write was sent. */
  | 'unchanged';

/** The outcome: what happened, and the object as the server last returned it (or as read, when unchanged). */
export interface CreateOrUpdateResult<T extends KubeObject> {
  readonly operation: OperationResult;
  readonly object: T;
}

/**
 * Sets the desired state on `object`, a deep copy the function owns: change it in place, or return a new object.
 * It must leave `metadata.name` and `metadata.namespace` as they are.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: lets a mutate function change the object in place and return nothing.
export type MutateFn<T extends KubeObject> = (object: T) => T | void | Promise<T | void>;

/** What createOrUpdate needs of a client: a typed ResourceClient (for one namespace) fits. */
export interface CreateOrUpdateClient<T extends KubeObject> {
  /** Reads the object; rejects with a NotFound StatusError when it does not exist. */
  get(name: string, options?: GetOptions): Promise<T>;
  /** Creates the object. */
  create(object: T, options?: CreateOptions): Promise<T>;
  /** Replaces the object, guarded by its resourceVersion. */
  update(object: T, options?: UpdateOptions): Promise<T>;
}

/**
 * What createOrPatch needs of a client: a typed ResourceClient fits; the generated clients of resources with a
 * status subresource also have `patchStatus`, through which status changes are sent.
 */
export interface CreateOrPatchClient<T extends KubeObject> {
  /** Reads the object; rejects with a NotFound StatusError when it does not exist. */
  get(name: string, options?: GetOptions): Promise<T>;
  /** Creates the object. */
  create(object: T, options?: CreateOptions): Promise<T>;
  /** Applies a JSON merge patch to the object. */
  patch(name: string, format: 'merge', patch: unknown, options?: PatchOptions): Promise<T>;
  /** Applies a JSON merge patch to the status subresource; needed only when the mutation changes status. */
  patchStatus?(name: string, format: 'merge', patch: unknown, options?: PatchOptions): Promise<T>;
}

/** The mutate function changed `metadata.name` or `metadata.namespace`, which would write another object. */
export class MutateChangedKeyError extends KubeloopError<'MUTATE_CHANGED_KEY'> {
  readonly code = 'MUTATE_CHANGED_KEY' as const;
  constructor(
    readonly before: string,
    readonly after: string,
  ) {
    super(`kubeloop: the mutate function must not change the object's name or namespace (${before} became ${after})`);
  }
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality of JSON values, an `undefined` property being the same as an absent one. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
  return true;
}

/** The RFC 7386 merge patch turning `before` into `after`: removed keys become `null`, arrays are replaced whole. */
function mergePatch(before: JsonObject, after: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && after[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (value === undefined || jsonEqual(old, value)) continue;
    patch[key] = isObject(old) && isObject(value) ? mergePatch(old, value) : value;
  }
  return patch;
}

function keyOf(object: KubeObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : String(name);
}

/** Runs `mutate` on a deep copy of `base`; rejects with MutateChangedKeyError when it renamed the object. */
async function mutated<T extends KubeObject>(base: T, mutate: MutateFn<T>): Promise<T> {
  const copy = structuredClone(base);
  const after = (await mutate(copy)) ?? copy;
  if (after.metadata?.name !== base.metadata?.name || after.metadata?.namespace !== base.metadata?.namespace) {
    throw new MutateChangedKeyError(keyOf(base), keyOf(after));
  }
  return after;
}

/** Reads the object named like `object`, or `undefined` when there is none. */
async function current<T extends KubeObject>(
  client: { get(name: string, options?: GetOptions): Promise<T> },
  object: T,
  verb: string,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  const name = object.metadata?.name;
  if (!name) throw new MissingNameError(verb, object.kind ?? 'object');
  return await client.get(name, signal ? { signal } : {}).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
}

/**
 * Reads the object named by `object.metadata.name` (in the client's namespace); if it does not exist, runs `mutate`
 * on `object` and creates the result; else runs `mutate` on the live object and updates it unless nothing changed.
 *
 * Guarantees: at most one read and one write; `mutate` runs exactly once, on a deep copy; a renaming `mutate`
 * rejects with {@link MutateChangedKeyError} before any write; the update carries the resourceVersion read, so a
 * concurrent writer makes it fail with a Conflict (wrap the call in `retryOnConflict`); `unchanged` means deeply
 * equal JSON, and sends nothing.
 *
 * @typeParam T - the object type, e.g. `Deployment`.
 */
export async function createOrUpdate<T extends KubeObject>(
  client: CreateOrUpdateClient<T>,
  object: NoInfer<T>,
  mutate: NoInfer<MutateFn<T>>,
  options: WriteOptions = {},
): Promise<CreateOrUpdateResult<T>> {
  const live = await current(client, object, 'createOrUpdate', options.signal);
  if (live === undefined) {
    return { operation: 'created', object: await client.create(await mutated(object, mutate), options) };
  }
  const after = await mutated(live, mutate);
  if (jsonEqual(live, after)) return { operation: 'unchanged', object: live };
  return { operation: 'updated', object: await client.update(after, options) };
}

/** Splits an object into its status and the rest. */
function withoutStatus(object: KubeObject): [rest: JsonObject, status: unknown] {
  const { status, ...rest } = object as JsonObject;
  return [rest, status];
}

/**
 * Like {@link createOrUpdate}, but writes with JSON merge patches computed from the object before and after
 * `mutate`: one for everything but `status`, and one through the status subresource for `status` when the client
 * has `patchStatus` (without it, status is an ordinary field, patched with the rest).
 *
 * Guarantees: at most one read and two patches; no patch when its part is unchanged; patches carry no
 * resourceVersion, so they apply over concurrent writes to other fields (last writer wins on the same field);
 * `mutate` runs exactly once, on a deep copy, and must not rename the object ({@link MutateChangedKeyError}). On
 * create, the status the server drops on create (for resources with a status subresource) is not sent again.
 *
 * @typeParam T - the object type, e.g. `Deployment`.
 */
export async function createOrPatch<T extends KubeObject>(
  client: CreateOrPatchClient<T>,
  object: NoInfer<T>,
  mutate: NoInfer<MutateFn<T>>,
  options: WriteOptions = {},
): Promise<CreateOrUpdateResult<T>> {
  const live = await current(client, object, 'createOrPatch', options.signal);
  if (live === undefined) {
    return { operation: 'created', object: await client.create(await mutated(object, mutate), options) };
  }
  const after = await mutated(live, mutate);
  const name = live.metadata?.name ?? '';
  const patchStatus = client.patchStatus?.bind(client);
  const [beforeRest, beforeStatus] = patchStatus ? withoutStatus(live) : [live as JsonObject, undefined];
  const [afterRest, afterStatus] = patchStatus ? withoutStatus(after) : [after as JsonObject, undefined];
  let result = live;
  let operation: OperationResult = 'unchanged';
  if (!jsonEqual(beforeRest, afterRest)) {
    result = await client.patch(name, 'merge', mergePatch(beforeRest, afterRest), options);
    operation = 'updated';
  }
  if (patchStatus && !jsonEqual(beforeStatus, afterStatus)) {
    const status =
      isObject(beforeStatus) && isObject(afterStatus) ? mergePatch(beforeStatus, afterStatus) : afterStatus;
    result = await patchStatus(name, 'merge', { status: status ?? null }, options);
    operation = operation === 'updated' ? 'updatedStatus' : 'updatedStatusOnly';
  }
  return { operation, object: result };
}
