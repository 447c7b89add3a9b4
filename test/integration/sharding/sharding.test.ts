// Several sharded managers in one process on the shared control plane: spread, churn, a replica leaving, one joining.
// 150 objects, so this in-process test stays well under a minute; processes.test.ts runs issue 16's full 3,000 (and
// their owned children) with each replica its own process.
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { HashRing, shardLabel } from '../../../src/controller/sharding/index.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
const ring = 'widgets';
const objectCount = 150;
// Short Lease timings keep moves quick; no assertion depends on speed.
const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
const patience = { timeout: 60_000, interval: 100 };

/** One reconcile as its replica recorded it. */
interface Reconcile {
  readonly by: string;
  readonly key: string;
  readonly resourceVersion: string;
  readonly start: number;
  readonly end: number;
}

interface Replica {
  readonly shard: string;
  readonly manager: Manager;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

/** Pairs of reconciles of one object by two replicas whose [start, end] intervals intersect. */
function overlaps(reconciles: readonly Reconcile[]): string[] {
  const byKey = new Map<string, Reconcile[]>();
  for (const r of reconciles) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const found: string[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && (sorted[j] as Reconcile).start <= (sorted[i] as Reconcile).end; j++) {
        if ((sorted[j] as Reconcile).by !== (sorted[i] as Reconcile).by) found.push(key);
      }
    }
  }
  return found;
}

describe('sharded managers against a real apiserver', () => {
  it('spread objects over 3 shards, reconcile each after its last change, and move them with no overlap', async () => {
    const namespace = await testNamespace('sharding');
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const reconciles: Reconcile[] = [];
    const replicas: Replica[] = [];
    onTestFinished(async () => {
      for (const replica of replicas) replica.stop.abort();
      await Promise.all(replicas.map((r) => r.done));
    });

    const start = (shard: string): Replica => {
      const manager = newManager({
        config,
        namespace,
        logger: createLogger({ level: 'silent' }),
        sharding: {
          ring,
          leaseNamespace: namespace,
          resources: [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' }],
          shard,
          ...timings,
        },
      });
      const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
      newControllerManagedBy(manager)
        .named('widgets')
        .withOptions({ maxConcurrentReconciles: 4, logger: createLogger({ level: 'silent' }) })
        .for(configMaps)
        .complete(async (request) => {
          const key = `${request.namespace}/${request.name}`;
          const cached = configMaps.getIndexer().getByKey(key);
          if (cached === undefined) return; // gone, or no longer this shard's
          const begin = performance.now();
          await delay(100); // an external call: overlapping reconciles would show
          reconciles.push({
            by: shard,
            key: request.name,
            resourceVersion: cached.metadata?.resourceVersion ?? '',
            start: begin,
            end: performance.now(),
          });
        });
      const stop = new AbortController();
      const replica = { shard, manager, stop, done: manager.start(stop.signal) };
      replicas.push(replica);
      return replica;
    };
    const live = (): Replica[] => replicas.filter((r) => !r.stop.signal.aborted);
    const client = () => (replicas[0] as Replica).manager.clientSet.coreV1().configMaps(namespace);

    /** Every object is on a live shard and was reconciled there at its current resourceVersion. */
    const settled = async (): Promise<Map<string, number>> => {
      const items = (await client().list()).items.filter((i) => i.metadata?.name?.startsWith('w-'));
      const shards = new Set(live().map((r) => r.shard));
      const hashRing = new HashRing(live().map((r) => r.shard));
      const spread = new Map<string, number>();
      for (const item of items) {
        const shard = item.metadata?.labels?.[shardLabel(ring)] ?? '';
        expect(shards.has(shard), `${item.metadata?.name} on ${shard}`).toBe(true);
        const rv = item.metadata?.resourceVersion;
        const seen = reconciles.some(
          (r) => r.key === item.metadata?.name && r.by === shard && r.resourceVersion === rv,
        );
        expect(seen, `${item.metadata?.name} reconciled by ${shard} at ${rv}`).toBe(true);
        // Placed where the ring of the live shards says: nothing left behind, nothing half-moved.
        expect(shard).toBe(hashRing.shardFor(`/ConfigMap/${namespace}/${item.metadata?.name}`));
        spread.set(shard, (spread.get(shard) ?? 0) + 1);
      }
      expect(items).toHaveLength(objectCount);
      return spread;
    };

    for (const shard of ['shard-a', 'shard-b', 'shard-c']) start(shard);
    await vi.waitFor(() => expect(replicas.every((r) => r.manager.isLeader())).toBe(true), patience);

    // Churn: create every object, then change each twice, interleaved.
    const names = Array.from({ length: objectCount }, (_, i) => `w-${i}`);
    await Promise.all(names.map((name) => client().create({ metadata: { name }, data: { v: '0' } })));
    for (const round of [1, 2]) {
      await Promise.all(names.map((name) => client().patch(name, 'merge', { data: { v: String(round) } }, {})));
    }
    const spread = await vi.waitFor(settled, patience);
    console.log(`spread over 3 shards: ${JSON.stringify(Object.fromEntries(spread))}`);
    expect(spread.size).toBe(3);
    for (const count of spread.values()) expect(count).toBeGreaterThan(objectCount / 6);
    expect(overlaps(reconciles)).toEqual([]);

    // Every object changes at once right before a replica leaves or joins, so the moves meet reconciles in flight.
    const burst = (round: string) =>
      Promise.all(names.map((name) => client().patch(name, 'merge', { data: { v: round } }, {})));
    // A replica stops cleanly: it releases its Lease, and its objects are reassigned and reconciled elsewhere.
    const leaving = replicas[2] as Replica;
    await burst('leave');
    leaving.stop.abort();
    await leaving.done;
    const afterLeave = await vi.waitFor(settled, patience);
    console.log(`after shard-c left: ${JSON.stringify(Object.fromEntries(afterLeave))}`);
    expect([...afterLeave.keys()].sort()).toEqual(['shard-a', 'shard-b']);
    expect(overlaps(reconciles)).toEqual([]);

    // A replica joins: objects move to it by drain, none left unassigned, still no overlap.
    await burst('join');
    start('shard-d');
    await vi.waitFor(() => expect(replicas.at(-1)?.manager.isLeader()).toBe(true), patience);
    const afterJoin = await vi.waitFor(async () => {
      const result = await settled();
      expect(result.get('shard-d') ?? 0).toBeGreaterThan(0);
      return result;
    }, patience);
    console.log(`after shard-d joined: ${JSON.stringify(Object.fromEntries(afterJoin))}`);
    expect(overlaps(reconciles)).toEqual([]);
    const drains = await Promise.all(
      live().map(
        async (r) =>
          (await r.manager.metricsRegistry.getSingleMetric('kubeloop_shard_drains_total')?.get())?.values ?? [],
      ),
    );
    const drained = drains.flat().reduce((sum, v) => sum + v.value, 0);
    expect(drained).toBeGreaterThan(0);
    // Each replica's metric counts the objects in its caches: together, every ConfigMap of the namespace once.
    const owned = await Promise.all(
      live().map(
        async (r) => (await r.manager.metricsRegistry.getSingleMetric('kubeloop_shard_objects')?.get())?.values ?? [],
      ),
    );
    const all = (await client().list()).items.length;
    expect(owned.flat().reduce((sum, v) => sum + v.value, 0)).toBe(all);
  }, 120_000);
});
