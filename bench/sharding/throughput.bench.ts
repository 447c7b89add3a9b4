// Throughput of a latency-bound reconciler (waits 20 ms for an "external call", then writes its result into the
// object) with 1, 2 and 4 sharded replicas, each its own Node process (replica.ts), on one local control plane.
// One worker per replica by default (controller-runtime's MaxConcurrentReconciles=1): one replica then reconciles at
// most 1 / latency objects a second, and only more replicas (sharding) raise that bound.
// The timed window runs from the one write that starts the work (the trigger Secret's run annotation) to the last
// replica's last result written; starting the processes, the Leases, creating and placing the objects are not timed.
// Run: npm run bench -- sharding/throughput (uses the built dist/). Env: BENCH_OBJECTS (1,200), BENCH_WORKERS (1),
// BENCH_REPLICAS (1,2,4), BENCH_LATENCY_MS (20), BENCH_LOG (a replica log level, default silent).
import { ClientSet } from '../../dist/client/index.js';
import type { ConfigMap } from '../../dist/client/kubernetes/core-v1/types.js';
import { drainLabel, HashRing, ringKey, shardLabel } from '../../dist/controller/index.js';
import { startControlPlane } from '../../dist/testing/index.js';
import { machine } from '../report.ts';
import {
  configMaps,
  controlPlaneCpu,
  idle,
  leasesReady,
  loadAverage,
  pool,
  Replica,
  runAnnotation,
  triggerName,
  until,
} from './fleet.ts';

const objects = Number(process.env.BENCH_OBJECTS ?? 1200);
const workers = Number(process.env.BENCH_WORKERS ?? 1);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const replicaCounts = (process.env.BENCH_REPLICAS ?? '1,2,4').split(',').map(Number);
const targets = new Map([
  [2, '≥ 1.8×'],
  [4, '≥ 3.2×'],
]);

/** What one replica count measured. */
interface Row {
  readonly replicas: number;
  readonly seconds: number;
  readonly perReplica: readonly number[];
  readonly cpu: { readonly apiserver: number; readonly etcd: number; readonly replicas: number };
  readonly load: string;
}

const plane = await startControlPlane();
const clientSet = ClientSet.forConfig({ ...plane.adminConfig, qps: -1 });
const rows: Row[] = [];
const loadAtStart = loadAverage();
try {
  for (const replicas of replicaCounts) rows.push(await measure(replicas));
} finally {
  await plane.stop();
}
print();

/** Starts `count` replicas on a fresh namespace and ring, places the objects, then times one run over all of them. */
async function measure(count: number): Promise<Row> {
  const namespace = `bench-throughput-${count}`;
  const ring = `throughput-${count}`;
  await clientSet
    .coreV1()
    .namespaces()
    .create({ metadata: { name: namespace } });
  const secrets = clientSet.coreV1().secrets(namespace);
  await secrets.create({ metadata: { name: triggerName, annotations: { [runAnnotation]: 'warm' } } });
  const shards = Array.from({ length: count }, (_, i) => `replica-${i}`);
  const replicas = shards.map(
    (shard) =>
      new Replica({
        kubeconfig: plane.kubeconfigPath,
        namespace,
        ring,
        shard,
        workers,
        latencyMs,
        runSharder: true,
      }),
  );
  try {
    await Promise.all(replicas.map((r) => r.ready()));
    await leasesReady(clientSet, namespace, ring, shards);
    await placeObjects(namespace, ring, shards, replicas);
    await idle(replicas);

    const cpuBefore = await cpuNow(replicas);
    const finished = new Promise<void>((resolve) => {
      let done = 0;
      for (const replica of replicas) {
        replica.onDone = (run) => {
          if (run === 'go' && ++done === objects) resolve();
        };
      }
    });
    const start = performance.now();
    await secrets.patch(triggerName, 'merge', { metadata: { annotations: { [runAnnotation]: 'go' } } });
    await finished;
    const seconds = (performance.now() - start) / 1000;
    const cpuAfter = await cpuNow(replicas);
    return {
      replicas: count,
      seconds,
      perReplica: replicas.map((r) => r.done.get('go') ?? 0),
      cpu: {
        apiserver: cpuAfter.apiserver - cpuBefore.apiserver,
        etcd: cpuAfter.etcd - cpuBefore.etcd,
        replicas: cpuAfter.replicas - cpuBefore.replicas,
      },
      load: loadAverage(),
    };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await clientSet.coreV1().namespaces().delete(namespace);
  }
}

