// An informer the test feeds by hand: a real indexer, handlers called synchronously in registration order.
import type { ResourceEventHandler } from '../../../../src/cache/event-handler.js';
import { type Indexer, newIndexer } from '../../../../src/cache/indexer.js';
import type {
  ResourceEventHandlerRegistration,
  SharedIndexInformer,
} from '../../../../src/cache/shared-index-informer.js';
import { DeletedFinalStateUnknown } from '../../../../src/cache/tombstone.js';
import type { KubeObject } from '../../../../src/client/meta.js';

export class HandFedInformer<T extends KubeObject> implements SharedIndexInformer<T> {
  readonly name: string;
  readonly #indexer: Indexer<T> = newIndexer<T>();
  readonly #handlers = new Map<ResourceEventHandlerRegistration, ResourceEventHandler<T>>();
  /** The names handlers were registered under. */
  readonly handlerNames: string[] = [];

  constructor(name: string) {
    this.name = name;
  }

  addEventHandler(handler: ResourceEventHandler<T>, options?: { name?: string }): ResourceEventHandlerRegistration {
    const registration: ResourceEventHandlerRegistration = {
      hasSynced: () => true,
      remove: () => this.#handlers.delete(registration),
    };
    this.#handlers.set(registration, handler);
    this.handlerNames.push(options?.name ?? '');
    return registration;
  }

  removeEventHandler(registration: ResourceEventHandlerRegistration): void {
    this.#handlers.delete(registration);
  }

  getIndexer(): Indexer<T> {
    return this.#indexer;
  }

  addIndexers(): void {}

  hasSynced(): boolean {
    return true;
  }

  lastSyncResourceVersion(): string {
    return '';
  }

  setTransform(): void {}

  setWatchErrorHandler(): void {}

  run(): Promise<void> {
    return Promise.resolve();
  }

  isStopped(): boolean {
    return false;
  }

  lastWatchProgressAt(): number | undefined {
    return undefined;
  }

  /** Caches `obj` and tells every handler. */
  add(obj: T): void {
    this.#indexer.add(obj);
    for (const handler of this.#handlers.values()) handler.onAdd?.(obj, false);
  }

  update(oldObj: T, newObj: T): void {
    this.#indexer.update(newObj);
    for (const handler of this.#handlers.values()) handler.onUpdate?.(oldObj, newObj);
  }

  /** Removes `obj`; with `tombstone`, handlers get a DeletedFinalStateUnknown wrapping it. */
  delete(obj: T, tombstone = false): void {
    this.#indexer.delete(obj);
    const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    const seen = tombstone ? new DeletedFinalStateUnknown(key, obj) : obj;
    for (const handler of this.#handlers.values()) handler.onDelete?.(seen);
  }
}
