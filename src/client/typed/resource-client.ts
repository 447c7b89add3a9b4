/** Implements the verbs of one API resource (get, list, watch, create, update, patch, apply, delete) on a RESTClient. */
import type { KubeList, KubeObject, Status } from '../meta.js';
import type { Request } from '../rest/request.js';
import type { RESTClient } from '../rest/rest-client.js';
import type { WatchStream } from '../rest/watch.js';
import type { ApplyConfiguration } from './apply-configuration.js';
import { type ApiVersionKind, KindMismatchError, MissingNameError } from './errors.js';
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
} from './options.js';
import {
  applyParams,
  deleteBody,
  deleteCollectionParams,
  getParams,
  listParams,
  type QueryParams,
  watchParams,
  writeParams,
} from './query.js';

/** Which resource a client serves: its group/version, plural name, kind and scope. */
export interface ResourceDescriptor {
  /** `''` for the core group. */
  readonly group: string;
  readonly version: string;
  /** The plural resource name, as in the URL: `pods`, `deployments`. */
  readonly resource: string;
  /** The kind of the objects it holds (`Pod`), filled into the objects the client writes. */
  readonly kind: string;
  readonly namespaced: boolean;
}

// The scale subresource of every built-in and custom resource speaks autoscaling/v1 Scale.
const scaleKind: ApiVersionKind = { apiVersion: 'autoscaling/v1', kind: 'Scale' };

/** The patch formats of {@link ResourceClient.patch}; server-side apply has its own method. */
export type PatchFormat = 'json' | 'merge' | 'strategic';

/**
 * The typed client of one resource, in one namespace (or all namespaces, or a cluster-scoped resource).
 *
 * Guarantees: each call is one API request through the shared RESTClient (its rate limiter, retries and pool
 * apply); returned objects are plain JSON exactly as the server sent them, owned by the caller; server failures
 * reject with the RESTClient's `StatusError`; a call whose object lacks the name the URL needs rejects with
 * {@link MissingNameError} before sending. Objects written whole (create, update, apply, and the status and scale
 * subresources) are sent with `apiVersion` and `kind` filled in when they lack them, on a shallow copy (the
 * caller's object is never mutated); one naming another kind or apiVersion rejects with {@link KindMismatchError}
 * before sending. Stateless: safe to share and to call concurrently.
 *
 * @typeParam T - the object type, e.g. `Pod`.
 * @typeParam TList - the list type, e.g. `PodList`.
 */
export class ResourceClient<T extends KubeObject, TList extends KubeList<T> = KubeList<T>> {
  /**
   * @param rest - the RESTClient requests go through.
   * @param descriptor - the resource.
   * @param namespace - the namespace of a namespaced resource; absent lists and watches across all namespaces.
   */
  constructor(
    protected readonly rest: RESTClient,
    readonly descriptor: ResourceDescriptor,
    readonly namespace?: string,
  ) {}

  /** Reads one object by name. */
  async get(name: string, options: GetOptions = {}): Promise<T> {
    return await this.at(this.rest.get(), 'get', options.signal, name, getParams(options)).do<T>();
  }

  /** Lists objects; with `limit`, one page whose `metadata.continue` fetches the next. */
  async list(options: ListOptions = {}): Promise<TList> {
    return await this.at(this.rest.get(), 'list', options.signal, undefined, listParams(options)).do<TList>();
  }

