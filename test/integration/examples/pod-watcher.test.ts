// Runs the pod-watcher example against the real apiserver: convergence at scale, re-convergence, Events.
import { randomUUID } from 'node:crypto';
import { ClientSet, loadKubeConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';
import { newManager } from 'kubeloop/controller';
import { pino } from 'pino';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { addPodWatcher } from '../../../examples/pod-watcher/controller.ts';
import { checkCensus } from '../../../examples/pod-watcher/converge.ts';
import { finishedStatus, newPod, restartedStatus, runningStatus } from '../../../examples/pod-watcher/pod-status.ts';

const plane = inject('controlPlane');
const nodes = ['node-a', 'node-b', 'node-c'];

/** mulberry32: a seeded PRNG; a failure names its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** Sets up a run: a fast admin client, its namespaces, and a pod-watcher in its own manager. */
async function setUp(namespaceCount: number) {
  const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
    context: plane.adminContext,
  });
  const client = ClientSet.forConfig({ ...config, qps: 1000, burst: 1000 });
  const run = randomUUID().slice(0, 8);
  const labels = { 'kubeloop.test/pod-watcher': run };
  const labelSelector = `kubeloop.test/pod-watcher=${run}`;
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => `pod-watcher-${run}-${i}`);
  await inPool(namespaces, 8, (name) => client.coreV1().namespaces().create({ metadata: { name } }));
  const logger = pino({ level: 'warn' });
  const manager = newManager({ config, logger, gracefulShutdownTimeoutMs: 10_000 });
  const watcher = addPodWatcher(manager, { labelSelector, logger });
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  onTestFinished(async () => {
    stop.abort();
    await running;
    await watcher.recorder.shutdown({ signal: AbortSignal.timeout(10_000) });
    await inPool(namespaces, 8, (name) => client.coreV1().namespaces().delete(name));
  });
  const start = (): void => {
    running = manager.start(stop.signal);
  };
  return { client, labels, labelSelector, namespaces, watcher, start };
}

describe('the pod-watcher example', () => {
  it('converges the censuses of 500 pods in 20 namespaces, and again after random changes', async () => {
    const seed = Date.now() % 2 ** 31;
    const random = seeded(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const { client, labels, labelSelector, namespaces, start } = await setUp(20);
    const pods = (ns: string) => client.coreV1().pods(ns);

    const create = async (ns: string, name: string): Promise<void> => {
      const pod = await pods(ns).create(newPod(ns, name, pick(nodes), labels));
      const r = random();
      if (r < 0.2) return; // stays Pending
      const status =
        r < 0.6
          ? random() < 0.3
            ? restartedStatus(pod, now())
            : runningStatus(pod, now())
          : finishedStatus(pod, r < 0.8 ? 'Succeeded' : 'Failed', now());
      await pods(ns).updateStatus({ ...pod, status });
    };
    const initial = namespaces.flatMap((ns) => Array.from({ length: 25 }, (_, i) => [ns, `pod-${i}`] as const));
    await inPool(initial, 16, ([ns, name]) => create(ns, name));
    start();

    const unconverged = async (): Promise<string[]> => {
      const checks = await Promise.all(namespaces.map((ns) => checkCensus(client, ns, labelSelector)));
      const show = (data: object | undefined): string => JSON.stringify(data);
      return checks.flatMap((c, i) =>
        c.converged ? [] : [`${namespaces[i]} (seed ${seed}): want ${show(c.expected)}, got ${show(c.actual)}`],
      );
    };
    await expect.poll(unconverged, { timeout: 180_000, interval: 1000 }).toEqual([]);
    const first = await checkCensus(client, namespaces[1] as string, labelSelector);
    expect(Object.values(first.actual ?? {}).length).toBeGreaterThan(0);

    // Random changes: phase moves, restarts, deletions, new pods, and one namespace emptied entirely.
    const [emptied, ...rest] = namespaces as [string, ...string[]];
    const change = async (pod: Pod): Promise<unknown> => {
      const { namespace = '', name = '' } = pod.metadata ?? {};
      const r = random();
      if (r < 0.2) return pods(namespace).delete(name, { gracePeriodSeconds: 0 });
      const phase = pod.status?.phase;
      const status =
        phase === 'Pending'
          ? runningStatus(pod, now())
          : phase === 'Running'
            ? r < 0.5
              ? restartedStatus(pod, now())
              : finishedStatus(pod, r < 0.75 ? 'Succeeded' : 'Failed', now())
            : undefined;
      return status
        ? pods(namespace).updateStatus({ ...pod, status })
        : pods(namespace).delete(name, { gracePeriodSeconds: 0 });
    };
    const listed = await Promise.all(rest.map(async (ns) => (await pods(ns).list()).items));
    const changed = listed.flat().filter(() => random() < 0.3);
    const added = Array.from({ length: 40 }, (_, i) => [pick(rest), `added-${i}`] as const);
    await Promise.all([
      inPool(changed, 16, change),
      inPool(added, 8, ([ns, name]) => create(ns, name)),
      pods(emptied).deleteCollection({ labelSelector, gracePeriodSeconds: 0 }),
    ]);

    await expect.poll(unconverged, { timeout: 180_000, interval: 1000 }).toEqual([]);
    const empty = await checkCensus(client, emptied, labelSelector);
    expect(empty.actual).toMatchObject({ pods: '0', 'phase.Running': '0' });
    expect(Object.keys(empty.actual ?? {}).filter((k) => k.startsWith('node.'))).toEqual([]);
  }, 420_000);

  it('records an Event about a pod when its phase changes', async () => {
    const { client, labels, namespaces, watcher, start } = await setUp(1);
    const ns = namespaces[0] as string;
    const pod = await client
      .coreV1()
      .pods(ns)
      .create(newPod(ns, 'web', 'node-a', labels));
    start();
    await expect.poll(() => watcher.pods.namespace(ns).get('web') !== undefined, { timeout: 60_000 }).toBe(true);
    await client
      .coreV1()
      .pods(ns)
      .updateStatus({ ...pod, status: runningStatus(pod, now()) });

    const events = async () => (await client.eventsV1().events(ns).list()).items;
    await expect.poll(async () => (await events()).length, { timeout: 60_000 }).toBeGreaterThan(0);
    const [event] = await events();
    expect(event).toMatchObject({
      reason: 'PodRunning',
      type: 'Normal',
      action: 'ObservePhase',
      reportingController: 'kubeloop.dev/pod-watcher',
      regarding: { kind: 'Pod', name: 'web', namespace: ns, uid: pod.metadata?.uid },
    });
    expect(watcher.transitions.recent().map((t) => `${t.from}→${t.to}`)).toEqual(['Pending→Running']);
  });
});
