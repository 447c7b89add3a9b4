/** Routes resource requests of the fake API server to get/list/watch/create/update/patch/delete handlers. */
import { applyObject } from './apply.js';
import type { ServerContext } from './context.js';
import type { FakeRequest, FakeResponse } from './dispatcher.js';
import { isRecord, metaOf, parseBody } from './objects.js';
import { type ObjectView, partialList, partialObject, requestedView, viewMismatch } from './partial-metadata.js';
import { notModelled, patchObject, patchTypes } from './patch.js';
import { getObject, listObjects, present } from './reads.js';
import type { ResourceType } from './registry.js';
import { scaleOf, scaleUpdate } from './scale.js';
import { objectFilter } from './selectors.js';
import { badRequest, failure, methodNotSupported, noSuchPath, notFound } from './status.js';
import { type Obj, objectKey } from './store.js';
import { type WatchSettings, watchObjects } from './watch.js';
import { createObject, type DeleteOptions, deleteObject, updateObject, type WriteOptions } from './writes.js';

/** A request for a resource, parsed from its path. */
export interface ResourceRequest {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

/** Parses `/api/v1/…` or `/apis/<group>/<version>/…` into a resource request; undefined for other paths. */
export function parseResourcePath(context: ServerContext, path: string): ResourceRequest | undefined {
  const parts = path.split('/').filter(Boolean);
  const core = parts[0] === 'api';
  if (!core && parts[0] !== 'apis') return undefined;
  const group = core ? '' : (parts[1] ?? '');
  const version = core ? parts[1] : parts[2];
  const rest = parts.slice(core ? 2 : 3);
  if (version === undefined || rest.length === 0) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = context.registry.lookup(group, version, rest[2] as string);
    if (inner?.namespaced) {
      namespace = rest[1];
      rest.splice(0, 2);
    }
  }
  const type = context.registry.lookup(group, version, rest[0] as string);
  if (!type || rest.length > 3) throw noSuchPath();
  return { type, namespace, name: rest[1], subresource: rest[2] };
}

/** Answers one resource request. */
export function serveResource(
  context: ServerContext,
  settings: WatchSettings,
  request: FakeRequest,
  target: ResourceRequest,
): FakeResponse {
  const { type, namespace, name, subresource } = target;
  if (subresource !== undefined && !type.subresources.has(subresource)) throw noSuchPath();
  const method = request.method;
  const view = method === 'GET' && subresource === undefined ? readView(type, request, name === undefined) : 'object';
  if (name === undefined) {
    if (method === 'GET') {
      const watch = request.query.get('watch');
      if (watch === 'true' || watch === '1')
        return watchObjects(context, settings, type, namespace, request.query, view);
      const list = listObjects(context, type, namespace, request.query);
      return ok(view === 'object' ? list : partialList(list));
    }
    if (method === 'POST') return created(present(type, createFor(context, type, namespace, request)));
    if (method === 'DELETE') return ok(deleteCollection(context, type, namespace, request));
    throw methodNotSupported(type, method.toLowerCase());
  }
  if (subresource === 'scale') return serveScale(context, type, target, request);
  const status = subresource === 'status' ? ('status' as const) : undefined;
  if (method === 'GET') {
    const object = present(type, getObject(context, type, namespace, name));
    return ok(view === 'object' ? object : partialObject(object));
  }
  if (method === 'PUT') {
    const existing = getObject(context, type, namespace, name);
    return ok(
      present(type, updateObject(context, type, existing, parseBody(request.body), writeOptions(request, status))),
    );
  }
  if (method === 'PATCH') return patch(context, type, target, request, status);
  if (method === 'DELETE' && status === undefined) return deleteOne(context, type, target, request);
  throw methodNotSupported(type, method.toLowerCase());
}

/** The view a get, list or watch asks for: a list (not a watch) takes PartialObjectMetadataList, others the object. */
function readView(type: ResourceType, request: FakeRequest, collection: boolean): ObjectView {
  const view = requestedView(request.headers.accept);
  if (view === 'object') return view;
  const watch = request.query.get('watch') === 'true' || request.query.get('watch') === '1';
  const list = collection && !watch;
  if ((view === 'PartialObjectMetadataList') !== list) throw viewMismatch(type, view, list);
  return view;
}

function createFor(
  context: ServerContext,
  type: ResourceType,
  namespace: string | undefined,
  request: FakeRequest,
): Obj {
  if (type.namespaced && namespace === undefined) throw noSuchPath();
  return createObject(context, type, namespace, parseBody(request.body), writeOptions(request, undefined));
}

