// `npm run demo`: the pod-watcher live. On a local cluster it starts, real controllers and kwok move a workload's pods; on the current context's cluster it only watches.
import { ClientSet } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { pino } from 'pino';
import { type Phase, phaseOf, phases } from './census.ts';
import { findOrStartCluster } from './cluster.ts';
import { addPodWatcher, byNodeIndex } from './controller.ts';
import { waitForCensus } from './converge.ts';
import { setStage } from './stage.ts';
import { formatTransition } from './transitions.ts';
import { startView } from './view.ts';
import { runWorkload, type WorkloadStats } from './workload.ts';

const seconds = Number(process.env.DEMO_SECONDS ?? 45);
if (!(seconds > 0)) throw new Error(`DEMO_SECONDS must be a positive number, got ${process.env.DEMO_SECONDS}`);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

// Ctrl-C stops the show and cleans up; before the show starts, or a second time, it leaves at once.
const stop = new AbortController();
let started = false;
const onSignal = (): void => {
  if (!started || stop.signal.aborted) process.exit(130);
  stop.abort();
};
process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

const cluster = await findOrStartCluster(say);
say(`Cluster: ${cluster.description}`);
const clientSet = ClientSet.forConfig(cluster.config);
// Only a cluster the demo started gets a namespace and a workload; anywhere else the census is a dry run.
const stage = cluster.local ? await setStage(clientSet) : undefined;
const namespace = stage?.namespace ?? (process.env.NAMESPACE || undefined);
say(
  stage
    ? `Namespace ${stage.namespace}: Deployments and Jobs for the scheduler, the controllers and kwok's nodes; running for ${seconds}s (Ctrl-C stops).\n`
    : `Read-only: watching pods in ${namespace ?? 'every namespace'}; the census is applied as a dry run; running for ${seconds}s.\n`,
);

// The manager's logs would tear the live view; errors still reach stderr.
const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
const manager = newManager({
  config: cluster.config,
  ...(namespace ? { namespace } : {}),
  healthProbe: { port: 0 },
  gracefulShutdownTimeoutMs: 5000,
  logger,
});
const watcher = addPodWatcher(manager, { logger, dryRun: !stage });
started = true;
const managerStopped = manager.start(stop.signal).catch((error: unknown) => {
  stop.abort();
  return error;
});

const showEnds = AbortSignal.any([stop.signal, AbortSignal.timeout(seconds * 1000)]);
const startedAt = Date.now();
const workload: Promise<WorkloadStats | undefined> = stage
  ? runWorkload({ clientSet, namespace: stage.namespace, signal: showEnds })
  : new Promise((resolve) => showEnds.addEventListener('abort', () => resolve(undefined), { once: true }));
const indexer = watcher.informer.getIndexer();
const view = startView({
  out: process.stdout,
  snapshot: () => {
    const podsByPhase = Object.fromEntries(phases.map((p) => [p, 0])) as Record<Phase, number>;
    for (const pod of indexer.values()) podsByPhase[phaseOf(pod)]++;
    return {
      title: `kubeloop pod-watcher · ${namespace ?? 'all namespaces'} · metrics at http://${manager.healthAddress ?? '…'}/metrics`,
      elapsedMs: Date.now() - startedAt,
      durationMs: seconds * 1000,
      podsByPhase,
      podsByNode: indexer
        .listIndexFuncValues(byNodeIndex)
        .sort()
        .map((node) => [node, indexer.byIndex(byNodeIndex, node).length] as const),
      reconciles: watcher.reconciles(),
      queueDepth: watcher.controller.stats().queueDepth,
      lastEvents: watcher.transitions.recent().map(formatTransition),
    };
  },
});

let exitCode = 0;
try {
  const stats = await workload;
  const interrupted = stop.signal.aborted;
  const check = stage
    ? await waitForCensus(clientSet, stage.namespace, { timeoutMs: 30_000, signal: stop.signal })
    : undefined;
  view.stop();
  stop.abort();
  const managerError = await managerStopped;
  if (managerError) throw managerError;
  await watcher.recorder.shutdown({ signal: AbortSignal.timeout(5000) }).catch(() => undefined);

  const after = `${Math.round((Date.now() - startedAt) / 1000)}s${interrupted ? ' (interrupted)' : ''}`;
  say(`\nSummary after ${after} on ${cluster.description}:`);
  if (stats) {
    const { deployments, scalings, podsDeleted, jobs } = stats;
    say(`  workload: ${deployments} Deployments, ${scalings} scalings, ${podsDeleted} pods deleted, ${jobs} Jobs`);
  }
  say(`  pod-watcher: ${watcher.reconciles()} reconciles, ${watcher.transitions.total} phase transitions`);
  say(`  pods in the cache now: ${indexer.listKeys().length}`);
  if (stage && check) {
    say(`  census matches a fresh pod list: ${check.converged ? 'yes' : 'NO'}`);
    say(`\nConfigMap pod-census in namespace ${stage.namespace} (field manager pod-watcher):`);
    for (const [key, value] of Object.entries(check.actual ?? {})) say(`  ${key}: "${value}"`);
    if (!(check.converged || interrupted)) exitCode = 1;
  }
} catch (error) {
  view.stop();
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  exitCode = 1;
} finally {
  stop.abort();
  await managerStopped;
  await stage?.tearDown().catch(() => undefined);
  await cluster.stop();
  process.exitCode = exitCode;
}
