// A scripted ListerWatcher (the Reflector's one neighbour), a controllable watch stream and a recording store.
import { Observable } from 'rxjs';
import type { ListerWatcher } from '../../../../src/cache/listwatch.js';
import { Reflector, type ReflectorOptions, type ReflectorStore } from '../../../../src/cache/reflector.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../../../../src/client/meta.js';
import { TransportError } from '../../../../src/client/rest/errors.js';
import { StatusError } from '../../../../src/client/rest/status-error.js';
import type { WatchStream } from '../../../../src/client/rest/watch.js';
import type { ListOptions, WatchOptions } from '../../../../src/client/typed/options.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeClock, settle } from '../../support/fake-clock.js';
import { obj, type TestObject } from '../objects.js';

type Item<T extends KubeObject> =
  | { readonly kind: 'event'; readonly event: WatchEvent<T> }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: unknown };

/** A watch stream the test feeds: events, a clean end, or a failure. */
export class FakeWatch<T extends KubeObject = TestObject> implements WatchStream<T> {
  readonly #items: Item<T>[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  push(...events: WatchEvent<T>[]): this {
    for (const event of events) this.#enqueue({ kind: 'event', event });
    return this;
  }

  end(): this {
    this.#enqueue({ kind: 'end' });
    return this;
  }

  fail(error: unknown): this {
    this.#enqueue({ kind: 'error', error });
    return this;
  }

  /** Ends the iteration with the signal's reason when it aborts (as the RESTClient's watch does). */
  attach(signal: AbortSignal | undefined): void {
    signal?.addEventListener('abort', () => this.fail(signal.reason), { once: true });
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  observable(): Observable<WatchEvent<T>> {
    return new Observable((subscriber) => {
      void (async () => {
        for await (const event of this) subscriber.next(event);
        subscriber.complete();
      })();
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    for (;;) {
      if (this.closed) return;
      const item = this.#items.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      if (item.kind === 'end') return;
      if (item.kind === 'error') throw item.error;
      yield item.event;
    }
  }

  #enqueue(item: Item<T>): void {
    this.#items.push(item);
    this.#wake?.();
  }
}

export type ListStep<T extends KubeObject> = KubeList<T> | Error;
export type WatchStep<T extends KubeObject> = FakeWatch<T> | Error;
export type Call =
  | { readonly verb: 'list'; readonly options: ListOptions }
  | { readonly verb: 'watch'; readonly options: WatchOptions };

/** Answers each list and watch with the next scripted step; with none left, the call waits for its signal. */
export class ScriptedListerWatcher<T extends KubeObject = TestObject> implements ListerWatcher<T> {
  readonly calls: Call[] = [];
  readonly #lists: ListStep<T>[];
  readonly #watches: WatchStep<T>[];

  constructor(script: { lists?: ListStep<T>[]; watches?: WatchStep<T>[] } = {}) {
    this.#lists = [...(script.lists ?? [])];
    this.#watches = [...(script.watches ?? [])];
  }

  /** The options of each list call, without the signal. */
  lists(): ListOptions[] {
    return this.calls.flatMap((call) => (call.verb === 'list' ? [call.options] : []));
  }

  /** The options of each watch call, without the signal. */
  watches(): WatchOptions[] {
    return this.calls.flatMap((call) => (call.verb === 'watch' ? [call.options] : []));
  }

  addWatch(step: WatchStep<T>): void {
    this.#watches.push(step);
  }

  addList(step: ListStep<T>): void {
    this.#lists.push(step);
  }

  /** Lets the code under test run until `count` calls were made. */
  async waitForCalls(count: number): Promise<Call[]> {
    for (let turn = 0; this.calls.length < count; turn++) {
      if (turn > 10_000) throw new Error(`expected ${count} calls, saw ${JSON.stringify(this.calls)}`);
      await settle();
    }
    return this.calls;
  }

  async list(options: ListOptions): Promise<KubeList<T>> {
    const { signal, ...rest } = options;
    this.calls.push({ verb: 'list', options: rest });
    const step = this.#lists.shift();
    if (step === undefined) return await hang(signal);
    if (step instanceof Error) throw step;
    return step;
  }

  async watch(options: WatchOptions): Promise<WatchStream<T>> {
    const { signal, ...rest } = options;
    this.calls.push({ verb: 'watch', options: rest });
    const step = this.#watches.shift();
    if (step === undefined) return await hang(signal);
    if (step instanceof Error) throw step;
    step.attach(signal);
    return step;
  }
}

function hang(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/** A list page. */
export function page<T extends KubeObject>(items: T[], resourceVersion: string, continueToken?: string): KubeList<T> {
  return {
    kind: 'ConfigMapList',
    apiVersion: 'v1',
    metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
    items,
  };
}

/** A StatusError as the RESTClient throws it. */
export function statusError(code: number, reason: string, extra: Partial<Status> = {}): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message: reason,
    ...extra,
  };
  return new StatusError(status, { verb: 'GET', path: '/api/v1/configmaps' });
}

