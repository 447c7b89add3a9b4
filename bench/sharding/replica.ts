// One sharded replica as its own process (spawned by fleet.ts): a manager holding one shard of a ring, whose
// controller reconciles ConfigMaps like a latency-bound operator. A reconcile reads the run the trigger Secret asks
// for; if the object has not reached it, it waits `latencyMs` (the external call), then writes the run into the
// object's data and tells the parent. A change of the trigger enqueues every object this shard holds
// (controller-runtime's Watches with a map function), so one write starts the work of the whole ring.
// Run by fleet.ts as: node --expose-gc bench/sharding/replica.ts '<ReplicaConfig as JSON>'.
import { setTimeout as delay } from 'node:timers/promises';
import { inferConfig } from '../../dist/client/index.js';
import { newControllerManagedBy, newManager, requestFromKey } from '../../dist/controller/index.js';
import { createLogger } from '../../dist/logger.js';
import {
  configMaps,
  type FromReplica,
  type ReplicaConfig,
  runAnnotation,
  type ToReplica,
  triggerName,
} from './fleet.ts';

const config = JSON.parse(process.argv[2] ?? '') as ReplicaConfig;
const send = (message: FromReplica): void => {
  process.send?.(message);
};
// The parent gone means the benchmark ended or crashed: a replica never outlives it.
process.on('disconnect', () => process.exit(1));

const logger = createLogger({ level: (process.env.BENCH_LOG ?? 'silent') as 'silent' });
// No client-side rate limit: the benchmark measures the reconciler's latency, not a token bucket.
const restConfig = { ...(await inferConfig({ env: { KUBECONFIG: config.kubeconfig } })), qps: -1 };
const manager = newManager({
  config: restConfig,
  namespace: config.namespace,
  logger,
  sharding: {
    ring: config.ring,
    leaseNamespace: config.namespace,
    resources: [configMaps],
    shard: config.shard,
    runSharder: config.runSharder,
  },
});
const objects = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
const triggers = manager.factory.forClient((ns) => manager.clientSet.coreV1().secrets(ns));
const writer = manager.clientSet.coreV1().configMaps(config.namespace);
const runOf = (): string | undefined =>
  triggers.getIndexer().getByKey(`${config.namespace}/${triggerName}`)?.metadata?.annotations?.[runAnnotation];

const controller = newControllerManagedBy(manager)
  .named('latency-bound')
  .withOptions({ maxConcurrentReconciles: config.workers, logger })
  .for(objects)
  .watches(triggers, (secret) =>
    secret.metadata?.name === triggerName ? objects.getIndexer().listKeys().map(requestFromKey) : [],
  )
  .complete(async (request, { signal }) => {
    const run = runOf();
    const object = objects.getIndexer().getByKey(`${request.namespace}/${request.name}`);
    if (run === undefined || object === undefined || object.data?.done === run) return;
    await delay(config.latencyMs, undefined, { signal }); // the external call
    await writer.patch(request.name, 'merge', { data: { done: run } }, { signal });
    send({ type: 'done', run });
  });

/** The sum of a metric's series in the manager's registry whose `label` passes `keep` (0 when not registered). */
async function metricSum(name: string, label: string, keep: (value: string) => boolean): Promise<number> {
  const metric = await manager.metricsRegistry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => (keep(String(v.labels[label])) ? sum + v.value : sum), 0);
}

const stop = new AbortController();
const running = manager.start(stop.signal);
// Reports are answered in the order asked (the parent matches them so): one at a time.
let reporting = Promise.resolve();
process.on('message', (message: ToReplica) => {
  if (message.type === 'stop') {
    stop.abort();
    return;
  }
  reporting = reporting.then(() => report(message.gc));
});

async function report(gc: boolean): Promise<void> {
  // Every workqueue: the benchmark controller's and, where it runs, the sharder's.
  const queueDepth = await metricSum('workqueue_depth', 'name', () => true);
  const sharderReconciles = await metricSum('controller_runtime_reconcile_total', 'controller', (c) =>
    c.startsWith('sharder/'),
  );
  if (gc) {
    // Twice: the first full GC can leave garbage that finalizers or weak references freed only then.
    globalThis.gc?.();
    globalThis.gc?.();
  }
  const { heapUsed, rss } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  const { inFlight } = controller.stats();
  const cached = objects.getIndexer().listKeys().length;
  send({
    type: 'report',
    report: {
      shard: config.shard,
      cached,
      queueDepth,
      inFlight,
      sharderReconciles,
      cpuUs: user + system,
      heapUsed,
      rss,
    },
  });
}

// Ready: a member of the ring (holding its own Lease, so its controller runs) with its caches synced.
while (!(manager.isLeader() && objects.hasSynced() && triggers.hasSynced()) && !stop.signal.aborted) await delay(50);
send({ type: 'ready' });
await running;
process.exit(0);
