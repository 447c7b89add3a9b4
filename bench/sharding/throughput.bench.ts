// Throughput of a latency-bound reconciler (waits 20 ms for an "external call", then writes its result to the
// object) with 1, 2 and 4 sharded replicas, all in this process on a local control plane. The wait is I/O, not
// CPU, so replicas in one process show what sharding's partitioning buys; separate processes would add CPU.
// Run: npm run bench -- sharding/throughput (Node 24 runs this file as is; it uses the built dist/).
import { setTimeout as delay } from 'node:timers/promises';
import { ClientSet } from '../../dist/client/index.js';
import { type Manager, newControllerManagedBy, newManager, shardLabel } from '../../dist/controller/index.js';
import { createLogger } from '../../dist/logger.js';
import { startControlPlane } from '../../dist/testing/index.js';

const objects = Number(process.env.BENCH_OBJECTS ?? 400);
const workers = 2;
const plane = await startControlPlane();
const clientSet = ClientSet.forConfig(plane.adminConfig);
const logger = createLogger({ level: 'silent' });
const rows: string[] = [];
let baseline = 0;

/** Resolves once `done()` holds, checking every 20 ms. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await done())) await delay(20);
}

try {
  for (const replicas of [1, 2, 4]) {
    const namespace = `bench-sharding-${replicas}`;
    await clientSet
      .coreV1()
      .namespaces()
      .create({ metadata: { name: namespace } });
    const configMaps = clientSet.coreV1().configMaps(namespace);
    const finished = new Set<string>();
    // The window from the first timed reconcile's start to the last one's end: the patch burst is not timed.
    let firstStart: number | undefined;
    let lastEnd = 0;
    const stop = new AbortController();
    const managers: Manager[] = [];
    const runs: Promise<void>[] = [];
    for (let r = 0; r < replicas; r++) {
      const manager = newManager({
        config: plane.adminConfig,
        namespace,
        logger,
        sharding: {
          ring: 'bench',
          leaseNamespace: namespace,
          resources: [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' }],
          shard: `replica-${r}`,
        },
      });
      const informer = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
      newControllerManagedBy(manager)
        .named('latency-bound')
        .withOptions({ maxConcurrentReconciles: workers, logger })
        .for(informer)
        .complete(async (request) => {
          const cached = informer.getIndexer().getByKey(`${request.namespace}/${request.name}`);
          const want = cached?.data?.v;
          if (want === undefined || cached?.data?.done === want) return;
          if (want === 'run') firstStart ??= performance.now();
          await delay(20); // the external call
          await manager.clientSet
            .coreV1()
            .configMaps(request.namespace)
            .patch(request.name, 'merge', { data: { done: want } });
          if (want === 'run') {
            finished.add(request.name);
            lastEnd = performance.now();
          }
        });
      managers.push(manager);
      runs.push(manager.start(stop.signal));
    }
    const names = Array.from({ length: objects }, (_, i) => `o-${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names.slice(i, i + 50).map((name) => configMaps.create({ metadata: { name }, data: { v: 'warm' } })),
      );
    }
    // Warm: every object placed on one of the replicas and reconciled once.
    await until(async () => {
      const items = (await configMaps.list()).items.filter((i) => i.metadata?.name?.startsWith('o-'));
      const shards = new Set(items.map((i) => i.metadata?.labels?.[shardLabel('bench')]));
      return shards.size === replicas && !shards.has(undefined) && items.every((i) => i.data?.done === 'warm');
    });
    await Promise.all(names.map((name) => configMaps.patch(name, 'merge', { data: { v: 'run' } })));
    await until(() => finished.size === objects);
    const seconds = (lastEnd - (firstStart ?? lastEnd)) / 1000;
    const perSecond = objects / seconds;
    if (replicas === 1) baseline = perSecond;
    rows.push(
      `| ${replicas} | ${workers} | ${seconds.toFixed(2)} | ${perSecond.toFixed(0)} | ${(perSecond / baseline).toFixed(2)}× |`,
    );
    stop.abort();
    await Promise.all(runs);
    await clientSet.coreV1().namespaces().delete(namespace);
  }
} finally {
  await plane.stop();
}
console.log(`\n### Sharded throughput: ${objects} objects, reconcile = 20 ms wait + one PATCH\n`);
console.log('| replicas | workers each | seconds | reconciles/s | speed-up |');
console.log('|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
