// Helpers for the Reflector integration tests: a recording ListerWatcher, a FIFO→Indexer pump, bulk creates, compaction.
import { inject } from 'vitest';
import type { Delta } from '../../../src/cache/delta.js';
import { DeltaFIFO, FIFOClosedError } from '../../../src/cache/delta-fifo.js';
import { type Indexer, newIndexer } from '../../../src/cache/indexer.js';
import type { ListerWatcher } from '../../../src/cache/listwatch.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import type { KubeList, KubeObject, WatchEvent } from '../../../src/client/meta.js';
import type { WatchStream } from '../../../src/client/rest/watch.js';
import type { ListOptions, WatchOptions } from '../../../src/client/typed/options.js';
import { fakeServer, integrationTarget } from '../support.js';

type Recorded =
  | { readonly verb: 'list'; readonly options: ListOptions }
  | { readonly verb: 'watch'; readonly options: WatchOptions };

/**
 * Wraps a real ListerWatcher, recording each request's options (without the signal) and every watch failure (a
 * rejected start or an ERROR event). `pauseWatches()` holds new watch requests until `resumeWatches()`.
 */
export class RecordingListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  readonly calls: Recorded[] = [];
  /** The HTTP/Status code of each failed watch start or ERROR event. */
  readonly watchFailures: number[] = [];
  #current: WatchStream<T> | undefined;
  #paused: Promise<void> | undefined;
  #resume: (() => void) | undefined;

  constructor(readonly inner: ListerWatcher<T>) {}

  async list(options: ListOptions): Promise<KubeList<T>> {
    const { signal: _signal, ...rest } = options;
    this.calls.push({ verb: 'list', options: rest });
    return await this.inner.list(options);
  }

  async watch(options: WatchOptions): Promise<WatchStream<T>> {
    const { signal: _signal, ...rest } = options;
    this.calls.push({ verb: 'watch', options: rest });
    await this.#paused;
    try {
      const stream = await this.inner.watch(options);
      this.#current = stream;
      return this.#tap(stream);
    } catch (error) {
      this.watchFailures.push((error as { statusCode?: number }).statusCode ?? 0);
      throw error;
    }
  }

  lists(): ListOptions[] {
    return this.calls.flatMap((c) => (c.verb === 'list' ? [c.options] : []));
  }

  watches(): WatchOptions[] {
    return this.calls.flatMap((c) => (c.verb === 'watch' ? [c.options] : []));
  }

  /** Holds later watch requests and closes the open one. */
  pauseWatches(): void {
    this.#paused = new Promise((resolve) => {
      this.#resume = resolve;
    });
    this.#current?.close();
  }

  resumeWatches(): void {
    this.#resume?.();
    this.#paused = undefined;
  }

  #tap(stream: WatchStream<T>): WatchStream<T> {
    const failures = this.watchFailures;
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<T>> {
        for await (const event of stream) {
          if (event.type === 'ERROR') failures.push(event.object.code ?? 0);
          yield event;
        }
      },
      close: () => stream.close(),
      observable: () => stream.observable(),
    };
  }
}

/** A DeltaFIFO popped into an Indexer, as an informer does, remembering every delta. */
export class Pipeline<T extends KubeObject> {
  readonly indexer: Indexer<T> = newIndexer<T>();
  readonly fifo = new DeltaFIFO<T>({ knownObjects: this.indexer, emitDeltaTypeReplaced: true });
  readonly deltas: Delta<T>[] = [];
  readonly #done: Promise<void>;

  constructor() {
    this.#done = this.#pump();
  }

  async close(): Promise<void> {
    this.fifo.close();
    await this.#done;
  }

  /** key → resourceVersion of everything in the indexer. */
  snapshot(): Map<string, string> {
    return new Map(
      this.indexer
        .list()
        .map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o.metadata?.resourceVersion ?? '']),
    );
  }

  async #pump(): Promise<void> {
    for (;;) {
      try {
        await this.fifo.pop((deltas) => {
          for (const delta of deltas) this.#apply(delta);
        });
      } catch (error) {
        if (error instanceof FIFOClosedError) return;
        throw error;
      }
    }
  }

  #apply(delta: Delta<T>): void {
    this.deltas.push(delta);
    const object = delta.object instanceof DeletedFinalStateUnknown ? delta.object.obj : delta.object;
    if (delta.type === 'Deleted') this.indexer.delete(object);
    else if (this.indexer.get(object)) this.indexer.update(object);
    else this.indexer.add(object);
  }
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
export async function forEachLimited(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
}

/**
 * Compacts the target's history up to its current revision, physically: older resourceVersions are gone (410 on
 * watch). On the real target that is etcd (the shared plane serves configmaps without a watch cache); on the fake,
 * `compact()`.
 */
export async function compactEtcd(): Promise<number> {
  if (integrationTarget === 'fake') return Number(fakeServer().compact());
  const endpoint = inject('controlPlane').etcdEndpoint;
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`etcd ${path}: ${response.status} ${await response.text()}`);
    return await response.json();
  };
  const range = (await post('/v3/kv/range', { key: 'AA==' })) as { header: { revision: string } };
  const revision = Number(range.header.revision);
  await post('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}
