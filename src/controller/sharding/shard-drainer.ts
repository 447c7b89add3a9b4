/** Lets go of the objects the sharder drains from this shard, once no reconcile of theirs can still run here. */
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { newSharedInformerFactory } from '../../cache/informer-factory.js';
import type { PartialObjectMetadata } from '../../cache/metadata-listwatch.js';
import type { SharedIndexInformer } from '../../cache/shared-index-informer.js';
import { DynamicClient } from '../../client/dynamic/dynamic-client.js';
import type { ClientSet } from '../../client/kubernetes/clientset.js';
import type { KubeObject } from '../../client/meta.js';
import type { Clock } from '../../client/rest/clock.js';
import { isConflict, isNotFound } from '../../client/rest/status-error.js';
import type { Runnable } from '../runnable.js';
import { awaitDrainable, drainPollMs } from './drain-gate.js';
import { drainingSelector, drainLabel, shardLabel } from './labels.js';
import type { ShardedResource } from './placement.js';

/** Options of {@link ShardDrainer}. */
export interface ShardDrainerOptions {
  readonly clientSet: ClientSet;
  readonly ring: string;
  readonly shard: string;
  readonly resources: readonly ShardedResource[];
  readonly namespace?: string | undefined;
  /** This shard's informers of a resource (those the controllers read). */
  readonly ownedInformers: (resource: ShardedResource) => readonly SharedIndexInformer<KubeObject>[];
  /** When the oldest reconcile still running on this replica started (ms since the epoch); undefined if none. */
  readonly inFlightSince: () => number | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metricsRegistry: Registry;
}

/** How often drains still pending are started again (a failed one, say); ms. */
const retryDrainMs = 10_000;

/**
 * The shard side of the drain handshake, as a Runnable that runs while this replica is a member of its ring.
 *
 * Guarantees: for each object of this shard carrying the drain label, it removes both the shard and the drain
 * labels only once its drain gate let it: no informer of this shard holds the object any more (it left their
 * `!drain` selector), so no new reconcile can read it, and every reconcile that started before then finished.
 * The removal is a merge patch with the drained resourceVersion as precondition, retried on a newer version while
 * the object is still draining from this shard. Publishes `kubeloop_shard_objects` (cached objects per resource),
 * `kubeloop_shard_drains_total` and `kubeloop_shard_drain_seconds` (drain label seen → labels removed).
 */
export class ShardDrainer implements Runnable {
  readonly name: string;
  readonly needLeaderElection = true;
  readonly #options: ShardDrainerOptions;
  readonly #draining = new Set<string>();
  readonly #drains: Counter<'ring' | 'resource'>;
  readonly #drainSeconds: Histogram<'ring' | 'resource'>;

  constructor(options: ShardDrainerOptions) {
    this.#options = options;
    this.name = `shard-drainer/${options.ring}`;
    const { ring, shard, metricsRegistry: registry } = options;
    this.#drains = new Counter({
      name: 'kubeloop_shard_drains_total',
      help: 'Objects this shard let go of when the sharder drained them.',
      labelNames: ['ring', 'resource'],
      registers: [registry],
    });
    this.#drainSeconds = new Histogram({
      name: 'kubeloop_shard_drain_seconds',
      help: 'Time from seeing the drain label to removing the labels.',
      labelNames: ['ring', 'resource'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    new Gauge({
      name: 'kubeloop_shard_objects',
      help: 'Objects of a sharded resource in this shard (in its caches).',
      labelNames: ['ring', 'shard', 'resource'],
      registers: [registry],
      collect() {
        for (const resource of options.resources) {
          const sizes = options.ownedInformers(resource).map((i) => i.getIndexer().listKeys().length);
          this.set({ ring, shard, resource: resource.resource }, Math.max(0, ...sizes));
        }
      },
    });
  }

  /** Acknowledges drains until `signal` aborts; drains under way when it aborts are abandoned (the labels stay). */
  async start(signal: AbortSignal): Promise<void> {
    const o = this.#options;
    const factory = newSharedInformerFactory({
      clientSet: o.clientSet,
      labelSelector: drainingSelector(o.ring, o.shard),
      // A failed drain is tried again at the next resync: the sharder does not ask twice.
      defaultResyncMs: retryDrainMs,
      logger: o.logger,
      clock: o.clock,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    });
    const running = new Set<Promise<void>>();
    for (const resource of o.resources) {
      const informer = factory.forMetadata(resource);
      const begin = (object: Readonly<PartialObjectMetadata>): void => {
        const key = keyOf(object);
        const id = `${resource.group}/${resource.resource}/${key}`;
        if (this.#draining.has(id)) return;
        this.#draining.add(id);
        const drain = this.#drain(resource, informer, key, object.metadata.resourceVersion ?? '', signal)
          .catch((error: unknown) => {
            if (!signal.aborted)
              o.logger.error({ err: error, object: key }, 'drain failed; retrying at the next resync');
          })
          .finally(() => {
            this.#draining.delete(id);
            running.delete(drain);
          });
        running.add(drain);
      };
      informer.addEventHandler({ onAdd: begin, onUpdate: (_old, object) => begin(object) }, { name: this.name });
    }
    factory.start(signal);
    await abortOf(signal);
    await Promise.all([...running]);
    await factory.shutdown();
  }

  async #drain(
    resource: ShardedResource,
    drained: SharedIndexInformer<PartialObjectMetadata>,
    key: string,
    drainedVersion: string,
    signal: AbortSignal,
  ): Promise<void> {
    const { clock, logger } = this.#options;
    const seenAt = clock.now();
    await awaitDrainable({
      key,
      drainedVersion,
      caches: this.#options.ownedInformers(resource),
      inFlightSince: this.#options.inFlightSince,
      clock,
      signal,
    });
    // Let go: remove both labels, on the latest version that still drains from this shard.
    const { ring, shard } = this.#options;
    for (;;) {
      const object = drained.getIndexer().getByKey(key);
      const labels = object?.metadata.labels ?? {};
      if (object === undefined || labels[shardLabel(ring)] !== shard || !(drainLabel(ring) in labels)) return;
      try {
        await this.#release(resource, object, signal);
        break;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isConflict(error)) throw error;
        await clock.sleep(drainPollMs, signal);
      }
    }
    const labels = { ring, resource: resource.resource };
    this.#drains.inc(labels);
    this.#drainSeconds.observe(labels, (clock.now() - seenAt) / 1000);
    logger.debug({ object: key, ms: clock.now() - seenAt }, 'drained object');
  }

  async #release(
    resource: ShardedResource,
    object: Readonly<PartialObjectMetadata>,
    signal: AbortSignal,
  ): Promise<void> {
    const { ring } = this.#options;
    const meta = object.metadata;
    const client = new DynamicClient(this.#options.clientSet.rest).resource(resource);
    const patch = {
      metadata: {
        resourceVersion: meta.resourceVersion,
        labels: { [shardLabel(ring)]: null, [drainLabel(ring)]: null },
      },
    };
    await (meta.namespace ? client.namespace(meta.namespace) : client).patch(meta.name ?? '', 'merge', patch, {
      signal,
    });
  }
}

function keyOf(object: Readonly<KubeObject>): string {
  const meta = object.metadata ?? {};
  return meta.namespace ? `${meta.namespace}/${meta.name}` : (meta.name ?? '');
}

function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