/**
 * Creates the objects (already at run `warm`, so placing them costs no reconcile), then waits until the sharder
 * placed each on its ring shard, not draining, and each replica's cache holds exactly its share.
 */
async function placeObjects(namespace: string, ring: string, shards: readonly string[], replicas: readonly Replica[]) {
  const client = clientSet.coreV1().configMaps(namespace);
  const names = Array.from({ length: objects }, (_, i) => `o-${String(i).padStart(5, '0')}`);
  await pool(names, 32, async (name) => {
    await client.create({ metadata: { name }, data: { done: 'warm' } });
  });
  const hashRing = new HashRing(shards);
  const shardOf = (object: ConfigMap): string | undefined =>
    hashRing.shardFor(ringKey(configMaps, { metadata: { ...object.metadata, namespace } }));
  const expected = new Map(shards.map((shard) => [shard, 0]));
  for (const name of names) {
    const shard = shardOf({ metadata: { name } }) ?? '';
    expected.set(shard, (expected.get(shard) ?? 0) + 1);
  }
  await until('every object placed on its shard', async () => {
    const items = (await client.list()).items.filter((o) => o.metadata?.name?.startsWith('o-'));
    const labels = (o: ConfigMap): Record<string, string> => o.metadata?.labels ?? {};
    return items.every((o) => labels(o)[shardLabel(ring)] === shardOf(o) && !(drainLabel(ring) in labels(o)));
  });
  await until('every replica caching its share', async () => {
    const reports = await Promise.all(replicas.map((r) => r.report()));
    return reports.every((r) => r.cached === expected.get(r.shard));
  });
}

/** CPU seconds so far of the apiserver, etcd and all the replicas together. */
async function cpuNow(replicas: readonly Replica[]): Promise<{ apiserver: number; etcd: number; replicas: number }> {
  const reports = await Promise.all(replicas.map((r) => r.report()));
  return { ...controlPlaneCpu(), replicas: reports.reduce((sum, r) => sum + r.cpuUs, 0) / 1e6 };
}

function print(): void {
  const baseline = rows.find((r) => r.replicas === 1);
  const rate = (row: Row): number => objects / row.seconds;
  console.log(`\n### Sharded throughput: ${objects} objects, reconcile = ${latencyMs} ms wait + one PATCH\n`);
  console.log(`${machine()}\n`);
  console.log(
    `Each replica a separate Node process with ${workers} worker${workers === 1 ? '' : 's'} ` +
      `(maxConcurrentReconciles; BENCH_WORKERS), so one replica's bound is ${workers} × 1 / ${latencyMs} ms = ` +
      `${((workers * 1000) / latencyMs).toFixed(0)} reconciles/s before its write. One control plane (etcd + ` +
      `kube-apiserver) on the same machine. CPU columns: seconds of CPU in the timed window. Load average ` +
      `(1 / 5 / 15 min) at start: ${loadAtStart}.\n`,
  );
  console.log(
    '| replicas | seconds | reconciles/s | speed-up | target | bound (latency) | per replica | CPU apiserver | CPU etcd | CPU replicas | load after |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|');
  for (const row of rows) {
    const speedUp = baseline ? `${(rate(row) / rate(baseline)).toFixed(2)}×` : '';
    const bound = ((row.replicas * workers * 1000) / latencyMs).toFixed(0);
    console.log(
      `| ${row.replicas} | ${row.seconds.toFixed(2)} | ${rate(row).toFixed(0)} | ${speedUp} | ` +
        `${targets.get(row.replicas) ?? ''} | ${bound} | ${row.perReplica.join(' / ')} | ` +
        `${row.cpu.apiserver.toFixed(1)} s | ${row.cpu.etcd.toFixed(1)} s | ${row.cpu.replicas.toFixed(1)} s | ${row.load} |`,
    );
  }
}
