/** Answers get and list for the fake API server: resourceVersion semantics, selectors and limit/continue pages. */
import type { ServerContext } from './context.js';
import { apiVersionOf } from './objects.js';
import type { ResourceType } from './registry.js';
import { objectFilter } from './selectors.js';
import { badRequest, failure, notFound } from './status.js';
import { type Obj, objectKey } from './store.js';

/** The object as a read returns it: in the requested version. */
export function present(type: ResourceType, object: Obj): Obj {
  return object.apiVersion === apiVersionOf(type) ? object : { ...object, apiVersion: apiVersionOf(type) };
}

export function getObject(
  context: ServerContext,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): Obj {
  const object = context.store.get(type.storageKey, objectKey(namespace, name));
  if (!object) throw notFound(type, name);
  return object;
}

/** What a continue token holds (the apiserver's shape: `{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}`). */
interface ContinueToken {
  readonly v: string;
  readonly rv: number;
  readonly start: string;
}

const expiredMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Answers a list: the whole (filtered) collection, or one page of it. */
export function listObjects(
  context: ServerContext,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): Obj {
  const filter = objectFilter(type, query);
  const limit = parseLimit(query.get('limit'));
  const token = query.get('continue');
  const { rv, entries } = token ? continued(context, type, token) : atVersion(context, type, query, limit);
  const start = token ? decodeToken(token).start : '';
  const prefix = namespace ? `${namespace}/` : '';
  const matching = entries.filter(
    ([key, object]) => key >= start && key.startsWith(prefix) && (!filter || filter(object)),
  );
  const page = limit > 0 ? matching.slice(0, limit) : matching;
  const rest = matching.length - page.length;
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (rest > 0) {
    const last = page[page.length - 1]?.[0] ?? '';
    metadata.continue = encodeToken({ v: 'meta.k8s.io/v1', rv, start: `${last}\u0000` });
    if (!filter) metadata.remainingItemCount = rest;
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata,
    items: page.map(([, object]) => listItem(type, object)),
  };
}

/** Built-in lists carry items without apiVersion/kind; custom resource lists keep them. */
function listItem(type: ResourceType, object: Obj): Obj {
  if (type.custom) return present(type, object);
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

function parseLimit(text: string | null): number {
  if (text === null || text === '') return 0;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${text}`);
  return limit;
}

function atVersion(
  context: ServerContext,
  type: ResourceType,
  query: URLSearchParams,
  limit: number,
): { rv: number; entries: [string, Obj][] } {
  const requested = query.get('resourceVersion') ?? '';
  const match = query.get('resourceVersionMatch') ?? '';
  const current = context.store.rv;
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}"`);
  }
  if (match !== '' && requested === '') {
    const detail = 'resourceVersionMatch is forbidden unless resourceVersion is provided';
    throw failure(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: ${detail}`, {
      group: 'meta.k8s.io',
      kind: 'ListOptions',
      causes: [{ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field: 'resourceVersionMatch' }],
    });
  }
  if (requested === '' || requested === '0') return { rv: current, entries: snapshotOrExpired(context, type, current) };
  const rv = parseRv(requested);
  if (rv > current) throw tooLarge(rv, current);
  // A paged list at a given resourceVersion, or resourceVersionMatch=Exact, is served from that exact revision.
  if (match === 'Exact' || (match === '' && limit > 0)) {
    const entries = context.store.snapshot(type.storageKey, rv);
    if (!entries)
      throw failure(410, 'Expired', `too old resource version: ${rv} (${context.store.compactedRv(type.storageKey)})`);
    return { rv, entries };
  }
  return { rv: current, entries: snapshotOrExpired(context, type, current) };
}

function snapshotOrExpired(context: ServerContext, type: ResourceType, rv: number): [string, Obj][] {
  return context.store.snapshot(type.storageKey, rv) ?? [];
}

function continued(context: ServerContext, type: ResourceType, text: string): { rv: number; entries: [string, Obj][] } {
  const token = decodeToken(text);
  const entries = context.store.snapshot(type.storageKey, token.rv);
  if (!entries) throw failure(410, 'Expired', expiredMessage);
  return { rv: token.rv, entries };
}

function encodeToken(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (token.v === 'meta.k8s.io/v1' && Number.isInteger(token.rv) && typeof token.start === 'string') return token;
  } catch {
    // Falls through to the apiserver's message for a malformed token.
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export function parseRv(text: string): number {
  const rv = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(rv))
    throw badRequest(`resourceVersion: Invalid value: "${text}": must be a non-negative integer`);
  return rv;
}

/** 504 for a resourceVersion the server has not reached (the apiserver waits ~3 s first; the fake answers at once). */
function tooLarge(rv: number, current: number): Error {
  return failure(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}
