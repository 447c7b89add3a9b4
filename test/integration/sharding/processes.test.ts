// Issue 16's acceptance at full scale, with every replica its own process: 3 replicas and churn over 3,000 parents each
// with an owned child; then a SIGKILL of the sharder's replica, a fourth replica joining, and a rolling restart of all.
// Every live parent is reconciled after its last change by the shard it is placed on, with its child in that shard's
// cache; no two replicas ever reconcile one object at once (from the timestamps each recorded). It prints the figures
// docs/sharding.md reports: each replica's share of the objects and how long each move took.
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { newControllerRef } from '../../../src/controller/owner-references.js';
import { drainLabel, HashRing, shardLabel } from '../../../src/controller/sharding/index.js';
import { forEachLimited } from '../cache/reflector-support.js';
import { restConfigFor, testNamespace } from '../support.js';
import { type Replica, ReplicaProcesses } from './replica-processes.js';

const plane = inject('controlPlane');
const ring = 'widgets';
const objectCount = 3_000;
const leaseDurationMs = 3_000;
/** The fixture's retry period: slack for the sharder to wake up and act once a shard's state changed. */
const retryPeriodMs = leaseDurationMs / 6;
/** Concurrent writes of the test's own client (no client-side rate limit). */
const writers = 32;
// Each phase gets minutes: the whole test takes 2.5 min on a 2-core machine shared with other jobs, 6.5 at 50 qps.
const patience = { timeout: 180_000, interval: 1_000 };

const parentKind = { group: '', version: 'v1', kind: 'ConfigMap' };

/** A namespace with its clients, replica processes run in it (all killed when the test ends), and a way to add parents. */
async function ringUnderTest(prefix: string, env: Readonly<Record<string, string>>) {
  const namespace = await testNamespace(prefix);
  const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  const clients = ClientSet.forConfig({ ...config, qps: -1 });
  const configMaps = clients.coreV1().configMaps(namespace);
  const secrets = clients.coreV1().secrets(namespace);
  const replicas = new ReplicaProcesses({
    KUBECONFIG: plane.kubeconfigPath,
    CONTEXT: plane.adminContext,
    NAMESPACE: namespace,
    LEASE_MS: String(leaseDurationMs),
    ...env,
  });
  onTestFinished(() => replicas.killAll());
  /** Creates parent `p-<i>` and its child Secret, which names it as controller owner. */
  const create = async (i: number): Promise<void> => {
    const name = `p-${i}`;
    const parent: ConfigMap = await configMaps.create({ metadata: { name }, data: { v: '0' } });
    const owner = newControllerRef(parent, parentKind);
    await secrets.create({ metadata: { name, ownerReferences: [owner] }, stringData: { v: '0' } });
  };
  return { namespace, configMaps, secrets, leases: clients.coordinationV1().leases(namespace), replicas, create };
}

