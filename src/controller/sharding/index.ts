/** Exports horizontal sharding: the hash ring, shard states, placement, the sharder and the shard side's parts. */
export { ShardingOptionsError } from './errors.js';
export { defaultVirtualNodes, HashRing, hashKey } from './hash-ring.js';
export { drainingSelector, drainLabel, ownedSelector, ringLabel, shardLabel } from './labels.js';
export type { ShardingOptions } from './options.js';
export type { CurrentPlacement, Placement, ShardedResource } from './placement.js';
export { currentPlacement, placeOwned, placePrimary, ringKey } from './placement.js';
export type { ShardDrainerOptions } from './shard-drainer.js';
export { ShardDrainer } from './shard-drainer.js';
export type { ShardState, ShardStatus } from './shard-state.js';
export { isAvailable, orphanTtlMs, shardStatus } from './shard-state.js';
export type { SharderOptions } from './sharder.js';
export { Sharder } from './sharder.js';
export type { ShardingWebhookOptions } from './sharding-webhook.js';
export { shardingWebhook } from './sharding-webhook.js';