/** The Status of an ERROR watch event. */
export function errorEvent(code: number, reason: string): WatchEvent<TestObject> {
  return { type: 'ERROR', object: { kind: 'Status', status: 'Failure', code, reason, message: reason } };
}

/** A refused connection, as the RESTClient reports it. */
export function connectionRefused(): TransportError {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
  return new TransportError('GET', '/api/v1/configmaps', cause);
}

/** A bookmark at `rv`, optionally the watch-list initial-events-end one. */
export function bookmark(rv: string, initialEventsEnd = false): WatchEvent<TestObject> {
  const annotations = initialEventsEnd ? { 'k8s.io/initial-events-end': 'true' } : {};
  return {
    type: 'BOOKMARK',
    object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv, annotations } },
  };
}

export const added = (name: string, rv: string): WatchEvent<TestObject> => ({
  type: 'ADDED',
  object: obj('ns', name, rv),
});
export const modified = (name: string, rv: string): WatchEvent<TestObject> => ({
  type: 'MODIFIED',
  object: obj('ns', name, rv),
});
export const deleted = (name: string, rv: string): WatchEvent<TestObject> => ({
  type: 'DELETED',
  object: obj('ns', name, rv),
});

/** Records what the Reflector did to it, one line per call: `add ns/a@5`, `replace [ns/a,ns/b]@10`, `resync`. */
export class RecordingStore implements ReflectorStore<TestObject> {
  readonly ops: string[] = [];
  add(o: TestObject): void {
    this.ops.push(`add ${describe(o)}`);
  }
  update(o: TestObject): void {
    this.ops.push(`update ${describe(o)}`);
  }
  delete(o: TestObject): void {
    this.ops.push(`delete ${describe(o)}`);
  }
  replace(list: TestObject[], resourceVersion: string): void {
    this.ops.push(
      `replace [${list.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`).join(',')}]@${resourceVersion}`,
    );
  }
  resync(): void {
    this.ops.push('resync');
  }
}

function describe(o: TestObject): string {
  return `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`;
}

/** A running Reflector under test, with its clock and store. */
export interface Harness<S extends ReflectorStore<TestObject>> {
  readonly reflector: Reflector<TestObject>;
  readonly clock: FakeClock;
  readonly store: S;
  readonly errors: unknown[];
  /** Aborts the run and waits until it resolved. */
  stop(): Promise<void>;
}

/**
 * Starts a Reflector with a fake clock, random() = 0 (timeouts of exactly 300 s, un-jittered backoff), watch-list
 * off and dead-watch detection off (its tests turn it on).
 */
export function startReflector<S extends ReflectorStore<TestObject> = RecordingStore>(
  lw: ListerWatcher<TestObject>,
  options: Partial<ReflectorOptions<TestObject>> & { store?: S } = {},
): Harness<S> {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const store = (options.store ?? new RecordingStore()) as S;
  const errors: unknown[] = [];
  const reflector = new Reflector<TestObject>({
    name: 'configmaps',
    random: () => 0,
    watchList: 'off',
    deadWatchTimeoutMs: 0,
    watchErrorHandler: (_, error) => errors.push(error),
    logger: createLogger({ level: 'silent' }),
    ...options,
    listerWatcher: lw,
    store,
    clock,
  });
  const abort = new AbortController();
  const running = reflector.run(abort.signal);
  return {
    reflector,
    clock,
    store,
    errors,
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}