describe('sharded replicas in separate processes, at 3,000 objects', () => {
  it('place, reconcile and move every object and its child with no overlap, through churn, a SIGKILL, a join and a rolling restart', async () => {
    // The children import kubeloop by name, i.e. from dist/: build it first (npx tsc -p tsconfig.build.json).
    const began = Date.now();
    // No client-side limit (controller-runtime's default): at kubeloop's 50/s the sharder alone would need over
    // two minutes to place 3,000 parents and their children.
    const { namespace, configMaps, secrets, leases, replicas, create } = await ringUnderTest('sharding-procs', {
      QPS: '-1',
    });
    const figures: Record<string, unknown> = {};

    /**
     * Every parent is on its ring shard among the live replicas (none draining, none unassigned), its child on the
     * same shard, and that shard reconciled it at its current resourceVersion with the child in its cache; each live
     * replica reports holding exactly the parents and children labelled with its shard. Returns each parent's shard.
     */
    const settled = async (): Promise<Map<string, string>> => {
      expect(replicas.crashed()).toEqual([]);
      const parents = (await configMaps.list()).items.filter((i) => i.metadata?.name?.startsWith('p-'));
      const children = new Map(
        (await secrets.list()).items
          .filter((i) => i.metadata?.name?.startsWith('p-'))
          .map((s) => [s.metadata?.name, s]),
      );
      const live = replicas.live();
      const hashRing = new HashRing(live.map((r) => r.shard));
      const placement = new Map<string, string>();
      for (const parent of parents) {
        const { name = '', labels = {}, resourceVersion = '' } = parent.metadata ?? {};
        const shard = labels[shardLabel(ring)] ?? '';
        expect(shard, `${name} on its ring shard`).toBe(hashRing.shardFor(`/ConfigMap/${namespace}/${name}`));
        expect(labels[drainLabel(ring)], `${name} not draining`).toBeUndefined();
        expect(children.get(name)?.metadata?.labels?.[shardLabel(ring)], `child ${name} with its parent`).toBe(shard);
        expect(
          replicas.completedAt(name, shard, resourceVersion),
          `${name} reconciled at ${resourceVersion}`,
        ).toBeDefined();
        placement.set(name, shard);
      }
      expect(parents).toHaveLength(objectCount);
      expect(children.size, 'no child outlives its parent').toBe(objectCount);
      for (const replica of live) {
        const held = [...placement.values()].filter((shard) => shard === replica.shard).length;
        expect(replica.status, `${replica.shard}'s own caches`).toMatchObject({ parents: held, children: held });
      }
      return placement;
    };
    /** When the last of `names` was first reconciled where it is now, at its current version, with its child. */
    const lastCompletion = async (names: readonly string[]): Promise<number> => {
      const current = new Map((await configMaps.list()).items.map((i) => [i.metadata?.name, i.metadata]));
      return Math.max(
        ...names.map((name) => {
          const meta = current.get(name);
          const shard = meta?.labels?.[shardLabel(ring)] ?? '';
          return replicas.completedAt(name, shard, meta?.resourceVersion ?? '') ?? Infinity;
        }),
      );
    };

    // 1. Three replicas; 3,000 parents and children created, then churned while the replicas place and reconcile.
    for (const shard of ['proc-a', 'proc-b', 'proc-c']) replicas.start(shard);
    await vi.waitFor(() => expect(replicas.live().every((r) => r.memberAt !== undefined)).toBe(true), patience);
    const createdFrom = Date.now();
    await forEachLimited(objectCount, writers, create);
    // Churn: every 10th parent deleted with its child and a new one created in its place, the others updated.
    await forEachLimited(objectCount, writers, async (i) => {
      const name = `p-${i}`;
      if (i % 10 !== 0) return void (await configMaps.patch(name, 'merge', { data: { v: '1' } }));
      await configMaps.delete(name);
      await secrets.delete(name);
      await create(objectCount + i / 10);
    });
    await forEachLimited(objectCount, writers, async (i) => {
      if (i % 3 === 0 && i % 10 !== 0) await configMaps.patch(`p-${i}`, 'merge', { data: { v: '2' } });
    });
    figures.churnWritesSeconds = (Date.now() - createdFrom) / 1000;
    const first = await vi.waitFor(settled, patience);
    const firstSyncMs = (await lastCompletion([...first.keys()])) - createdFrom;
    figures.firstSyncSeconds = firstSyncMs / 1000;
    figures.spread = spreadOf(first, replicas.live());
    for (const replica of replicas.live()) {
      const share = (replica.status?.parents ?? 0) / objectCount;
      expect(share, `${replica.shard}'s share`).toBeGreaterThanOrEqual(0.25);
      expect(share, `${replica.shard}'s share`).toBeLessThanOrEqual(0.42);
    }
    expect(replicas.overlaps()).toEqual([]);

    // 2. SIGKILL of the replica running the sharder: another replica is elected sharder, takes the dead shard's
    // Lease over once a lease duration passed since its last renewal, and its objects are reassigned and reconciled.
    const sharderHolder = (await leases.get(`${ring}-sharder`)).spec?.holderIdentity;
    const victim = replicas.live().find((r) => r.shard === sharderHolder) as Replica;
    expect(victim, `the sharder runs in ${sharderHolder}`).toBeDefined();
    const renewedBefore = Date.parse((await leases.get(victim.shard)).spec?.renewTime ?? '');
    const killedAt = Date.now();
    await replicas.stop(victim, 'SIGKILL');
    const afterKill = await vi.waitFor(settled, patience);
    const moved = [...first].filter(([, shard]) => shard === victim.shard).map(([name]) => name);
    const movedSet = new Set(moved);
    const takenOver = (await leases.get(victim.shard)).spec;
    expect(takenOver?.holderIdentity, 'the dead shard Lease taken over').not.toBe(victim.shard);
    const takenOverAt = Date.parse(takenOver?.acquireTime ?? '');
    // Never before the shard's Lease ran out: a replica only paused stops its controllers at its renew deadline.
    expect(takenOverAt).toBeGreaterThanOrEqual(renewedBefore + leaseDurationMs);
    const firstMovedStart = Math.min(
      ...replicas.reconciles.filter((r) => r.start > killedAt && movedSet.has(r.key)).map((r) => r.start),
    );
    expect(firstMovedStart, 'no other replica touched them before').toBeGreaterThanOrEqual(takenOverAt);
    const reassignedAt = await lastCompletion(moved);
    // The bound: the lease duration (its last renewal came before the kill), the new sharder's election poll (one
    // retry period, jittered up to 1.2×, twice to be safe), then one sync, no longer than the ring took to take in
    // every object the first time (moving a third of them is less work).
    const boundMs = leaseDurationMs + 2 * retryPeriodMs + firstSyncMs;
    expect(reassignedAt - killedAt).toBeLessThanOrEqual(boundMs);
    figures.sigkill = {
      moved: moved.length,
      killToTakeoverSeconds: (takenOverAt - killedAt) / 1000,
      takeoverToReconciledSeconds: (reassignedAt - takenOverAt) / 1000,
      killToReconciledSeconds: (reassignedAt - killedAt) / 1000,
      boundSeconds: boundMs / 1000,
      spread: spreadOf(afterKill, replicas.live()),
    };
    expect(replicas.overlaps()).toEqual([]);

    // 3. A fourth replica joins: the objects the ring gives it move off live shards by drain, and only to it.
    const drainsBefore = drainTotals(replicas.live());
    const joining = replicas.start('proc-d');
    const afterJoin = await vi.waitFor(async () => {
      const placement = await settled();
      expect([...placement.values()]).toContain('proc-d');
      return placement;
    }, patience);
    const drained = [...afterJoin].filter(([name, shard]) => afterKill.get(name) !== shard);
    expect(drained.every(([, shard]) => shard === 'proc-d')).toBe(true);
    const drainsAfter = drainTotals(replicas.live().filter((r) => r !== joining));
    expect(drainsAfter.count - drainsBefore.count).toBeGreaterThanOrEqual(drained.length);
    const joinedAt = joining.memberAt ?? Date.now();
    figures.join = {
      moved: drained.length,
      memberToReconciledSeconds: ((await lastCompletion(drained.map(([name]) => name))) - joinedAt) / 1000,
      meanDrainSeconds: (drainsAfter.seconds - drainsBefore.seconds) / (drainsAfter.count - drainsBefore.count),
      spread: spreadOf(afterJoin, replicas.live()),
    };
    expect(replicas.overlaps()).toEqual([]);

    // 4. Rolling restart: each replica stops cleanly (SIGTERM releases its Lease) and a new one takes its place
    // as soon as the old one exited, before the objects settle.
    const rollingFrom = Date.now();
    for (const old of replicas.live()) {
      await replicas.stop(old, 'SIGTERM');
      expect(old.exit, `${old.shard} exited cleanly`).toBe(0);
      expect((await leases.get(old.shard)).spec?.holderIdentity, `${old.shard} released its Lease`).toBeFalsy();
      const next = replicas.start(`${old.shard}-2`);
      await vi.waitFor(() => expect(next.memberAt).toBeDefined(), patience);
    }
    const afterRolling = await vi.waitFor(settled, patience);
    figures.rolling = {
      restartsSeconds: ((replicas.live().at(-1)?.memberAt ?? rollingFrom) - rollingFrom) / 1000,
      settledSeconds: ((await lastCompletion([...afterRolling.keys()])) - rollingFrom) / 1000,
      spread: spreadOf(afterRolling, replicas.live()),
    };
    expect(replicas.overlaps()).toEqual([]);
    figures.reconciles = replicas.reconciles.length;
    figures.testSeconds = (Date.now() - began) / 1000;
    console.log(`sharding at ${objectCount} objects: ${JSON.stringify(figures)}`);
  }, 600_000);
});

