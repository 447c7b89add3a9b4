/** Builds one API request fluently (client-go's rest.Request) and runs it as JSON, bytes, a stream or a watch. */
import { Readable } from 'node:stream';
import type { KubeObject } from '../meta.js';
import { InvalidRequestError, ResponseDecodeError } from './errors.js';
import type { RequestBody, RequestExecutor, RequestSpec, ResponseHeaders } from './request-executor.js';
import type { RequestObserver } from './request-observer.js';
import { isStatus, StatusError } from './status-error.js';
import { openWatch, type WatchOptions, type WatchStream } from './watch.js';

/** The four patch formats the apiserver accepts, by their client-go names. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** The Content-Type of each patch format. */
export const patchContentTypes: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** A raw response: status, headers and the whole body. */
export interface RawResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  readonly body: Uint8Array;
}

/** Where a Request's path and executor come from: the RESTClient. */
export interface RequestContext {
  readonly executor: RequestExecutor;
  /** The path prefix of the config's host (`''` or `/prefix`). */
  readonly pathPrefix: string;
  /** Told of each successful write run by `do()`; absent = none. */
  readonly observer?: RequestObserver | undefined;
}

const writeVerbs = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A path segment that may not be a name: empty, `.`, `..`, or holding `/` or `%` (client-go's IsValidPathSegmentName). */
function invalidSegment(value: string): boolean {
  return value === '' || value === '.' || value === '..' || value.includes('/') || value.includes('%');
}

/**
 * One API request, configured by chained setters and run once by `do`, `doRaw`, `stream` or `watch`.
 *
 * Path: `absPath` or `groupVersion` (`''` group → `/api/v1`, else `/apis/<g>/<v>`), then `namespaces/<ns>` when a
 * namespace is set, then resource, name and subresource parts. Query parameters keep insertion order; repeated
 * keys are all sent.
 *
 * Guarantees: the results are plain JSON exactly as the server sent it (one JSON.parse, no reviver);
 * non-2xx responses reject with StatusError; a Request is not reusable after it ran; setters never throw (invalid
 * input is reported by the run, as client-go does).
 */
export class Request {
  readonly #context: RequestContext;
  readonly #verb: string;
  #prefix: string | undefined;
  /** Set by `groupVersion` (cleared by `absPath`): what `onWrite` reports. */
  #groupVersion: { readonly group: string; readonly version: string } | undefined;
  #namespace: string | undefined;
  #resource: string | undefined;
  #name: string | undefined;
  #subresource: readonly string[] = [];
  readonly #params = new URLSearchParams();
  readonly #headers: Record<string, string> = {};
  #body: RequestBody | undefined;
  #timeoutMs = 0;
  #signal: AbortSignal | undefined;
  /** The first invalid input, reported when the request runs. */
  #error: InvalidRequestError | undefined;

  /** @internal Requests come from RESTClient's verb methods: `get()`, `post()`, … */
  constructor(context: RequestContext, verb: string) {
    this.#context = context;
    this.#verb = verb;
  }

  /** The API group and version: `''` group → `/api/<v>`, else `/apis/<group>/<v>`. */
  groupVersion(gv: { readonly group: string; readonly version: string }): this {
    this.#prefix = gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
    this.#groupVersion = { group: gv.group, version: gv.version };
    return this;
  }

  /** A non-resource path such as `/version`, `/apis` or `/openapi/v3`; replaces the group/version prefix. */
  absPath(path: string): this {
    this.#prefix = `/${path.replace(/^\/+|\/+$/g, '')}`;
    this.#groupVersion = undefined;
    return this;
  }

  /** `undefined` or `''` means cluster-scoped (or all namespaces for a list). */
  namespace(ns: string | undefined): this {
    if (ns && invalidSegment(ns)) this.#fail(`invalid namespace ${JSON.stringify(ns)}`);
    this.#namespace = ns || undefined;
    return this;
  }

  /** The resource (plural, lowercased), e.g. `configmaps`. */
  resource(resource: string): this {
    if (invalidSegment(resource)) this.#fail(`invalid resource ${JSON.stringify(resource)}`);
    this.#resource = resource.toLowerCase();
    return this;
  }

  /** The object name. */
  name(name: string): this {
    if (invalidSegment(name)) this.#fail(`invalid resource name ${JSON.stringify(name)}`);
    this.#name = name;
    return this;
  }

  /** E.g. `subresource('status')`, `subresource('log')`, `subresource('proxy', 'path')`. */
  subresource(...parts: string[]): this {
    for (const part of parts) if (invalidSegment(part)) this.#fail(`invalid subresource ${JSON.stringify(part)}`);
    this.#subresource = parts;
    return this;
  }

  /** Adds a query parameter; `undefined` is omitted. */
  param(key: string, value: string | number | boolean | undefined): this {
    if (value !== undefined) this.#params.append(key, String(value));
    return this;
  }

  /**
   * The request body: bytes or a string are sent as they are, a Node Readable or an AsyncIterable of bytes is
   * streamed (and never retried), `undefined` removes the body, anything else is sent as JSON.
   */
  body(value: unknown): this {
    if (value === undefined) {
      this.#body = undefined;
    } else if (typeof value === 'string' || value instanceof Uint8Array) {
      this.#body = { replayable: true, data: value };
    } else if (value instanceof Readable) {
      this.#body = { replayable: false, data: value };
    } else if (typeof value === 'object' && value !== null && Symbol.asyncIterator in value) {
      this.#body = { replayable: false, data: Readable.from(value as AsyncIterable<Uint8Array>) };
    } else {
      this.#body = { replayable: true, data: JSON.stringify(value) };
    }
    return this;
  }

  /** Sets a request header (names are case-insensitive; the last value wins). */
  setHeader(name: string, value: string): this {
    this.#headers[name.toLowerCase()] = value;
    return this;
  }

  /**
   * Bounds the whole request, retries included (overrides `RestConfig.timeoutMs`); for `stream()` and `watch()`
   * it bounds only the wait for the response headers.
   */
  timeout(ms: number): this {
    this.#timeoutMs = ms;
    return this;
  }

  /** Aborts the request (and a stream or watch it opened) when the signal aborts; it rejects with the signal's reason. */
  signal(signal: AbortSignal): this {
    this.#signal = signal;
    return this;
  }

  /** Runs the request and parses the JSON response. Rejects with StatusError on non-2xx. */
  async do<T>(): Promise<T> {
    const response = await this.doRaw();
    const verb = this.#verb;
    const path = this.#path();
    if (response.body.byteLength === 0) {
      throw new ResponseDecodeError(verb, path, `0-length response with status code ${response.statusCode}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(response.body));
    } catch {
      throw new ResponseDecodeError(verb, path, 'the response body is not JSON');
    }
    // client-go: a Status of Failure is an error even with a 2xx code.
    if (isStatus(value) && value.status === 'Failure') throw new StatusError(value, { verb, path });
    this.#reportWrite(value);
    return value as T;
  }

  #reportWrite(response: unknown): void {
    const onWrite = this.#context.observer?.onWrite;
    const gv = this.#groupVersion;
    if (onWrite === undefined || gv === undefined || this.#resource === undefined || !writeVerbs.has(this.#verb)) {
      return;
    }
    onWrite.call(this.#context.observer, {
      verb: this.#verb,
      group: gv.group,
      version: gv.version,
      resource: this.#resource,
      subresource: this.#subresource.join('/'),
      namespace: this.#namespace ?? '',
      name: this.#name ?? '',
      response,
    });
  }

  /** Runs the request and returns the whole body as bytes. Rejects with StatusError on non-2xx. */
  async doRaw(): Promise<RawResponse> {
    return await this.#context.executor.buffered(this.#spec(false));
  }

  /**
   * Runs the request and streams the body (e.g. pod logs with `follow=true`) with no idle or total limit; stop by
   * breaking out of the loop or aborting the signal. Rejects with StatusError on non-2xx.
   */
  async stream(): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.#context.executor.streaming(this.#spec(true));
    return response.body;
  }

  /** Adds `watch=true` and returns the stream of events. See WatchStream for its guarantees. */
  async watch<T extends KubeObject>(options: WatchOptions = {}): Promise<WatchStream<T>> {
    this.param('watch', true);
    const abort = new AbortController();
    const callerSignal = this.#signal;
    this.#signal = callerSignal ? AbortSignal.any([callerSignal, abort.signal]) : abort.signal;
    const response = await this.#context.executor.streaming(this.#spec(true));
    const path = this.#path();
    return openWatch<T>(response.body, { ...options, path, abort, ...(callerSignal ? { signal: callerSignal } : {}) });
  }

  #fail(message: string): void {
    this.#error ??= new InvalidRequestError(message);
  }

  #path(): string {
    const segments = [this.#context.pathPrefix, this.#prefix ?? ''];
    if (this.#namespace) segments.push('/namespaces/', encodeURIComponent(this.#namespace));
    if (this.#resource) segments.push('/', encodeURIComponent(this.#resource));
    if (this.#name) segments.push('/', encodeURIComponent(this.#name));
    for (const part of this.#subresource) segments.push('/', encodeURIComponent(part));
    return segments.join('') || '/';
  }

  #spec(streaming: boolean): RequestSpec {
    if (this.#error) throw this.#error;
    if (this.#prefix === undefined) {
      throw new InvalidRequestError('a request needs groupVersion() or absPath() before it runs');
    }
    const headers = { ...this.#headers };
    if (this.#body && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    // As client-go does, the server is told the timeout too, so it gives up when we do.
    if (!streaming && this.#timeoutMs > 0 && !this.#params.has('timeout'))
      this.#params.set('timeout', `${this.#timeoutMs}ms`);
    const query = this.#params.size > 0 ? `?${this.#params.toString()}` : '';
    return {
      verb: this.#verb,
      path: this.#path(),
      query,
      headers,
      body: this.#body,
      timeoutMs: this.#timeoutMs,
      signal: this.#signal,
    };
  }
}
