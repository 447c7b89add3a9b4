/** Declares a sharded manager's options and checks them. */
import type { GroupVersionResource } from '../../client/meta.js';
import { ShardingOptionsError } from './errors.js';
import { checkName } from './labels.js';
import type { ShardedResource } from './placement.js';

/** `ManagerOptions.sharding`: this manager is one shard of a ring. */
export interface ShardingOptions {
  /** The ring's name, shared by its replicas (a DNS-1123 label; it names the labels and the Leases). */
  readonly ring: string;
  /** Where the ring's Leases live (each shard's, and the sharder's `<ring>-sharder`). */
  readonly leaseNamespace: string;
  /** The resources spread over the shards by their own key; the manager's informers of them see this shard's only. */
  readonly resources: readonly ShardedResource[];
  /** Resources whose objects follow their controller owner's shard; their informers are scoped the same way. */
  readonly ownedResources?: readonly GroupVersionResource[] | undefined;
  /** This replica's shard name, its Lease's name and holder; defaults to `<host>-<8 random hex>`. */
  readonly shard?: string | undefined;
  /** Campaign for the ring's sharder on Lease `<ring>-sharder` (one replica runs it); defaults to true. */
  readonly runSharder?: boolean | undefined;
  /** Virtual nodes per shard on the hash ring; defaults to 1,000 (see `defaultVirtualNodes`). Same on every replica. */
  readonly virtualNodes?: number | undefined;
  /** Membership and sharder Lease timings; defaults to 15 s / 10 s / 2 s (client-go's). */
  readonly leaseDurationMs?: number | undefined;
  readonly renewDeadlineMs?: number | undefined;
  readonly retryPeriodMs?: number | undefined;
}

/** Throws ShardingOptionsError for sharding options that cannot work. */
export function checkShardingOptions(options: ShardingOptions): void {
  checkName('sharding.ring', options.ring, 63 - '-sharder'.length);
  if (typeof options.leaseNamespace !== 'string' || options.leaseNamespace === '') {
    throw new ShardingOptionsError('sharding.leaseNamespace must be a non-empty string');
  }
  if (!Array.isArray(options.resources) || options.resources.length === 0) {
    throw new ShardingOptionsError('sharding.resources must name at least one resource');
  }
  for (const resource of options.resources) {
    if (!resource.resource || !resource.version || !resource.kind) {
      throw new ShardingOptionsError('each of sharding.resources needs group, version, resource and kind');
    }
  }
  if (options.shard !== undefined) checkName('sharding.shard', options.shard);
}
