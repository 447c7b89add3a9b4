// The pod-watcher's reconciler cases, the same on the fake API server and on the real control plane (by project),
// so pod-watcher-suite.bench.ts compares like with like: same objects, same changes, same 50 ms polls.
import { randomUUID } from 'node:crypto';
import { ClientSet, loadKubeConfig, type RestConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';
import { newManager } from 'kubeloop/controller';
import { createFakeApiServer } from 'kubeloop/testing';
import { pino } from 'pino';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { addPodWatcher } from '../../../examples/pod-watcher/controller.ts';
import { checkCensus } from '../../../examples/pod-watcher/converge.ts';
import { finishedStatus, newPod, restartedStatus, runningStatus } from '../../../examples/pod-watcher/pod-status.ts';

const target = process.env.KUBELOOP_BENCH_TARGET === 'real' ? 'real' : 'fake';
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
// The fake suite's poll, on both sides (the real suite polls every second, which would blur the comparison).
const poll = { timeout: 60_000, interval: 50 };

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** A fresh fake server per test, or the shared real control plane of the integration global setup. */
async function serverConfig(): Promise<RestConfig> {
  if (target === 'fake') return createFakeApiServer().config;
  const plane = inject('controlPlane');
  return restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
    context: plane.adminContext,
  });
}

/** Namespaces and labels of this test's own, and a started pod-watcher; all stopped (and deleted) after it. */
async function setUp(namespaceCount: number) {
  // Test client and manager alike get a budget of 1,000 QPS: at the default 50, the ~400 Events and the census
  // applies of the 500-pod case wait on the client's token bucket, the same on both servers, and hide them.
  const config = { ...(await serverConfig()), qps: 1000, burst: 1000 };
  const client = ClientSet.forConfig(config);
  const run = randomUUID().slice(0, 8);
  const labels = { 'kubeloop.bench/pod-watcher': run };
  const labelSelector = `kubeloop.bench/pod-watcher=${run}`;
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => `pod-watcher-${run}-${i}`);
  await inPool(namespaces, 8, (name) => client.coreV1().namespaces().create({ metadata: { name } }));
  const logger = pino({ level: 'silent' });
  const manager = newManager({ config, logger, gracefulShutdownTimeoutMs: 10_000 });
  const watcher = addPodWatcher(manager, { labelSelector, logger });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  onTestFinished(async () => {
    stop.abort();
    await running;
    await watcher.recorder.shutdown({ signal: AbortSignal.timeout(10_000) });
    // The fake server goes with the test; the real one is shared, so its namespaces are deleted as the suite does.
    if (target === 'real') await inPool(namespaces, 8, (name) => client.coreV1().namespaces().delete(name));
  });
  const unconverged = async (): Promise<string[]> => {
    const checks = await Promise.all(namespaces.map((ns) => checkCensus(client, ns, labelSelector)));
    return checks.flatMap((c, i) =>
      c.converged ? [] : [`${namespaces[i]}: want ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`],
    );
  };
  return { client, labels, labelSelector, namespaces, watcher, unconverged };
}

describe(`the pod-watcher's reconciler cases on the ${target} server`, () => {
  it.each([
    { namespaceCount: 3, perNamespace: 10 },
    { namespaceCount: 20, perNamespace: 25 },
  ])(
    'converges the censuses of $perNamespace pods in each of $namespaceCount namespaces, and again after changes',
    async ({ namespaceCount, perNamespace }) => {
      const { client, labels, labelSelector, namespaces, unconverged } = await setUp(namespaceCount);
      const pods = (ns: string) => client.coreV1().pods(ns);
      const wanted = namespaces.flatMap((ns) => Array.from({ length: perNamespace }, (_, i) => [ns, i] as const));
      const created = new Map<string, Pod>();
      await inPool(wanted, 16, async ([ns, i]) => {
        const pod = await pods(ns).create(newPod(ns, `pod-${i}`, `node-${i % 3}`, labels));
        const status = i % 4 === 0 ? runningStatus(pod, now()) : i % 4 === 1 ? restartedStatus(pod, now()) : undefined;
        created.set(`${ns}/${i}`, status ? await pods(ns).updateStatus({ ...pod, status }) : pod);
      });
      await expect.poll(unconverged, poll).toEqual([]);

      const emptied = namespaces[1] as string;
      const finishing = wanted.filter((_, j) => j % 3 === 0).map(([ns, i]) => created.get(`${ns}/${i}`) as Pod);
      await inPool(finishing, 16, async (pod) => {
        const { namespace = '', name = '' } = pod.metadata ?? {};
        const current = await pods(namespace).get(name);
        await pods(namespace).updateStatus({ ...current, status: finishedStatus(current, 'Succeeded', now()) });
      });
      await pods(emptied).deleteCollection({ labelSelector, gracePeriodSeconds: 0 });
      await expect.poll(unconverged, poll).toEqual([]);
      expect((await checkCensus(client, emptied, labelSelector)).actual).toMatchObject({ pods: '0' });
    },
  );

  it('records an Event about a pod when its phase changes', async () => {
    const { client, labels, namespaces, watcher } = await setUp(1);
    const ns = namespaces[0] as string;
    const pods = client.coreV1().pods(ns);
    const pod = await pods.create(newPod(ns, 'web', 'node-a', labels));
    // A pod first seen Running is no transition: wait until the informer has seen it Pending.
    await expect.poll(() => watcher.pods.namespace(ns).get('web') !== undefined, poll).toBe(true);
    await pods.updateStatus({ ...pod, status: runningStatus(pod, now()) });
    const events = async () => (await client.eventsV1().events(ns).list()).items;
    await expect.poll(async () => (await events()).length, poll).toBeGreaterThan(0);
    expect((await events())[0]).toMatchObject({ reason: 'PodRunning', regarding: { kind: 'Pod', name: 'web' } });
  });
});
