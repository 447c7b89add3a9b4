/** Shares one informer per resource among a program's controllers, and starts, syncs and stops them together. */
import type { Logger } from 'pino';
import type { DynamicClient } from '../client/dynamic/dynamic-client.js';
import { DynamicClient as DynamicClientImpl } from '../client/dynamic/dynamic-client.js';
import type { Unstructured } from '../client/dynamic/unstructured.js';
import type { ClientSet } from '../client/kubernetes/clientset.js';
import type { GroupVersionResource, KubeList, KubeObject } from '../client/meta.js';
import type { Clock } from '../client/rest/clock.js';
import type { RESTClient } from '../client/rest/rest-client.js';
import type { ResourceClient } from '../client/typed/resource-client.js';
import { KubeloopError } from '../errors.js';
import type { Indexers } from './indexer.js';
import { type ListerWatcher, listWatchFrom } from './listwatch.js';
import { metadataListWatch, type PartialObjectMetadata } from './metadata-listwatch.js';
import {
  newSharedIndexInformer,
  type SharedIndexInformer,
  type SharedIndexInformerOptions,
} from './shared-index-informer.js';
import { waitForCacheSync } from './wait-for-cache-sync.js';

/** Thrown when the factory lacks what an informer needs, e.g. `forResource` without any client in its options. */
export class InformerFactoryOptionsError extends KubeloopError<'INFORMER_FACTORY_OPTIONS'> {
  readonly code = 'INFORMER_FACTORY_OPTIONS';
}

/** Options of {@link newSharedInformerFactory}. */
export interface SharedInformerFactoryOptions {
  /** Used by `forResource` and `forMetadata` when no `dynamicClient` / `restClient` is given (its RESTClient). */
  readonly clientSet?: ClientSet;
  /** Used by `forResource`; defaults to one built on the RESTClient. */
  readonly dynamicClient?: DynamicClient;
  /** Used by `forMetadata` (and `forResource` without a `dynamicClient`). */
  readonly restClient?: RESTClient;
  /** Scopes every informer to one namespace; absent = all namespaces. */
  readonly namespace?: string;
  /** Added to every list and watch. */
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Each informer's resync period unless `informerFor` says otherwise; 0 (default) = never resync. */
  readonly defaultResyncMs?: number;
  /** Applied to every object of every informer before caching, e.g. `stripManagedFields`. */
  readonly transform?: <T extends KubeObject>(obj: T) => T;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly watchList?: 'auto' | 'on' | 'off';
  /** Every informer's dead-watch timeout (SharedIndexInformerOptions.deadWatchTimeoutMs); default 60 s; 0 = off. */
  readonly deadWatchTimeoutMs?: number;
}

/** Per-informer choices of {@link SharedInformerFactory.informerFor}; only the first call for a key counts. */
export interface InformerForOptions<T extends KubeObject> {
  readonly resyncPeriodMs?: number;
  readonly indexers?: Indexers<T>;
}

/**
 * A registry of informers, one per resource key.
 *
 * Guarantees: asking twice for the same key returns the same informer (the later options and list-watch factory
 * are ignored), so every consumer shares one cache and one watch; `start` runs each informer not yet started,
 * once, until its signal aborts or `shutdown`; after `shutdown` begins nothing starts any more. Keys are
 * `typed:<group>/<version>/<resource>`, `dynamic:…` and `metadata:…` for the accessors below (`informerFor`
 * takes any key you choose).
 */
export interface SharedInformerFactory {
  /** The informer under `key`, created with `newListerWatcher()` the first time. */
  informerFor<T extends KubeObject>(
    key: string,
    newListerWatcher: () => ListerWatcher<T>,
    options?: InformerForOptions<T>,
  ): SharedIndexInformer<T>;
  /**
   * The informer of a typed resource, from a function giving its client in a namespace, e.g.
   * `factory.forClient((ns) => clientSet.coreV1().pods(ns))`. Typed by the client: a `SharedIndexInformer<Pod>`.
   */
  forClient<T extends KubeObject>(
    clientIn: (namespace: string | undefined) => ResourceClient<T, KubeList<T>>,
    options?: InformerForOptions<T>,
  ): SharedIndexInformer<T>;
  /** The informer of any resource, on unstructured objects (client-go's dynamic informer). */
  forResource(gvr: GroupVersionResource, options?: InformerForOptions<Unstructured>): SharedIndexInformer<Unstructured>;
  /** The informer of a resource's metadata only (PartialObjectMetadata): far less memory for large objects. */
  forMetadata(
    gvr: GroupVersionResource,
    options?: InformerForOptions<PartialObjectMetadata>,
  ): SharedIndexInformer<PartialObjectMetadata>;
  /** Starts every informer not yet started; they stop when `signal` aborts or at `shutdown`. */
  start(signal: AbortSignal): void;
  /** Waits until every started informer has synced or `signal` aborts; key → synced. */
  waitForCacheSync(signal: AbortSignal): Promise<Map<string, boolean>>;
  /** Stops every informer and resolves once all have stopped. */
  shutdown(): Promise<void>;
}

