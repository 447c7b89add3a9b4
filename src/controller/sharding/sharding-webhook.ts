/** Labels new objects with their shard at admission, so shards see them without waiting for the sharder. */
import type { KubeObject } from '../../client/meta.js';
import { mutatingWebhook } from '../../webhook/admission.js';
import type { WebhookEndpoint } from '../../webhook/endpoint.js';
import { shardLabel } from './labels.js';
import type { Sharder } from './sharder.js';

/** Options of {@link shardingWebhook}. */
export interface ShardingWebhookOptions {
  /** The ring's running sharder: its live ring and caches decide. */
  readonly sharder: Pick<Sharder, 'shardForNew'>;
  readonly ring: string;
  /** Names the webhook in logs; defaults to `sharding-<ring>`. */
  readonly name?: string | undefined;
}

/**
 * A mutating admission endpoint for CREATE of the ring's sharded and owned resources (register it on a
 * WebhookServer path, with a MutatingWebhookConfiguration naming those resources; the research's sharder webhook).
 *
 * Guarantees: an object without the ring's shard label gets the shard `Sharder.shardForNew` names; an object that
 * has one, or for which it names none (sharder not running in this process, no live shard, no name yet), is admitted
 * unchanged and placed by the sharder once created. It never denies.
 */
export function shardingWebhook(options: ShardingWebhookOptions): WebhookEndpoint {
  const label = shardLabel(options.ring);
  return mutatingWebhook<KubeObject>({
    name: options.name ?? `sharding-${options.ring}`,
    failurePolicy: 'Ignore',
    mutate: (object, request) => {
      if (request.operation !== 'CREATE' || object.metadata?.labels?.[label] !== undefined) return object;
      const name = object.metadata?.name ?? request.name;
      const named = { ...object, metadata: { ...object.metadata, ...(name ? { name } : {}) } };
      const shard = options.sharder.shardForNew(request.resource, named, request.namespace ?? '');
      if (shard === undefined) return object;
      return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, [label]: shard } } };
    },
  });
}
