// Sharded replicas as separate processes: SIGKILL one (its objects move once its Lease is taken over), add one
// (objects move by drain), then restart every replica one by one; no object is ever reconciled by two at once.
// Scaled down from issue 16's 3,000 objects to 90 so it runs in well under a minute here.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { HashRing, shardLabel } from '../../../src/controller/sharding/index.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
const fixture = fileURLToPath(new URL('./fixtures/replica.ts', import.meta.url));
const objectCount = 90;
const patience = { timeout: 60_000, interval: 200 };

interface Reconcile {
  readonly by: string;
  readonly key: string;
  readonly resourceVersion: string;
  readonly start: number;
  readonly end: number;
}

interface Child {
  readonly shard: string;
  readonly process: ChildProcess;
  readonly exited: Promise<unknown>;
  member: boolean;
  dead: boolean;
}

/** Keys reconciled by two replicas over intersecting [start, end] intervals. */
function overlaps(reconciles: readonly Reconcile[]): string[] {
  const byKey = new Map<string, Reconcile[]>();
  for (const r of reconciles) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const found: string[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    sorted.forEach((a, i) => {
      for (const b of sorted.slice(i + 1)) if (b.start <= a.end && b.by !== a.by) found.push(`${key}: ${a.by}/${b.by}`);
    });
  }
  return found;
}

describe('sharded replicas in separate processes', () => {
  it('survive a SIGKILL, a new replica and a rolling restart without losing an object or overlapping', async () => {
    // The children import kubeloop by name, i.e. from dist/: build it first (npx tsc -p tsconfig.build.json).
    const namespace = await testNamespace('sharding-procs');
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const configMaps = ClientSet.forConfig(config).coreV1().configMaps(namespace);
    const reconciles: Reconcile[] = [];
    const children: Child[] = [];
    onTestFinished(async () => {
      for (const child of children) child.process.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
    });
    const start = (shard: string): Child => {
      const env = { KUBECONFIG: plane.kubeconfigPath, CONTEXT: plane.adminContext, NAMESPACE: namespace, SHARD: shard };
      const proc = spawn(process.execPath, [fixture], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const child: Child = { shard, process: proc, exited: once(proc, 'exit'), member: false, dead: false };
      createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        const parsed = JSON.parse(line) as Reconcile | { member: string };
        if ('member' in parsed) child.member = true;
        else reconciles.push(parsed);
      });
      children.push(child);
      return child;
    };
    const live = (): Child[] => children.filter((c) => !c.dead);
    const settled = async (): Promise<Map<string, number>> => {
      const items = (await configMaps.list()).items.filter((i) => i.metadata?.name?.startsWith('w-'));
      const shards = new Set(live().map((c) => c.shard));
      const hashRing = new HashRing(live().map((c) => c.shard));
      const spread = new Map<string, number>();
      for (const item of items) {
        const shard = item.metadata?.labels?.[shardLabel('widgets')] ?? '';
        const rv = item.metadata?.resourceVersion;
        expect(shards.has(shard), `${item.metadata?.name} on ${shard}`).toBe(true);
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
    const stop = async (child: Child, signal: NodeJS.Signals): Promise<void> => {
      child.dead = true;
      child.process.kill(signal);
      await child.exited;
    };

    for (const shard of ['proc-a', 'proc-b', 'proc-c']) start(shard);
    await vi.waitFor(() => expect(children.every((c) => c.member)).toBe(true), patience);
    const names = Array.from({ length: objectCount }, (_, i) => `w-${i}`);
    await Promise.all(names.map((name) => configMaps.create({ metadata: { name }, data: { v: '0' } })));
    await Promise.all(names.map((name) => configMaps.patch(name, 'merge', { data: { v: '1' } })));
    console.log(`3 processes: ${JSON.stringify(Object.fromEntries(await vi.waitFor(settled, patience)))}`);

    await stop(children[1] as Child, 'SIGKILL');
    console.log(`after SIGKILL of proc-b: ${JSON.stringify(Object.fromEntries(await vi.waitFor(settled, patience)))}`);

    start('proc-d');
    const joined = await vi.waitFor(async () => {
      const spread = await settled();
      expect(spread.get('proc-d') ?? 0).toBeGreaterThan(0);
      return spread;
    }, patience);
    console.log(`after proc-d joined: ${JSON.stringify(Object.fromEntries(joined))}`);

    // Rolling restart: each replica stops gracefully (SIGTERM: it releases its Lease) and a new one takes its place.
    for (const old of live()) {
      await stop(old, 'SIGTERM');
      const next = start(`${old.shard}-2`);
      await vi.waitFor(() => expect(next.member).toBe(true), patience);
    }
    console.log(`after a rolling restart: ${JSON.stringify(Object.fromEntries(await vi.waitFor(settled, patience)))}`);
    expect(overlaps(reconciles)).toEqual([]);
  }, 180_000);
});
