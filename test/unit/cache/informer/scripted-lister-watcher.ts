// Scripts a ListerWatcher for informer unit tests: a fixed list, then watch events pushed by the test.
import type { Observable } from 'rxjs';
import type { ListerWatcher } from '../../../../src/cache/listwatch.js';
import type { KubeList, KubeObject, WatchEvent } from '../../../../src/client/meta.js';
import type { WatchStream } from '../../../../src/client/rest/watch.js';
import type { ListOptions, WatchOptions } from '../../../../src/client/typed/options.js';

/** A watch stream the test feeds; it ends when closed or when the request's signal aborts. */
class PushWatch<T extends KubeObject> implements WatchStream<T> {
  readonly #pending: WatchEvent<T>[] = [];
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(signal: AbortSignal | undefined) {
    signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  push(event: WatchEvent<T>): void {
    this.#pending.push(event);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  observable(): Observable<WatchEvent<T>> {
    throw new Error('not used by the Reflector');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    for (;;) {
      const next = this.#pending.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

/** Lists `items` at resourceVersion `rv`, then serves one watch at a time that the test pushes events into. */
export class ScriptedListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  readonly lists: ListOptions[] = [];
  readonly watches: WatchOptions[] = [];
  #watch: PushWatch<T> | undefined;
  #watchStarted: (() => void) | undefined;
  #items: T[];
  #rv: string;

  constructor(items: T[], rv = '1') {
    this.#items = items;
    this.#rv = rv;
  }

  /** What the next list returns. */
  setList(items: T[], rv: string): void {
    this.#items = items;
    this.#rv = rv;
  }

  async list(options: ListOptions): Promise<KubeList<T>> {
    this.lists.push(options);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: this.#rv }, items: [...this.#items] };
  }

  async watch(options: WatchOptions): Promise<WatchStream<T>> {
    this.watches.push(options);
    const watch = new PushWatch<T>(options.signal);
    this.#watch = watch;
    this.#watchStarted?.();
    return watch;
  }

  /** Resolves once a watch is open. */
  async watching(): Promise<void> {
    if (this.#watch) return;
    await new Promise<void>((resolve) => {
      this.#watchStarted = resolve;
    });
  }

  /** Sends an event on the open watch. */
  emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void {
    if (!this.#watch) throw new Error('no watch open');
    this.#watch.push({ type, object });
  }

  /** Ends the open watch with a 410 Expired error event, so the Reflector relists. */
  expire(): void {
    const watch = this.#watch;
    if (!watch) throw new Error('no watch open');
    this.#watch = undefined;
    watch.push({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old' },
    });
  }
}
