// The kubeloop peer: a SharedIndexInformer on pods (full, stripManagedFields or metadata-only), or the workqueue.
// Run by peers.bench.ts: node bench/peers/kubeloop.ts <url> <full|stripped|metadata|workqueue> <objects> <events>

import { newSharedInformerFactory, stripManagedFields } from '../../dist/cache/index.js';
import { ClientSet } from '../../dist/client/index.js';
import { newQueue } from '../../dist/controller/index.js';
import { control, countTo, cpuMs, finish, measure, peerArgs, relist } from './protocol.ts';

const { url, mode, objects, events } = peerArgs();

async function informer(): Promise<void> {
  const clientSet = ClientSet.forConfig({ host: url, qps: -1 });
  const factory = newSharedInformerFactory({
    clientSet,
    watchList: 'off',
    ...(mode === 'stripped' ? { transform: stripManagedFields } : {}),
  });
  const pods =
    mode === 'metadata'
      ? factory.forMetadata({ group: '', version: 'v1', resource: 'pods' })
      : factory.forClient((namespace) => clientSet.coreV1().pods(namespace));
  const adds = countTo(objects);
  const updates = countTo(events);
  // After the burst, updates count the relist instead: it updates every pod the burst changed.
  let onUpdate = updates.count;
  pods.addEventHandler({ onAdd: adds.count, onUpdate: () => onUpdate() });
  const begin = performance.now();
  factory.start(new AbortController().signal);
  await adds.reached;
  const syncMs = performance.now() - begin;
  const afterSync = measure();
  const burstBegin = performance.now();
  const burstCpu = cpuMs();
  await control(url, 'burst');
  await updates.reached;
  const eventsPerSec = events / ((performance.now() - burstBegin) / 1000);
  const burstCpuMs = cpuMs() - burstCpu;
  const afterBurst = measure();
  // Only when the burst changed every pod can the relist's end be counted (unchanged pods may go unannounced).
  const relisted = countTo(objects);
  onUpdate = relisted.count;
  const relistFigures = events >= objects ? await relist(url, relisted.reached) : undefined;
  finish({
    peer: 'kubeloop',
    mode,
    syncMs,
    eventsPerSec,
    burstCpuMs,
    afterSync,
    afterBurst,
    ...(relistFigures ? { relist: relistFigures } : {}),
    objects: pods.getIndexer().size,
  });
}

/**
 * Per-item ns of add+get+done and of re-adding queued keys, per round after a warm-up round (as the Go peer). Items
 * are taken as the controller's workers take them: `tryGet()`, and `await get()` only when nothing is queued (as
 * client-go's Get blocks only then); bench/controller/workqueue.bench.ts also times a plain `await get()` per item.
 */
async function workqueue(): Promise<void> {
  const keys = Array.from({ length: objects }, (_, i) => `namespace-${i % 100}/object-${i}`);
  const figures: Record<string, number> = {};
  for (let round = 0; round < 6; round++) {
    const queue = newQueue<string>();
    let begin = performance.now();
    for (const key of keys) queue.add(key);
    for (let i = 0; i < keys.length; i++) {
      const next = queue.tryGet() ?? (await queue.get());
      if (!next.shutdown) queue.done(next.item);
    }
    const addGetDone = ((performance.now() - begin) * 1e6) / keys.length;
    for (const key of keys) queue.add(key);
    begin = performance.now();
    for (let r = 0; r < 10; r++) for (const key of keys) queue.add(key);
    const reAdd = ((performance.now() - begin) * 1e6) / (10 * keys.length);
    queue.shutDown();
    if (round > 0) {
      figures[`addGetDoneNs${round}`] = addGetDone;
      figures[`reAddNs${round}`] = reAdd;
    }
  }
  finish({ peer: 'kubeloop', mode, workqueue: figures });
}

await (mode === 'workqueue' ? workqueue() : informer());
