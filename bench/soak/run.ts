// Soaks an informer behind a fault proxy: churn and rotating network faults for the given minutes, checking after
// each round that the store and a handler's event-built view equal a fresh LIST, sampling heap and RSS throughout.
// Run: npm run soak -- --minutes 30   (Node 24 runs this file as is; it uses the built dist/).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeletedFinalStateUnknown, listWatchFrom, newSharedIndexInformer } from '../../dist/cache/index.js';
import {
  ClientSet,
  isAlreadyExists,
  isNotFound,
  loadKubeConfig,
  type RestConfig,
  restConfigFromKubeConfig,
} from '../../dist/client/index.js';
import type { ConfigMap } from '../../dist/client/kubernetes/core-v1/types.js';
import { createLogger } from '../../dist/logger.js';
import { startControlPlane } from '../../dist/testing/index.js';
import { Churn } from '../../test/faults/support/churn.ts';
import { converge, differences, EventView, snapshotOf } from '../../test/faults/support/convergence.ts';
import { CountingListerWatcher } from '../../test/faults/support/counting-lister-watcher.ts';
import { FaultProxy } from '../../test/faults/support/fault-proxy.ts';
import { type SoakFault, soakFaults } from './faults.ts';
import { printSoakReport, type Round, type Sample } from './report.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'writes-per-round': { type: 'string', default: '200' },
    'dead-watch-timeout-ms': { type: 'string', default: '10000' },
  },
});
const minutes = Number(values.minutes);
const writesPerRound = Number(values['writes-per-round']);
const deadWatchTimeoutMs = Number(values['dead-watch-timeout-ms']);
if (!(minutes > 0 && writesPerRound > 0 && deadWatchTimeoutMs > 0)) {
  throw new Error('usage: npm run soak -- --minutes <n> [--writes-per-round <n>] [--dead-watch-timeout-ms <ms>]');
}

/** The informer under test (through the proxy), its handler's view, and a count of its warnings. */
function startInformer(config: RestConfig, labelSelector: string, signal: AbortSignal) {
  const lw = new CountingListerWatcher(
    listWatchFrom(ClientSet.forConfig(config).coreV1().configMaps(), { labelSelector }),
  );
  const counter = { warnings: 0 };
  const destination = {
    write: () => {
      counter.warnings += 1;
    },
  };
  const logger = createLogger({ level: 'warn', destination });
  const informer = newSharedIndexInformer<ConfigMap>(lw, { name: 'v1/configmaps', logger, deadWatchTimeoutMs });
  const view = new EventView<ConfigMap>(DeletedFinalStateUnknown);
  informer.addEventHandler(view.handler, { name: 'view' });
  return { lw, informer, view, counter, running: informer.run(signal) };
}

type Subject = ReturnType<typeof startInformer>;

/** Samples memory after a full GC, with the counters at that moment. */
function memorySampler(subject: Subject, startedAt: number) {
  const samples: Sample[] = [];
  const sample = (): void => {
    gc();
    const memory = process.memoryUsage();
    samples.push({
      elapsedS: Math.round((performance.now() - startedAt) / 1000),
      heapMiB: memory.heapUsed / 2 ** 20,
      rssMiB: memory.rss / 2 ** 20,
      events: subject.view.events,
      relists: subject.lw.syncs,
      cached: subject.informer.getIndexer().listKeys().length,
    });
  };
  return { samples, sample };
}

/** One round: writes with `fault` injected a quarter of the way in, then a convergence check against a LIST. */
async function round(
  churn: Churn,
  fault: SoakFault,
  proxy: FaultProxy,
  subject: Subject,
  list: () => Promise<ConfigMap[]>,
) {
  const from = churn.ops;
  await Promise.all([
    churn.run(writesPerRound),
    churn.reached(from + writesPerRound / 4).then(() => fault.inject(proxy)),
  ]);
  const fresh = snapshotOf(await list());
  const start = performance.now();
  const store = await converge(() => differences(snapshotOf(subject.informer.getIndexer().list()), fresh), start);
  const handler = await converge(() => differences(subject.view.snapshot(), fresh), start);
  // Only now are black-holed connections reset and armed cuts disarmed: recovering was the client's own doing.
  await proxy.restore();
  const ok = store.left.length === 0 && handler.left.length === 0;
  if (!ok) console.error(`soak: ${fault.name} did not converge:`, store.left, handler.left);
  return { fault: fault.name, ok, ms: handler.ms } satisfies Round;
}

const plane = await startControlPlane();
const proxy = await FaultProxy.start({ host: '127.0.0.1', port: Number(new URL(plane.server).port) });
const stop = new AbortController();
try {
  const kubeconfig = await loadKubeConfig({ paths: [plane.kubeconfigPath] });
  const direct = { ...restConfigFromKubeConfig(kubeconfig, { context: plane.adminContext }), qps: -1 };
  const clients = ClientSet.forConfig(direct);
  const suite = randomUUID().slice(0, 8);
  const namespaces = ['soak-a', 'soak-b', 'soak-c', 'soak-d'];
  for (const name of namespaces) await clients.coreV1().namespaces().create({ metadata: { name } });
  const keys = namespaces.flatMap((namespace) =>
    Array.from({ length: 50 }, (_, i) => ({ namespace, name: `cm-${i}` })),
  );
  const churn = new Churn(
    (ns) => clients.coreV1().configMaps(ns),
    keys,
    { soak: suite },
    { isAlreadyExists, isNotFound },
  );
  const labelSelector = `soak=${suite}`;
  const list = async () => (await clients.coreV1().configMaps().list({ labelSelector })).items;
  const subject = startInformer({ ...direct, host: proxy.url }, labelSelector, stop.signal);

  const startedAt = performance.now();
  const { samples, sample } = memorySampler(subject, startedAt);
  // About 30 samples whatever the length, but no more often than every 10 s.
  const sampler = setInterval(sample, Math.max(10_000, (minutes * 60_000) / 30));
  sample();
  const faults = soakFaults(deadWatchTimeoutMs);
  const rounds: Round[] = [];
  for (let r = 0; performance.now() < startedAt + minutes * 60_000; r++) {
    const fault = faults[r % faults.length] as SoakFault;
    rounds.push(await round(churn, fault, proxy, subject, list));
    const elapsed = Math.round((performance.now() - startedAt) / 1000);
    console.error(`soak: ${elapsed} s, round ${r} (${fault.name}): converged in ${rounds.at(-1)?.ms} ms`);
  }
  clearInterval(sampler);
  sample();
  const warnings = subject.counter.warnings;
  printSoakReport({ minutes, writes: churn.ops, warnings, samples, rounds, proxy: proxy.stats });
  if (rounds.some((r) => !r.ok)) process.exitCode = 1;
  stop.abort();
  await subject.running;
} finally {
  stop.abort();
  await proxy.close();
  await plane.stop();
}