/** Creates a {@link SharedInformerFactory}. */
export function newSharedInformerFactory(options: SharedInformerFactoryOptions = {}): SharedInformerFactory {
  return new InformerFactory(options);
}

class InformerFactory implements SharedInformerFactory {
  readonly #options: SharedInformerFactoryOptions;
  /** Every informer ever created, by key; never shrinks. */
  readonly #informers = new Map<string, SharedIndexInformer<KubeObject>>();
  /** The run promise of each started informer, by key. */
  readonly #running = new Map<string, Promise<void>>();
  readonly #shutdown = new AbortController();

  constructor(options: SharedInformerFactoryOptions) {
    this.#options = options;
  }

  informerFor<T extends KubeObject>(
    key: string,
    newListerWatcher: () => ListerWatcher<T>,
    options: InformerForOptions<T> = {},
  ): SharedIndexInformer<T> {
    const existing = this.#informers.get(key);
    if (existing) return existing as unknown as SharedIndexInformer<T>;
    const o = this.#options;
    const informerOptions: SharedIndexInformerOptions<T> = {
      name: key,
      resyncPeriodMs: options.resyncPeriodMs ?? o.defaultResyncMs ?? 0,
      ...(options.indexers ? { indexers: options.indexers } : {}),
      ...(o.transform ? { transform: o.transform } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.watchList ? { watchList: o.watchList } : {}),
      ...(o.deadWatchTimeoutMs === undefined ? {} : { deadWatchTimeoutMs: o.deadWatchTimeoutMs }),
    };
    const informer = newSharedIndexInformer<T>(newListerWatcher(), informerOptions);
    this.#informers.set(key, informer as unknown as SharedIndexInformer<KubeObject>);
    return informer;
  }

  forClient<T extends KubeObject>(
    clientIn: (namespace: string | undefined) => ResourceClient<T, KubeList<T>>,
    options: InformerForOptions<T> = {},
  ): SharedIndexInformer<T> {
    const client = clientIn(this.#options.namespace);
    const { group, version, resource } = client.descriptor;
    return this.informerFor(`typed:${group}/${version}/${resource}`, () => this.#scoped(client), options);
  }

  forResource(
    gvr: GroupVersionResource,
    options: InformerForOptions<Unstructured> = {},
  ): SharedIndexInformer<Unstructured> {
    return this.informerFor(
      `dynamic:${gvrKey(gvr)}`,
      () => {
        const all = this.#dynamicClient().resource(gvr);
        const ns = this.#options.namespace;
        return this.#scoped(ns === undefined ? all : all.namespace(ns));
      },
      options,
    );
  }

  forMetadata(
    gvr: GroupVersionResource,
    options: InformerForOptions<PartialObjectMetadata> = {},
  ): SharedIndexInformer<PartialObjectMetadata> {
    const { namespace, labelSelector, fieldSelector } = this.#options;
    return this.informerFor(
      `metadata:${gvrKey(gvr)}`,
      () =>
        metadataListWatch(this.#restClient('forMetadata'), gvr, {
          ...(namespace === undefined ? {} : { namespace }),
          ...(labelSelector === undefined ? {} : { labelSelector }),
          ...(fieldSelector === undefined ? {} : { fieldSelector }),
        }),
      options,
    );
  }

  start(signal: AbortSignal): void {
    if (this.#shutdown.signal.aborted) return;
    const stop = AbortSignal.any([signal, this.#shutdown.signal]);
    for (const [key, informer] of this.#informers) {
      if (this.#running.has(key)) continue;
      const run = informer.run(stop).catch((error: unknown) => {
        this.#options.logger?.error({ err: error, informer: key }, 'informer stopped with an error');
      });
      this.#running.set(key, run);
    }
  }

  async waitForCacheSync(signal: AbortSignal): Promise<Map<string, boolean>> {
    const started = [...this.#running.keys()].map((key) => [key, this.#informers.get(key)] as const);
    const result = new Map<string, boolean>();
    await Promise.all(
      started.map(async ([key, informer]) => {
        result.set(key, informer !== undefined && (await waitForCacheSync(signal, () => informer.hasSynced())));
      }),
    );
    return result;
  }

  async shutdown(): Promise<void> {
    this.#shutdown.abort();
    await Promise.all(this.#running.values());
  }

  #scoped<T extends KubeObject>(client: ListerWatcher<T>): ListerWatcher<T> {
    const { labelSelector, fieldSelector } = this.#options;
    return listWatchFrom(client, {
      ...(labelSelector === undefined ? {} : { labelSelector }),
      ...(fieldSelector === undefined ? {} : { fieldSelector }),
    });
  }

  #dynamicClient(): DynamicClient {
    return this.#options.dynamicClient ?? new DynamicClientImpl(this.#restClient('forResource'));
  }

  #restClient(what: string): RESTClient {
    const rest = this.#options.restClient ?? this.#options.clientSet?.rest ?? this.#options.dynamicClient?.restClient;
    if (!rest)
      throw new InformerFactoryOptionsError(
        `${what} needs a restClient, clientSet or dynamicClient in the factory options`,
      );
    return rest;
  }
}

const gvrKey = (gvr: GroupVersionResource): string => `${gvr.group}/${gvr.version}/${gvr.resource}`;
