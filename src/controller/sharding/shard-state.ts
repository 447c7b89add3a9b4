/** Derives a shard's membership state from its Lease and the time, as the sharding research defines them. */
import type { Lease } from '../../client/kubernetes/coordination-v1/types.js';

/**
 * A shard's state, from its Lease (named after the shard; held by the shard while it lives):
 * - `ready`: held by the shard and renewed within the lease duration.
 * - `expired`: held by the shard, not renewed for a lease duration. The shard's elector stopped its controllers at
 *   its renew deadline, as a client-go leader stops leading, so the sharder takes the Lease over at once; until that
 *   write lands the shard keeps its objects.
 * - `dead`: released by the shard (a clean stop) or taken over by the sharder: its objects move without a drain.
 * - `orphaned`: dead for longer than {@link orphanTtlMs}: the sharder deletes the Lease.
 */
export type ShardState = 'ready' | 'expired' | 'dead' | 'orphaned';

/** How long a dead shard's Lease stays before the sharder deletes it (the research's one minute). */
export const orphanTtlMs = 60_000;

/** The lease duration assumed for a Lease without one (client-go's default). */
const defaultLeaseDurationMs = 15_000;

/** A shard's state and the times behind it. */
export interface ShardStatus {
  /** The shard: the Lease's name. */
  readonly shard: string;
  readonly state: ShardState;
  /** When the state changes next on its own (ms since the epoch); Infinity for `orphaned`. */
  readonly nextChangeAt: number;
  readonly leaseDurationMs: number;
}

/** Whether objects may be (or stay) assigned to a shard in `state`. */
export function isAvailable(state: ShardState): boolean {
  return state === 'ready' || state === 'expired';
}

/**
 * The state of the shard whose Lease this is, at `now` (ms since the epoch). A Lease without renew time or
 * duration counts as expiring at `now`. Uses the Lease's renewTime, so it trusts the holder's clock to be roughly
 * in step with the sharder's (as the research does); skew shifts each state by the skew.
 */
export function shardStatus(lease: Readonly<Lease>, now: number): ShardStatus {
  const shard = lease.metadata?.name ?? '';
  const spec = lease.spec ?? {};
  const renewedAt = spec.renewTime === undefined ? Number.NaN : Date.parse(spec.renewTime);
  const seconds = spec.leaseDurationSeconds;
  const complete = Number.isFinite(renewedAt) && seconds !== undefined && seconds > 0;
  const leaseDurationMs = complete ? seconds * 1000 : defaultLeaseDurationMs;
  const expiresAt = complete ? renewedAt + leaseDurationMs : now;
  const at = (state: ShardState, nextChangeAt: number): ShardStatus => ({
    shard,
    state,
    nextChangeAt,
    leaseDurationMs,
  });
  if (!spec.holderIdentity || spec.holderIdentity !== shard) {
    return now < expiresAt + orphanTtlMs ? at('dead', expiresAt + orphanTtlMs) : at('orphaned', Infinity);
  }
  return now < expiresAt ? at('ready', expiresAt) : at('expired', now);
}
