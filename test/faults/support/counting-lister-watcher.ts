// Counts the full syncs (relists) and 410s of a ListerWatcher; imports kubeloop's types only, so the soak can use it.
import type { ListerWatcher } from '../../../src/cache/listwatch.js';
import type { KubeList, KubeObject, WatchEvent } from '../../../src/client/meta.js';
import type { WatchStream } from '../../../src/client/rest/watch.js';

/**
 * Wraps a ListerWatcher, counting watch requests, full syncs (each list page, and each watch-list, i.e. a watch
 * asking for its initial events) and every 410 Gone it meets (list, watch start or ERROR event).
 */
export class CountingListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  syncs = 0;
  watches = 0;
  gone = 0;

  readonly #inner: ListerWatcher<T>;

  constructor(inner: ListerWatcher<T>) {
    this.#inner = inner;
  }

  async list(options: Parameters<ListerWatcher<T>['list']>[0]): Promise<KubeList<T>> {
    this.syncs += 1;
    return this.#counting(() => this.#inner.list(options));
  }

  async watch(options: Parameters<ListerWatcher<T>['watch']>[0]): Promise<WatchStream<T>> {
    this.watches += 1;
    if (options.sendInitialEvents) this.syncs += 1;
    const stream = await this.#counting(() => this.#inner.watch(options));
    const onGone = (): void => {
      this.gone += 1;
    };
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<T>> {
        for await (const event of stream) {
          if (event.type === 'ERROR' && event.object.code === 410) onGone();
          yield event;
        }
      },
      close: () => stream.close(),
      observable: () => stream.observable(),
    };
  }

  async #counting<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 410) this.gone += 1;
      throw error;
    }
  }
}