function patch(
  context: ServerContext,
  type: ResourceType,
  target: ResourceRequest,
  request: FakeRequest,
  status: 'status' | undefined,
): FakeResponse {
  const name = target.name as string;
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const options = writeOptions(request, status);
  const existing = context.store.get(type.storageKey, objectKey(target.namespace, name));
  if (contentType === patchTypes.apply) {
    if (!request.query.get('fieldManager')) {
      throw failure(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      );
    }
    const text = Buffer.from(request.body ?? [])
      .toString('utf8')
      .trimStart();
    // The apiserver takes YAML too; the fake parses JSON only and says so rather than misreading a YAML body.
    if (!text.startsWith('{')) throw notModelled('server-side apply bodies in YAML (send the configuration as JSON)');
    const applied = parseBody(request.body);
    const force = request.query.get('force') === 'true';
    const result = applyObject(type, existing, applied, {
      manager: options.manager,
      force,
      subresource: status,
      now: context.now(),
    });
    const withFields = { ...options, managedFields: result.managedFields };
    if (!existing) {
      result.object.metadata = { ...metaOf(result.object), name };
      return created(present(type, createObject(context, type, target.namespace, result.object, withFields)));
    }
    return ok(present(type, updateObject(context, type, existing, result.object, withFields)));
  }
  if (!existing) throw notFound(type, name);
  const patched = patchObject(type, contentType, existing, request.body);
  return ok(present(type, updateObject(context, type, existing, patched, options)));
}

function deleteOne(
  context: ServerContext,
  type: ResourceType,
  target: ResourceRequest,
  request: FakeRequest,
): FakeResponse {
  const existing = getObject(context, type, target.namespace, target.name as string);
  const result = deleteObject(context, type, existing, deleteOptions(request));
  const meta = metaOf(result.object);
  if (result.gone && !returnsDeletedObject(type)) {
    return ok({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: meta.name,
        ...(type.group === '' ? {} : { group: type.group }),
        kind: type.resource,
        uid: meta.uid,
      },
    });
  }
  return ok(present(type, result.object));
}

/** The built-ins whose DELETE answers with the object (their registries set ReturnDeletedObject). */
const returningDeleted = new Set(['/pods']);

function returnsDeletedObject(type: ResourceType): boolean {
  return returningDeleted.has(type.storageKey);
}

function deleteCollection(
  context: ServerContext,
  type: ResourceType,
  namespace: string | undefined,
  request: FakeRequest,
): Obj {
  if (!type.verbs.has('deletecollection')) throw methodNotSupported(type, 'deletecollection');
  const filter = objectFilter(type, request.query);
  const options = deleteOptions(request);
  const items: Obj[] = [];
  for (const object of context.store.list(type.storageKey, namespace)) {
    if (filter && !filter(object)) continue;
    items.push(deleteObject(context, type, object, options).object);
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
    metadata: { resourceVersion: String(context.store.rv) },
    items,
  };
}

function serveScale(
  context: ServerContext,
  type: ResourceType,
  target: ResourceRequest,
  request: FakeRequest,
): FakeResponse {
  const existing = getObject(context, type, target.namespace, target.name as string);
  if (request.method === 'GET') return ok(scaleOf(type, existing));
  if (request.method === 'PUT' || request.method === 'PATCH') {
    const next = scaleUpdate(type, existing, request);
    return ok(scaleOf(type, updateObject(context, type, existing, next, writeOptions(request, undefined))));
  }
  throw methodNotSupported(type, request.method.toLowerCase());
}

function writeOptions(request: FakeRequest, subresource: 'status' | undefined): WriteOptions {
  const dryRun = request.query.getAll('dryRun');
  for (const value of dryRun) if (value !== 'All') throw unsupportedDryRun(request.method, value);
  return { dryRun: dryRun.length > 0, manager: managerOf(request), subresource };
}

/** 422 for a dryRun value other than All, naming the options kind of the verb (CreateOptions, PatchOptions…). */
function unsupportedDryRun(method: string, value: string): Error {
  const kinds: Record<string, string> = { POST: 'CreateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions' };
  const kind = kinds[method] ?? 'UpdateOptions';
  const detail = `Unsupported value: "${value}": supported values: "All"`;
  return failure(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: dryRun: ${detail}`, {
    group: 'meta.k8s.io',
    kind,
    causes: [{ reason: 'FieldValueNotSupported', message: detail, field: 'dryRun' }],
  });
}

/** The field manager: the `fieldManager` parameter, else the User-Agent up to its first `/` (as the apiserver). */
function managerOf(request: FakeRequest): string {
  const explicit = request.query.get('fieldManager');
  if (explicit) return explicit;
  return (request.headers['user-agent'] ?? 'unknown').split('/')[0]?.slice(0, 128) ?? 'unknown';
}

/** The DeleteOptions of a DELETE: query parameters and the optional body. */
export function deleteOptions(request: FakeRequest): DeleteOptions {
  const body = request.body && request.body.length > 0 ? parseBody(request.body) : {};
  const dryRun = [...request.query.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? body.dryRun.map(String) : [])];
  for (const value of dryRun) if (value !== 'All') throw unsupportedDryRun('DELETE', value);
  const policy = body.propagationPolicy ?? request.query.get('propagationPolicy') ?? undefined;
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}"`);
  }
  const pre = isRecord(body.preconditions) ? body.preconditions : undefined;
  return {
    dryRun: dryRun.length > 0,
    propagationPolicy: policy,
    gracePeriodSeconds: graceOf(body.gracePeriodSeconds ?? request.query.get('gracePeriodSeconds') ?? undefined),
    preconditions: pre
      ? {
          ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
          ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
        }
      : undefined,
  };
}

function graceOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds)) throw badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(value)}`);
  return seconds;
}

function ok(body: unknown): FakeResponse {
  return { kind: 'json', status: 200, body };
}

function created(body: unknown): FakeResponse {
  return { kind: 'json', status: 201, body };
}