  /** Starts a watch; iterate the stream, and close it (or abort the signal) when done. */
  async watch(options: WatchOptions = {}): Promise<WatchStream<T>> {
    const request = this.at(this.rest.get(), 'watch', options.signal, undefined, watchParams(options));
    return await request.watch<T>(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs });
  }

  /** Creates an object; the server fills in what it defaults. */
  async create(object: T, options: CreateOptions = {}): Promise<T> {
    return await this.at(this.rest.post(), 'create', options.signal, undefined, writeParams(options))
      .body(this.typed('create', object, this.objectKind()))
      .do<T>();
  }

  /** Replaces an object (named by its `metadata.name`); a stale `resourceVersion` fails with a Conflict. */
  async update(object: T, options: UpdateOptions = {}): Promise<T> {
    return await this.at(this.rest.put(), 'update', options.signal, object, writeParams(options))
      .body(this.typed('update', object, this.objectKind()))
      .do<T>();
  }

  /** Patches an object: `json` (RFC 6902 operations), `merge` (RFC 7386) or `strategic` (Kubernetes' merge). */
  async patch(name: string, format: PatchFormat, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return await this.patchSubresource<T>(name, [], format, patch, options);
  }

  /** Server-side apply: the manager in `options.fieldManager` owns exactly the fields `configuration` sets. */
  async apply(configuration: ApplyConfiguration<T>, options: ApplyOptions): Promise<T> {
    return await this.applySubresource<T>(configuration, [], options);
  }

  /**
   * Deletes an object. Resolves to the object when deletion is pending (finalizers, graceful deletion), else to the
   * server's Success Status.
   */
  async delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    return await this.at(this.rest.delete(), 'delete', options.signal, name, {})
      .body(deleteBody(options))
      .do<T | Status>();
  }

  /** Deletes every object the selectors match, in this namespace; resolves to the list of deleted objects. */
  async deleteCollection(options: DeleteCollectionOptions = {}): Promise<TList | Status> {
    const params = deleteCollectionParams(options);
    return await this.at(this.rest.delete(), 'deleteCollection', options.signal, undefined, params)
      .body(deleteBody(options))
      .do<TList | Status>();
  }

  /** Reads a subresource of the named object (e.g. `scale`). */
  protected async getSubresource<R>(name: string, subresource: string, options: GetOptions): Promise<R> {
    return await this.at(this.rest.get(), subresource, options.signal, name, getParams(options), subresource).do<R>();
  }

  /** POSTs a body to a subresource of the object (e.g. `eviction`, `binding`, `token`). */
  protected async createSubresource<R>(
    target: Target,
    subresource: string,
    body: unknown,
    options: CreateOptions,
  ): Promise<R> {
    return await this.at(this.rest.post(), subresource, options.signal, target, writeParams(options), subresource)
      .body(body)
      .do<R>();
  }

  /** PUTs a body to a subresource of the object (e.g. `status`, `scale`, whose bodies get apiVersion and kind). */
  protected async updateSubresource<R>(
    target: Target,
    subresource: string,
    body: unknown,
    options: UpdateOptions,
  ): Promise<R> {
    const kind = this.subresourceKind([subresource]);
    return await this.at(this.rest.put(), subresource, options.signal, target, writeParams(options), subresource)
      .body(kind === undefined ? body : this.typed(subresource, body, kind))
      .do<R>();
  }

  /** Patches the object or one of its subresources (`subresource` empty for the object itself). */
  protected async patchSubresource<R>(
    name: string,
    subresource: readonly string[],
    format: PatchFormat,
    patch: unknown,
    options: PatchOptions,
  ): Promise<R> {
    const request = this.rest.patch(format);
    return await this.at(request, 'patch', options.signal, name, writeParams(options), ...subresource)
      .body(patch)
      .do<R>();
  }

  /** Server-side applies a configuration to the object or one of its subresources. */
  protected async applySubresource<R>(
    configuration: ApplyConfiguration<T>,
    subresource: readonly string[],
    options: ApplyOptions,
  ): Promise<R> {
    const request = this.rest.patch('apply');
    const kind = this.subresourceKind(subresource);
    return await this.at(request, 'apply', options.signal, configuration, applyParams(options), ...subresource)
      .body(kind === undefined ? configuration : this.typed('apply', configuration, kind))
      .do<R>();
  }

  /** Opens a streaming GET of a subresource (e.g. pod `log` with `follow`). */
  protected async streamSubresource(
    name: string,
    subresource: string,
    params: QueryParams,
    signal: AbortSignal | undefined,
  ): Promise<AsyncIterable<Uint8Array>> {
    return await this.at(this.rest.get(), subresource, signal, name, params, subresource).stream();
  }

  /** The apiVersion and kind of this resource's objects: `apps/v1` `Deployment`, `v1` `Pod`. */
  private objectKind(): ApiVersionKind {
    const { group, version, kind } = this.descriptor;
    return { apiVersion: group === '' ? version : `${group}/${version}`, kind };
  }

  /** The apiVersion and kind a write to a subresource sends: the object's own for itself and status, else Scale. */
  private subresourceKind(subresource: readonly string[]): ApiVersionKind | undefined {
    if (subresource.length === 0 || (subresource.length === 1 && subresource[0] === 'status')) return this.objectKind();
    if (subresource.length === 1 && subresource[0] === 'scale') return scaleKind;
    return undefined;
  }

  /**
   * Returns `body` with `expected`'s apiVersion and kind: itself when it has both, a shallow copy when it lacks
   * one. Throws KindMismatchError (callers are async, so it rejects) when it names others.
   */
  private typed<B>(verb: string, body: B, expected: ApiVersionKind): B {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    const { apiVersion, kind } = body as { apiVersion?: unknown; kind?: unknown };
    const wrong = (value: unknown, want: string) => value !== undefined && value !== '' && value !== want;
    if (wrong(apiVersion, expected.apiVersion) || wrong(kind, expected.kind)) {
      const actual = {
        apiVersion: typeof apiVersion === 'string' ? apiVersion : undefined,
        kind: typeof kind === 'string' ? kind : undefined,
      };
      throw new KindMismatchError(verb, this.descriptor.resource, expected, actual);
    }
    if (apiVersion === expected.apiVersion && kind === expected.kind) return body;
    return { ...body, apiVersion: expected.apiVersion, kind: expected.kind };
  }

  /**
   * Points a request at this resource, the named object (a name, or an object's `metadata.name`) and a
   * subresource, with a query. Throws MissingNameError (callers are async, so it rejects) for a nameless object.
   */
  private at(
    request: Request,
    verb: string,
    signal: AbortSignal | undefined,
    target: Target | undefined,
    params: QueryParams,
    ...subresource: string[]
  ): Request {
    request
      .groupVersion({ group: this.descriptor.group, version: this.descriptor.version })
      .namespace(this.descriptor.namespaced ? this.namespace : undefined)
      .resource(this.descriptor.resource);
    if (target !== undefined) {
      const name = typeof target === 'string' ? target : target.metadata?.name;
      if (!name) throw new MissingNameError(verb, this.descriptor.resource);
      request.name(name);
    }
    if (subresource.length > 0) request.subresource(...subresource);
    if (signal !== undefined) request.signal(signal);
    for (const [key, value] of Object.entries(params)) request.param(key, value);
    return request;
  }
}

/** What a call names: a name, or an object carrying it in `metadata.name`. */
export type Target = string | { readonly metadata?: { readonly name?: string } };
