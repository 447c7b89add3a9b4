/** Assembles what makes a manager one shard of a ring: its scoped informers, membership Lease, drainer and sharder. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SharedInformerFactoryOptions } from '../../cache/informer-factory.js';
import { ClientSet } from '../../client/kubernetes/clientset.js';
import type { Clock } from '../../client/rest/clock.js';
import { RESTClient } from '../../client/rest/rest-client.js';
import { LeaderElector } from '../leader-election/leader-elector.js';
import { LeaseLock } from '../leader-election/lease-lock.js';
import type { LeaderCallbacks } from '../leader-election/options.js';
import { runLeaderElection } from '../leader-election/run-leader-election.js';
import { restClientMetricsObserver } from '../rest-client-metrics.js';
import type { Runnable } from '../runnable.js';
import { ownedSelector } from './labels.js';
import { defaultShardName, ringLeaseClient } from './membership.js';
import { checkShardingOptions, type ShardingOptions } from './options.js';
import { ShardDrainer } from './shard-drainer.js';
import { newShardedInformerFactory, type ShardedInformerFactory } from './sharded-informer-factory.js';
import { Sharder } from './sharder.js';

/** What the parts share with their manager. */
export interface ShardingContext {
  readonly clientSet: ClientSet;
  /** The manager's informer scope; absent = all namespaces. */
  readonly namespace: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metricsRegistry: Registry;
  /** When the oldest reconcile running in the manager started; undefined when none runs. */
  readonly inFlightSince: () => number | undefined;
}

/**
 * The sharding side of one manager.
 *
 * Guarantees: the manager's "leadership" becomes membership: it holds the Lease named after its shard (released on
 * a clean stop, after its controllers stopped), and its controllers run only while it does. `runnables` (the
 * drainer, and the sharder under its own election on `<ring>-sharder`) need that membership too. Both Leases are
 * written through a client of their own (same config, connection pool and `rest_client_*` metrics, its own rate
 * limiter), as controller-runtime's leader election is: the sharder's placements and the drainer's releases,
 * thousands at once in a large ring, never queue a renewal or the release on stop behind them.
 */
export class ManagerSharding {
  readonly options: ShardingOptions;
  readonly shard: string;
  #factory: ShardedInformerFactory | undefined;
  /**
   * The Leases' client, made on first use from the manager's config, feeding the manager's `rest_client_*` metrics
   * (the registry's one set); not its read-your-writes tracking, which waits for the controllers' own writes only.
   */
  #leaseClients: ClientSet | undefined;

  /** Checks the options (ShardingOptionsError). */
  constructor(options: ShardingOptions) {
    checkShardingOptions(options);
    this.options = options;
    this.shard = options.shard ?? defaultShardName();
  }

  /** The manager's factory: informers of sharded resources select `<shard-label>=<shard>,!<drain-label>`. */
  factory(options: SharedInformerFactoryOptions): ShardedInformerFactory {
    const { ring, resources, ownedResources = [] } = this.options;
    this.#factory = newShardedInformerFactory(
      options,
      [...resources, ...ownedResources],
      ownedSelector(ring, this.shard),
    );
    return this.#factory;
  }

  /** The membership elector: a LeaderElector on this shard's own Lease, labelled with the ring. */
  elector(context: ShardingContext, callbacks: LeaderCallbacks): LeaderElector {
    return this.#elector(context, this.shard, callbacks);
  }

  /** The drainer, and the sharder unless `runSharder` is false. */
  runnables(context: ShardingContext): Runnable[] {
    const o = this.options;
    const drainer = new ShardDrainer({
      clientSet: context.clientSet,
      ring: o.ring,
      shard: this.shard,
      resources: o.resources,
      namespace: context.namespace,
      ownedInformers: (resource) => this.#factory?.shardedInformers(resource) ?? [],
      inFlightSince: context.inFlightSince,
      clock: context.clock,
      logger: context.logger,
      metricsRegistry: context.metricsRegistry,
    });
    if (o.runSharder === false) return [drainer];
    const sharder = new Sharder({
      clientSet: context.clientSet,
      ring: o.ring,
      leaseNamespace: o.leaseNamespace,
      resources: o.resources,
      ownedResources: o.ownedResources,
      namespace: context.namespace,
      identity: this.shard,
      virtualNodes: o.virtualNodes,
      clock: context.clock,
      logger: context.logger,
      metricsRegistry: context.metricsRegistry,
    });
    const name = `${o.ring}-sharder`;
    const elected: Runnable = {
      name: sharder.name,
      needLeaderElection: true,
      start: (signal) => {
        const elector = this.#elector(context, name, { onStartedLeading: (term) => sharder.start(term) });
        return runLeaderElection(elector, signal);
      },
    };
    return [drainer, elected];
  }

  #elector(context: ShardingContext, leaseName: string, callbacks: LeaderCallbacks): LeaderElector {
    const o = this.options;
    this.#leaseClients ??= new ClientSet(
      RESTClient.forConfig(context.clientSet.rest.config, {
        observer: restClientMetricsObserver(context.metricsRegistry),
      }),
    );
    const leases = this.#leaseClients.coordinationV1().leases(o.leaseNamespace);
    return new LeaderElector({
      lock: new LeaseLock({
        // Only the shard Leases carry the ring label: the sharder's own Lease is no shard.
        client: leaseName === this.shard ? ringLeaseClient(leases, o.ring) : leases,
        namespace: o.leaseNamespace,
        name: leaseName,
        identity: this.shard,
      }),
      leaseDurationMs: o.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs,
      releaseOnCancel: true,
      clock: context.clock,
      logger: context.logger,
      callbacks,
    });
  }
}
