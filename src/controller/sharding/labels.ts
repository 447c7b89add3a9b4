/** Names the labels sharding reads and writes, and checks ring and shard names against label rules. */
import { ShardingOptionsError } from './errors.js';

/** Labels a shard's membership Lease with its ring's name. */
export const ringLabel = 'sharding.kubeloop.dev/ring';

/** The label holding an object's shard in `ring`. */
export function shardLabel(ring: string): string {
  return `shard.sharding.kubeloop.dev/${ring}`;
}

/** The label the sharder sets (value `true`) to ask an object's shard to let go of it. */
export function drainLabel(ring: string): string {
  return `drain.sharding.kubeloop.dev/${ring}`;
}

/** The label selector of one shard's objects that are not being drained: `<shard-label>=<shard>,!<drain-label>`. */
export function ownedSelector(ring: string, shard: string): string {
  return `${shardLabel(ring)}=${shard},!${drainLabel(ring)}`;
}

/** The label selector of one shard's objects being drained: `<shard-label>=<shard>,<drain-label>`. */
export function drainingSelector(ring: string, shard: string): string {
  return `${shardLabel(ring)}=${shard},${drainLabel(ring)}`;
}

// A DNS-1123 label: valid as a label value, a label-name suffix and a Lease name (shards' Leases are named so).
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws ShardingOptionsError unless `value` is a DNS-1123 label (lower-case alphanumerics and '-', ≤ 63). */
export function checkName(what: string, value: unknown, maxLength = 63): asserts value is string {
  if (typeof value !== 'string' || value.length > maxLength || !dns1123Label.test(value)) {
    throw new ShardingOptionsError(
      `${what} must be a DNS-1123 label (lower-case alphanumerics and '-', at most ${maxLength}), got ${String(value)}`,
    );
  }
}
