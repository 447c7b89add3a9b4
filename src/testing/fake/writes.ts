/** Creates, updates and deletes objects in the fake API server's store, as the apiserver's generic registry does. */
import { randomUUID } from 'node:crypto';
import { commit, type ServerContext } from './context.js';
import { changedFields, type ManagedFieldsEntry, recordUpdate, trackedPart } from './managed-fields.js';
import {
  apiVersionOf,
  copy,
  generatedName,
  isRecord,
  jsonEqual,
  type Meta,
  metaOf,
  specPart,
  timestamp,
  tracksGeneration,
  validateName,
} from './objects.js';
import type { ResourceType } from './registry.js';
import { schemaFor } from './schema.js';
import { alreadyExists, badRequest, conflict, forbidden, invalid, modifiedMessage, notFound } from './status.js';
import { type Obj, objectKey } from './store.js';

/** How one write is made. */
export interface WriteOptions {
  readonly dryRun: boolean;
  /** The field manager recorded in managedFields. */
  readonly manager: string;
  /** `status` for the status subresource; absent for the main resource. */
  readonly subresource?: 'status' | undefined;
  /** Set by server-side apply: the managedFields to store instead of recording an Update. */
  readonly managedFields?: readonly ManagedFieldsEntry[] | undefined;
}

/** Validates and stores a new object; returns it as stored (no resourceVersion on a dry run). */
export function createObject(
  context: ServerContext,
  type: ResourceType,
  namespace: string | undefined,
  body: Obj,
  options: WriteOptions,
): Obj {
  const object = copy(body);
  const meta: Meta = { ...metaOf(object) };
  if (type.namespaced) {
    if (meta.namespace && namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (namespace !== undefined) meta.namespace = namespace;
    checkNamespace(context, type, meta);
  } else {
    delete meta.namespace;
  }
  validateName(type, meta.name, meta.generateName);
  if (!meta.name) meta.name = generatedName(meta.generateName ?? '');
  const key = objectKey(meta.namespace, meta.name);
  if (context.store.get(type.storageKey, key)) throw alreadyExists(type, meta.name);
  const now = context.now();
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  if (tracksGeneration(type)) meta.generation = 1;
  else delete meta.generation;
  object.apiVersion = apiVersionOf(type);
  object.kind = type.kind;
  if (type.subresources.has('status') && type.custom) delete object.status;
  object.metadata = meta;
  for (const validate of context.validators) validate(type, object, undefined);
  meta.managedFields = options.managedFields
    ? copy([...options.managedFields])
    : recordUpdate(
        [],
        updateOf(type, options, now),
        changedFields({}, trackedPart(object, trackedScope(type, undefined)), schemaFor(type), !type.custom).changed,
        [],
      );
  if (meta.managedFields?.length === 0) delete meta.managedFields;
  if (options.dryRun) return object;
  const rv = context.store.nextRv();
  meta.resourceVersion = String(rv);
  commit(context, type, { rv, type: 'ADDED', key, object });
  return object;
}

/**
 * Replaces `existing` with `next` (a whole object from PUT, a patch result or an apply), keeping what clients may
 * not change. A write that changes nothing keeps the resourceVersion and records no change, as the apiserver does.
 */
export function updateObject(
  context: ServerContext,
  type: ResourceType,
  existing: Obj,
  next: Obj,
  options: WriteOptions,
): Obj {
  const old = metaOf(existing);
  const name = old.name as string;
  const incoming = metaOf(next);
  if (incoming.name !== undefined && incoming.name !== name) {
    throw badRequest(`the name of the object (${incoming.name}) does not match the name on the URL (${name})`);
  }
  if (incoming.uid && incoming.uid !== old.uid) {
    throw conflict(
      type,
      name,
      `Precondition failed: UID in precondition: ${incoming.uid}, UID in object meta: ${old.uid}`,
    );
  }
  if (incoming.resourceVersion && incoming.resourceVersion !== old.resourceVersion) {
    throw conflict(type, name, modifiedMessage);
  }
  const object = mergeForSubresource(type, existing, copy(next), options.subresource);
  const meta: Meta = { ...metaOf(object) };
  for (const field of [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ] as const) {
    if (old[field] === undefined) delete meta[field];
    else (meta as Record<string, unknown>)[field] = old[field];
  }
  meta.resourceVersion = old.resourceVersion as string;
  object.metadata = meta;
  object.apiVersion = apiVersionOf(type);
  object.kind = type.kind;
  for (const validate of context.validators) validate(type, object, existing);
  if (old.deletionTimestamp) forbidNewFinalizers(type, old, meta);
  if (tracksGeneration(type) && !jsonEqual(specPart(type, existing), specPart(type, object))) {
    meta.generation = (old.generation ?? 0) + 1;
  }
  const now = context.now();
  meta.managedFields = managedFieldsAfter(type, existing, object, options, now);
  if (meta.managedFields.length === 0) delete meta.managedFields;
  if (jsonEqual(withoutVolatile(existing), withoutVolatile(object))) return existing;
  if (options.dryRun) return object;
  // The write that removes a deleting object's last finalizer deletes the stored object instead: one DELETED event,
  // carrying the state before this write (as the apiserver's registry does).
  const graceOver = (meta.deletionGracePeriodSeconds ?? 0) === 0;
  if (meta.deletionTimestamp && graceOver && (meta.finalizers ?? []).length === 0) {
    meta.resourceVersion = metaOf(removeObject(context, type, existing)).resourceVersion as string;
    return object;
  }
  const rv = context.store.nextRv();
  meta.resourceVersion = String(rv);
  const key = objectKey(old.namespace, name);
  commit(context, type, { rv, type: 'MODIFIED', key, object, prev: existing });
  return object;
}

/** How a DELETE is made. */
export interface DeleteOptions {
  readonly dryRun: boolean;
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' | undefined;
  readonly gracePeriodSeconds?: number | undefined;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string } | undefined;
}

