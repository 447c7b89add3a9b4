// Raw requests for conformance cases: they compare status codes, Status bodies and objects, so no typed client sits between.
import { expect } from 'vitest';
import type { KubeObject, Status, WatchEvent, WatchEventType } from '../../../src/client/meta.js';
import type { PatchType } from '../../../src/client/rest/request.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import type { WatchStream } from '../../../src/client/rest/watch.js';
import type { Target } from './target.js';

/** A resource collection: group/version/resource and, for namespaced resources, the namespace. */
export interface Collection {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace?: string;
}

type Params = Readonly<Record<string, string | number | boolean | undefined>>;

/** A plain object as the server returns it. */
export type Obj = KubeObject & Record<string, unknown>;

export interface ObjList {
  readonly kind: string;
  readonly apiVersion: string;
  readonly metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  readonly items: Obj[];
}

export function core(resource: string, namespace?: string): Collection {
  return { group: '', version: 'v1', resource, ...(namespace === undefined ? {} : { namespace }) };
}

export function grouped(group: string, version: string, resource: string, namespace?: string): Collection {
  return { group, version, resource, ...(namespace === undefined ? {} : { namespace }) };
}

/** The requests of one target. */
export class Api {
  constructor(readonly t: Target) {}

  #on<
    R extends {
      groupVersion(gv: { group: string; version: string }): R;
      namespace(ns: string | undefined): R;
      resource(r: string): R;
      param(k: string, v: string | number | boolean | undefined): R;
    },
  >(request: R, c: Collection, params: Params = {}): R {
    let r = request.groupVersion(c).namespace(c.namespace).resource(c.resource);
    for (const [key, value] of Object.entries(params)) r = r.param(key, value);
    return r;
  }

  create(c: Collection, body: unknown, params?: Params): Promise<Obj> {
    return this.#on(this.t.client.post(), c, params).body(body).do<Obj>();
  }

  get(c: Collection, name: string, params?: Params): Promise<Obj> {
    return this.#on(this.t.client.get(), c, params).name(name).do<Obj>();
  }

  getSub(c: Collection, name: string, subresource: string): Promise<Obj> {
    return this.#on(this.t.client.get(), c).name(name).subresource(subresource).do<Obj>();
  }

  list(c: Collection, params?: Params): Promise<ObjList> {
    return this.#on(this.t.client.get(), c, params).do<ObjList>();
  }

  update(c: Collection, name: string, body: unknown, params?: Params, subresource?: string): Promise<Obj> {
    const request = this.#on(this.t.client.put(), c, params).name(name);
    return (subresource ? request.subresource(subresource) : request).body(body).do<Obj>();
  }

  patch(
    c: Collection,
    name: string,
    type: PatchType,
    body: unknown,
    params?: Params,
    subresource?: string,
  ): Promise<Obj> {
    const request = this.#on(this.t.client.patch(type), c, params).name(name);
    return (subresource ? request.subresource(subresource) : request).body(body).do<Obj>();
  }

  apply(c: Collection, name: string, body: unknown, manager: string, force = false): Promise<Obj> {
    return this.patch(c, name, 'apply', body, { fieldManager: manager, ...(force ? { force: true } : {}) });
  }

  delete(c: Collection, name: string, body?: unknown, params?: Params): Promise<Obj> {
    const request = this.#on(this.t.client.delete(), c, params).name(name);
    return (body === undefined ? request : request.body(body)).do<Obj>();
  }

  deleteCollection(c: Collection, params?: Params): Promise<ObjList> {
    return this.#on(this.t.client.delete(), c, params).do<ObjList>();
  }

  async watch(c: Collection, params: Params): Promise<EventReader> {
    const stream = await this.#on(this.t.client.get(), c, params).watch<Obj>();
    return new EventReader(stream);
  }

  /** Waits until `check` passes (the real server's controllers and the fake's background work are asynchronous). */
  async eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const value = await read();
      if (check(value)) return value;
      if (attempt > 300) throw new Error(`condition not met; last value: ${JSON.stringify(value).slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A watch event with its object read loosely (ERROR events carry a Status). */
export interface Event {
  readonly type: WatchEventType;
  readonly object: Obj;
}

/** Reads watch events one at a time. */
export class EventReader {
  readonly #iterator: AsyncIterator<WatchEvent<Obj>>;
  constructor(readonly stream: WatchStream<Obj>) {
    this.#iterator = stream[Symbol.asyncIterator]();
  }

  /** The next event (an ERROR's Status read as an object too); fails the test when the stream ends first. */
  async next(): Promise<Event> {
    const result = await this.#iterator.next();
    if (result.done) throw new Error('the watch ended');
    return result.value as Event;
  }

  /** Whether the stream ends (true) rather than producing an event. */
  async ends(): Promise<boolean> {
    return (await this.#iterator.next()).done === true;
  }

  close(): void {
    this.stream.close();
  }
}

/** The Status of a request that must fail. */
export async function failure(promise: Promise<unknown>): Promise<Status & { code: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the request should have failed').toBeInstanceOf(StatusError);
  return (error as StatusError).status as Status & { code: number };
}

/** A unique object name. */
export function uniqueName(prefix = 'obj'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 9)}`;
}
