/** Implements every verb of one resource on unstructured objects, subresources included. */
import type { GroupVersionResource, Status } from '../meta.js';
import type { Request } from '../rest/request.js';
import type { RESTClient } from '../rest/rest-client.js';
import type { WatchStream } from '../rest/watch.js';
import { MissingNameError } from '../typed/errors.js';
import type {
  ApplyOptions,
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PatchOptions,
  UpdateOptions,
  WatchOptions,
} from '../typed/options.js';
import {
  applyParams,
  deleteBody,
  deleteCollectionParams,
  getParams,
  listParams,
  type QueryParams,
  watchParams,
  writeParams,
} from '../typed/query.js';
import type { PatchFormat } from '../typed/resource-client.js';
import type { Unstructured, UnstructuredList } from './unstructured.js';

/** Sends a call to a subresource of the object instead of the object (`status`, `scale`, `eviction`, …). */
export interface SubresourceOption {
  readonly subresource?: string | undefined;
}

/**
 * The dynamic client of one resource, in one namespace or cluster-wide; the options are the typed client's.
 *
 * Guarantees: each call is exactly one request through the shared RESTClient; objects are plain JSON exactly as
 * the server sent them, owned by the caller; failures are the RESTClient's StatusError; a call whose object lacks
 * `metadata.name` throws MissingNameError before sending. Immutable: `namespace()` returns a new client.
 */
export class DynamicResourceClient {
  readonly #rest: RESTClient;
  readonly #gvr: GroupVersionResource;
  readonly #namespace: string | undefined;

  constructor(rest: RESTClient, gvr: GroupVersionResource, namespace: string | undefined) {
    this.#rest = rest;
    this.#gvr = gvr;
    this.#namespace = namespace;
  }

  /** This resource in one namespace. */
  namespace(namespace: string): DynamicResourceClient {
    return new DynamicResourceClient(this.#rest, this.#gvr, namespace);
  }

  /** Reads one object (or its subresource) by name. */
  get(name: string, options: GetOptions & SubresourceOption = {}): Promise<Unstructured> {
    return this.#at(this.#rest.get(), options, name, getParams(options)).do<Unstructured>();
  }

  /** Lists objects; with `limit`, one page whose `metadata.continue` fetches the next. */
  list(options: ListOptions = {}): Promise<UnstructuredList> {
    return this.#at(this.#rest.get(), options, undefined, listParams(options)).do<UnstructuredList>();
  }

  /** Starts a watch; iterate the stream, and close it (or abort the signal) when done. */
  watch(options: WatchOptions = {}): Promise<WatchStream<Unstructured>> {
    // Request.watch() adds `watch=true` itself.
    const params: QueryParams = { ...watchParams(options), watch: undefined };
    const request = this.#at(this.#rest.get(), options, undefined, params);
    return request.watch<Unstructured>(
      options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs },
    );
  }

  /** Creates an object; with `subresource` (e.g. `eviction`), POSTs it to that subresource of the object it names. */
  create(object: Unstructured, options: CreateOptions & SubresourceOption = {}): Promise<Unstructured> {
    const name = options.subresource === undefined ? undefined : this.#nameOf(object, 'create');
    return this.#at(this.#rest.post(), options, name, writeParams(options)).body(object).do<Unstructured>();
  }

  /** Replaces an object (or its subresource) named by `metadata.name`; a stale resourceVersion is a Conflict. */
  update(object: Unstructured, options: UpdateOptions & SubresourceOption = {}): Promise<Unstructured> {
    const name = this.#nameOf(object, 'update');
    return this.#at(this.#rest.put(), options, name, writeParams(options)).body(object).do<Unstructured>();
  }

  /** Replaces the `status` subresource: only status changes, and the spec generation is not bumped. */
  updateStatus(object: Unstructured, options: UpdateOptions = {}): Promise<Unstructured> {
    return this.update(object, { ...options, subresource: 'status' });
  }

  /** Patches an object (or its subresource): `json` (RFC 6902), `merge` (RFC 7386) or `strategic`. */
  patch(
    name: string,
    format: PatchFormat,
    patch: unknown,
    options: PatchOptions & SubresourceOption = {},
  ): Promise<Unstructured> {
    return this.#at(this.#rest.patch(format), options, name, writeParams(options)).body(patch).do<Unstructured>();
  }

  /** Server-side apply: `options.fieldManager` owns exactly the fields `object` sets. */
  apply(object: Unstructured, options: ApplyOptions & SubresourceOption): Promise<Unstructured> {
    const name = this.#nameOf(object, 'apply');
    return this.#at(this.#rest.patch('apply'), options, name, applyParams(options)).body(object).do<Unstructured>();
  }

  /** Server-side apply to the `status` subresource. */
  applyStatus(object: Unstructured, options: ApplyOptions): Promise<Unstructured> {
    return this.apply(object, { ...options, subresource: 'status' });
  }

  /** Deletes an object: resolves to it while deletion is pending (finalizers), else to the server's Status. */
  delete(name: string, options: DeleteOptions & SubresourceOption = {}): Promise<Unstructured | Status> {
    return this.#at(this.#rest.delete(), options, name, {}).body(deleteBody(options)).do<Unstructured | Status>();
  }

  /** Deletes every object the selectors match (in this namespace, or cluster-wide). */
  deleteCollection(options: DeleteCollectionOptions = {}): Promise<UnstructuredList | Status> {
    return this.#at(this.#rest.delete(), options, undefined, deleteCollectionParams(options))
      .body(deleteBody(options))
      .do<UnstructuredList | Status>();
  }

  #at(
    request: Request,
    options: { readonly signal?: AbortSignal | undefined; readonly subresource?: string | undefined },
    name: string | undefined,
    params: QueryParams,
  ): Request {
    request.groupVersion(this.#gvr).namespace(this.#namespace).resource(this.#gvr.resource);
    if (name !== undefined) request.name(name);
    if (options.subresource !== undefined) request.subresource(options.subresource);
    if (options.signal !== undefined) request.signal(options.signal);
    for (const [key, value] of Object.entries(params)) request.param(key, value);
    return request;
  }

  #nameOf(object: Unstructured, verb: string): string {
    const name = object.metadata?.name;
    if (name === undefined || name === '') throw new MissingNameError(verb, this.#gvr.resource);
    return name;
  }
}