/**
 * Deletes an object: at once when it has no finalizers, else marks it with a deletionTimestamp (Foreground and
 * Orphan add their finalizer). Returns the object as it ends up and whether it is gone.
 */
export function deleteObject(
  context: ServerContext,
  type: ResourceType,
  existing: Obj,
  options: DeleteOptions,
): { object: Obj; gone: boolean } {
  const meta = metaOf(existing);
  const name = meta.name as string;
  const pre = options.preconditions;
  // Storage preconditions name the kind, not the resource: "Operation cannot be fulfilled on ConfigMap …".
  const byKind = { group: type.group, resource: type.kind };
  if (pre?.uid && pre.uid !== meta.uid) {
    const why = `the UID in the precondition (${pre.uid}) does not match the UID in record (${meta.uid})`;
    throw conflict(byKind, name, `${why}. The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    const why = `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${meta.resourceVersion})`;
    throw conflict(byKind, name, `${why}. The object might have been modified`);
  }
  const finalizers = [...(meta.finalizers ?? [])];
  const policyFinalizer =
    options.propagationPolicy === 'Foreground'
      ? 'foregroundDeletion'
      : options.propagationPolicy === 'Orphan'
        ? 'orphan'
        : undefined;
  if (policyFinalizer && !finalizers.includes(policyFinalizer)) finalizers.push(policyFinalizer);
  const grace = gracePeriod(type, existing, options);
  if (finalizers.length === 0 && grace === 0) {
    if (options.dryRun) return { object: existing, gone: true };
    return { object: removeObject(context, type, existing), gone: true };
  }
  const shortened = grace < (meta.deletionGracePeriodSeconds ?? Number.POSITIVE_INFINITY);
  if (meta.deletionTimestamp && jsonEqual(finalizers, meta.finalizers ?? []) && !shortened) {
    return { object: existing, gone: false };
  }
  const object = copy(existing);
  const next: Meta = { ...metaOf(object), finalizers };
  if (finalizers.length === 0) delete next.finalizers;
  if (!next.deletionTimestamp || shortened) {
    next.deletionTimestamp = timestamp(new Date(context.now().getTime() + grace * 1000));
    next.deletionGracePeriodSeconds = grace;
  }
  if (tracksGeneration(type)) next.generation = (meta.generation ?? 0) + 1;
  object.metadata = next;
  if (options.dryRun) return { object, gone: false };
  const rv = context.store.nextRv();
  next.resourceVersion = String(rv);
  commit(context, type, { rv, type: 'MODIFIED', key: objectKey(meta.namespace, name), object, prev: existing });
  return { object, gone: false };
}

/**
 * The grace period of a delete: a Pod bound to a node and still running waits for its kubelet (the request's
 * `gracePeriodSeconds`, else its `terminationGracePeriodSeconds`, else 30 s); everything else goes at once.
 */
function gracePeriod(type: ResourceType, existing: Obj, options: DeleteOptions): number {
  if (type.storageKey !== '/pods') return 0;
  const spec = isRecord(existing.spec) ? existing.spec : {};
  const phase = isRecord(existing.status) ? existing.status.phase : undefined;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const declared = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  return Math.max(0, options.gracePeriodSeconds ?? declared);
}

/** Removes an object from the store; its DELETED event carries its last state at a fresh resourceVersion. */
export function removeObject(context: ServerContext, type: ResourceType, existing: Obj): Obj {
  const meta = metaOf(existing);
  const rv = context.store.nextRv();
  const object = { ...existing, metadata: { ...meta, resourceVersion: String(rv) } };
  const key = objectKey(meta.namespace, meta.name as string);
  commit(context, type, { rv, type: 'DELETED', key, object, prev: existing });
  return object;
}

/** The object the write stores: the status subresource changes only status; the main resource keeps status. */
function mergeForSubresource(type: ResourceType, existing: Obj, next: Obj, subresource: string | undefined): Obj {
  if (subresource === 'status') {
    const merged: Obj = { ...copy(existing) };
    if (next.status === undefined) delete merged.status;
    else merged.status = next.status;
    // Labels and annotations follow status writes of built-ins (their status strategies reset only the spec).
    if (!type.custom) merged.metadata = { ...metaOf(existing), ...pick(metaOf(next), ['labels', 'annotations']) };
    return merged;
  }
  if (type.subresources.has('status')) {
    if (existing.status === undefined) delete next.status;
    else next.status = copy(existing.status);
  }
  return next;
}

function pick(meta: Meta, fields: readonly string[]): Meta {
  return Object.fromEntries(fields.filter((field) => meta[field] !== undefined).map((field) => [field, meta[field]]));
}

function managedFieldsAfter(
  type: ResourceType,
  existing: Obj,
  object: Obj,
  options: WriteOptions,
  now: Date,
): ManagedFieldsEntry[] {
  if (options.managedFields) return copy([...options.managedFields]);
  const scope = trackedScope(type, options.subresource);
  const { changed, removed } = changedFields(
    trackedPart(existing, scope),
    trackedPart(object, scope),
    schemaFor(type),
    !type.custom,
  );
  const entries = (metaOf(existing).managedFields ?? []) as ManagedFieldsEntry[];
  return recordUpdate(entries, updateOf(type, options, now), changed, removed);
}

/** Which part of an object a write to the resource or its status subresource owns. */
function trackedScope(type: ResourceType, subresource: string | undefined): 'status' | 'main' | 'all' {
  if (subresource === 'status') return 'status';
  return type.subresources.has('status') ? 'main' : 'all';
}

function updateOf(type: ResourceType, options: WriteOptions, now: Date) {
  return {
    manager: options.manager,
    apiVersion: apiVersionOf(type),
    time: timestamp(now),
    subresource: options.subresource,
  };
}

/** Compares ignoring resourceVersion and managedFields timestamps (a no-op write). */
function withoutVolatile(object: Obj): Obj {
  const meta = { ...metaOf(object) };
  delete meta.resourceVersion;
  meta.managedFields = ((meta.managedFields ?? []) as ManagedFieldsEntry[]).map(({ time: _time, ...entry }) => entry);
  return { ...object, metadata: meta };
}

function forbidNewFinalizers(type: ResourceType, old: Meta, meta: Meta): void {
  const before = new Set(old.finalizers ?? []);
  if ((meta.finalizers ?? []).some((finalizer) => !before.has(finalizer))) {
    throw invalid(type.kind, type.group, old.name as string, [
      {
        type: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        detail: 'Forbidden: no new finalizers can be added if the object is being deleted',
      },
    ]);
  }
}

function checkNamespace(context: ServerContext, type: ResourceType, meta: Meta): void {
  const namespace = meta.namespace;
  if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
  const found = context.store.get('/namespaces', namespace);
  if (!found) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (metaOf(found).deletionTimestamp) {
    throw forbidden(
      type,
      meta.name ?? '',
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}
