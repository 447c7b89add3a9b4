// Memory per sharded replica with 30,000 ConfigMaps (about 1 KB of data each) on a local control plane: one replica
// holding them all, then three replicas holding a third each, every replica its own Node process (replica.ts),
// measured after its caches synced, its queue drained and a forced full GC. An idle replica of an empty namespace
// gives the baseline, so the cost per cached object shows. The replica that runs the ring's sharder also caches the
// metadata of every object (the sharder's informer), so the table says which one does.
// The objects are created already labelled for both rings (as the sharding webhook would label them), so neither
// run waits for 30,000 placements; the table checks every replica cached exactly its ring share.
// Run: npm run bench -- sharding/memory (uses the built dist/). Env: BENCH_OBJECTS (30000), BENCH_LOG.
import { randomBytes } from 'node:crypto';
import { ClientSet } from '../../dist/client/index.js';
import { HashRing, ringKey, shardLabel } from '../../dist/controller/index.js';
import { startControlPlane } from '../../dist/testing/index.js';
import { machine } from '../report.ts';
import { configMaps, idle, leasesReady, loadAverage, mib, pool, Replica, type ReplicaReport, until } from './fleet.ts';

const total = Number(process.env.BENCH_OBJECTS ?? 30_000);
const namespace = 'bench-memory';
const single = { ring: 'one', shards: ['single-0'] };
const three = { ring: 'three', shards: ['member-0', 'member-1', 'member-2'] };

/** One replica measured: its report after GC, and whether it ran the sharder. */
interface Measured {
  readonly replicas: number;
  readonly report: ReplicaReport;
  readonly sharder: boolean;
}

const plane = await startControlPlane();
const clientSet = ClientSet.forConfig({ ...plane.adminConfig, qps: -1 });
const loadAtStart = loadAverage();
const measured: Measured[] = [];
let createSeconds = 0;
try {
  const baseline = await runReplicas('bench-memory-idle', 'idle', [['idle-0', true]], new Map([['idle-0', 0]]));
  const expected = await createObjects();
  measured.push(
    ...(await runReplicas(namespace, single.ring, [['single-0', true]], expected)).map((m) => ({ ...m, replicas: 1 })),
  );
  // The members without the sharder first: once they hold their Leases, the sharder starts on the full ring and
  // finds every object already where it belongs.
  const members: [string, boolean][] = [
    ['member-1', false],
    ['member-2', false],
    ['member-0', true],
  ];
  measured.push(...(await runReplicas(namespace, three.ring, members, expected)).map((m) => ({ ...m, replicas: 3 })));
  print(baseline[0]?.report);
} finally {
  await plane.stop();
}

/** Creates the objects labelled for both rings; returns how many each shard of either ring should cache. */
async function createObjects(): Promise<Map<string, number>> {
  await clientSet
    .coreV1()
    .namespaces()
    .create({ metadata: { name: namespace } });
  const client = clientSet.coreV1().configMaps(namespace);
  const ring = new HashRing(three.shards);
  const expected = new Map<string, number>([[single.shards[0] as string, total]]);
  const names = Array.from({ length: total }, (_, i) => `o-${String(i).padStart(5, '0')}`);
  const start = performance.now();
  await pool(names, 64, async (name) => {
    const member = ring.shardFor(ringKey(configMaps, { metadata: { namespace, name } })) ?? '';
    expected.set(member, (expected.get(member) ?? 0) + 1);
    const labels = { [shardLabel(single.ring)]: single.shards[0] as string, [shardLabel(three.ring)]: member };
    // 768 random bytes are 1,024 base64 characters: the ~1 KB payload.
    await client.create({ metadata: { name, labels }, data: { payload: randomBytes(768).toString('base64') } });
  });
  createSeconds = (performance.now() - start) / 1000;
  return expected;
}

/**
 * Starts the replicas in order (each `[shard, runSharder]` ready before the next starts), waits until each caches
 * its share and has nothing queued, measures each after a forced GC, and stops them.
 */
async function runReplicas(
  ns: string,
  ring: string,
  shards: readonly [string, boolean][],
  expected: ReadonlyMap<string, number>,
): Promise<Omit<Measured, 'replicas'>[]> {
  if (ns !== namespace) {
    await clientSet
      .coreV1()
      .namespaces()
      .create({ metadata: { name: ns } });
  }
  const replicas: Replica[] = [];
  try {
    for (const [shard, runSharder] of shards) {
      const config = { kubeconfig: plane.kubeconfigPath, namespace: ns, ring, shard, workers: 1, latencyMs: 20 };
      const replica = new Replica({ ...config, runSharder });
      replicas.push(replica);
      await replica.ready();
      await leasesReady(clientSet, ns, ring, [shard]);
    }
    // The sharder's replica also waits until its sharder synced and decided every object once (keeping each).
    const objects = shards.reduce((sum, [shard]) => sum + (expected.get(shard) ?? 0), 0);
    await until(`every replica of ring ${ring} caching its share`, async () => {
      const reports = await Promise.all(replicas.map((r) => r.report()));
      return reports.every(
        (r, i) => r.cached === expected.get(r.shard) && (!shards[i]?.[1] || r.sharderReconciles >= objects),
      );
    });
    await idle(replicas);
    const reports = await Promise.all(replicas.map((r) => r.report(true)));
    return reports.map((report, i) => ({ report, sharder: shards[i]?.[1] ?? false }));
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

function print(baseline: ReplicaReport | undefined): void {
  if (baseline === undefined) return;
  const one = measured.find((m) => m.replicas === 1);
  const ratio = (value: number, of: number | undefined): string => (of ? `${(value / of).toFixed(2)}×` : '');
  // Heap above the idle replica's, per cached object.
  const perObject = ({ cached, heapUsed }: ReplicaReport): string =>
    cached === 0 ? '' : `${((heapUsed - baseline.heapUsed) / cached).toFixed(0)} B`;
  console.log(`\n### Memory per sharded replica: ${total} ConfigMaps with ~1 KB of data each\n`);
  console.log(`${machine()}\n`);
  console.log(
    `Each replica a separate Node process (--expose-gc), measured by process.memoryUsage() after its caches synced, ` +
      `its queue drained and two full GCs. The sharder's replica also caches every object's metadata. Objects ` +
      `created at ${(total / createSeconds).toFixed(0)}/s (64 at once). Load average (1 / 5 / 15 min) at start: ` +
      `${loadAtStart}, at the end: ${loadAverage()}.\n`,
  );
  console.log(
    '| replicas | replica | sharder | cached objects | heap used MiB | RSS MiB | heap vs single | RSS vs single | heap per object above idle |',
  );
  console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|');
  for (const m of [{ replicas: 0, report: baseline, sharder: true }, ...measured]) {
    const { shard, cached, heapUsed, rss } = m.report;
    console.log(
      `| ${m.replicas === 0 ? 'idle' : m.replicas} | ${shard} | ${m.sharder ? 'yes' : 'no'} | ${cached} | ` +
        `${mib(heapUsed)} | ${mib(rss)} | ${ratio(heapUsed, one?.report.heapUsed)} | ` +
        `${ratio(rss, one?.report.rss)} | ${perObject(m.report)} |`,
    );
  }
}