/** Parents per live shard, as each replica reported its caches, with min/max/mean and (max − min) / mean. */
function spreadOf(placement: ReadonlyMap<string, string>, live: readonly Replica[]) {
  const counts = Object.fromEntries(live.map((r) => [r.shard, r.status?.parents ?? 0]));
  const values = Object.values(counts);
  const mean = placement.size / live.length;
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return { counts, min, max, mean: Math.round(mean), spread: Number(((max - min) / mean).toFixed(3)) };
}

/** The drains the replicas acknowledged so far, and their summed durations. */
function drainTotals(live: readonly Replica[]): { count: number; seconds: number } {
  return {
    count: live.reduce((sum, r) => sum + (r.status?.drains ?? 0), 0),
    seconds: live.reduce((sum, r) => sum + (r.status?.drainSeconds ?? 0), 0),
  };
}

describe('a sharded replica stopped with SIGTERM under the default client rate limit', () => {
  // Regression: the replica's Lease release queued on the client's rate limiter behind the sharder's placements, on an
  // unref'd timer with nothing else left holding the process: it exited with code 13 (a top-level await never
  // settled), its Lease still held, so its objects waited a lease duration for a take-over instead of none.
  it('releases its Lease and exits 0, however busy its sharder and drainer are', async () => {
    const { leases, replicas, create } = await ringUnderTest('sharding-stop', {});
    for (const shard of ['stop-a', 'stop-b', 'stop-c']) replicas.start(shard);
    await vi.waitFor(() => expect(replicas.live().every((r) => r.memberAt !== undefined)).toBe(true), patience);
    await forEachLimited(600, writers, create);
    // Every replica stops while the ring is busiest: its objects move off it and a new replica's move onto it.
    for (const round of [1, 2, 3]) {
      for (const old of replicas.live()) {
        await replicas.stop(old, 'SIGTERM');
        expect(old.exit, `${old.shard} exited cleanly`).toBe(0);
        expect((await leases.get(old.shard)).spec?.holderIdentity, `${old.shard} released its Lease`).toBeFalsy();
        const next = replicas.start(`${old.shard}-${round}`);
        await vi.waitFor(() => expect(next.memberAt).toBeDefined(), patience);
      }
    }
  }, 180_000);
});
