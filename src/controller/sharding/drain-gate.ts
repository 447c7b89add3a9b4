/** Waits until a drained object may be let go: gone from this shard's caches, and no older reconcile still running. */
import type { Clock } from '../../client/rest/clock.js';

/** What the gate reads of one of this shard's informers; SharedIndexInformer satisfies it. */
export interface DrainedCache {
  getIndexer(): { getByKey(key: string): unknown };
  /** The last resourceVersion the informer's watch delivered. */
  lastSyncResourceVersion(): string;
}

/** Options of {@link awaitDrainable}. */
export interface DrainGateOptions {
  /** The object's cache key, `namespace/name`. */
  readonly key: string;
  /** The resourceVersion at which the drain label was seen. */
  readonly drainedVersion: string;
  /** This shard's informers of the object's resource (those its controllers read). */
  readonly caches: readonly DrainedCache[];
  /** When the oldest reconcile running on this replica started; undefined when none runs. */
  readonly inFlightSince: () => number | undefined;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/** How often the gate looks again (ms): drains should be quick, and each look is a few map reads. */
export const drainPollMs = 25;

/**
 * How long the gate waits at most for the caches to reach the drained version (ms). They normally see the drain
 * (as the object leaving their label selector) within milliseconds; a watch that had nothing else to deliver might
 * only confirm the version at its next bookmark, so the wait is bounded.
 */
export const cacheCatchUpMs = 2_000;

/**
 * Resolves once (1) no cache holds `key` and each reached `drainedVersion` (or {@link cacheCatchUpMs} passed), so no
 * reconcile starting from then on can read the object, and (2) every reconcile that started before that moment has
 * finished. Rejects with the signal's reason when it aborts first.
 */
export async function awaitDrainable(options: DrainGateOptions): Promise<void> {
  const { key, drainedVersion, caches, clock, signal } = options;
  const seenAt = clock.now();
  const held = (cache: DrainedCache): boolean =>
    cache.getIndexer().getByKey(key) !== undefined ||
    (clock.now() - seenAt < cacheCatchUpMs && !reached(cache.lastSyncResourceVersion(), drainedVersion));
  while (caches.some(held)) await clock.sleep(drainPollMs, signal);
  const goneAt = clock.now();
  for (let since = options.inFlightSince(); since !== undefined && since <= goneAt; since = options.inFlightSince()) {
    await clock.sleep(drainPollMs, signal);
  }
}

/** Whether `seen` ≥ `version`, compared as integers (etcd's); an unparsable one counts as reached. */
function reached(seen: string, version: string): boolean {
  try {
    return BigInt(seen || '0') >= BigInt(version);
  } catch {
    return true;
  }
}
