// Runs the pod-watcher example whole (manager, informers, controller, apply, Events) on the in-process fake API server.
import { ClientSet } from 'kubeloop/client';
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';
import { newManager } from 'kubeloop/controller';
import { createFakeApiServer } from 'kubeloop/testing';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addPodWatcher } from '../../../examples/pod-watcher/controller.ts';
import { checkCensus } from '../../../examples/pod-watcher/converge.ts';
import { finishedStatus, newPod, restartedStatus, runningStatus } from '../../../examples/pod-watcher/pod-status.ts';

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const labels = { 'kubeloop.test/pod-watcher': 'fake' };
const labelSelector = 'kubeloop.test/pod-watcher=fake';
const namespaces = ['team-a', 'team-b', 'team-c'];

/** A fake server with three namespaces and a started pod-watcher on it. */
async function setUp() {
  const server = createFakeApiServer({
    objects: namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  });
  const client = ClientSet.forConfig(server.config);
  const logger = pino({ level: 'silent' });
  const manager = newManager({ config: server.config, logger });
  const watcher = addPodWatcher(manager, { labelSelector, logger });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  onTestFinished(async () => {
    stop.abort();
    await running;
    await watcher.recorder.shutdown({ signal: AbortSignal.timeout(10_000) });
  });
  return { client, watcher };
}

async function unconverged(client: ClientSet): Promise<string[]> {
  const checks = await Promise.all(namespaces.map((ns) => checkCensus(client, ns, labelSelector)));
  return checks.flatMap((c, i) =>
    c.converged ? [] : [`${namespaces[i]}: want ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`],
  );
}

describe('the pod-watcher example on the fake API server', () => {
  it('converges the censuses of every namespace, and again after pods change and go', async () => {
    const { client } = await setUp();
    const pods = (ns: string) => client.coreV1().pods(ns);
    const created: Pod[] = [];
    for (const ns of namespaces) {
      for (let i = 0; i < 10; i++) {
        const pod = await pods(ns).create(newPod(ns, `pod-${i}`, `node-${i % 3}`, labels));
        const status = i % 4 === 0 ? runningStatus(pod, now()) : i % 4 === 1 ? restartedStatus(pod, now()) : undefined;
        created.push(status ? await pods(ns).updateStatus({ ...pod, status }) : pod);
      }
    }
    await expect.poll(() => unconverged(client), { timeout: 30_000, interval: 50 }).toEqual([]);

    for (const pod of created.filter((_, i) => i % 3 === 0)) {
      const { namespace = '', name = '' } = pod.metadata ?? {};
      const current = await pods(namespace).get(name);
      await pods(namespace).updateStatus({ ...current, status: finishedStatus(current, 'Succeeded', now()) });
    }
    await pods('team-b').deleteCollection({ labelSelector, gracePeriodSeconds: 0 });
    await expect.poll(() => unconverged(client), { timeout: 30_000, interval: 50 }).toEqual([]);
    const emptied = await checkCensus(client, 'team-b', labelSelector);
    expect(emptied.actual).toMatchObject({ pods: '0' });
  });

  it('records an Event about a pod when its phase changes', async () => {
    const { client } = await setUp();
    const pod = await client
      .coreV1()
      .pods('team-a')
      .create(newPod('team-a', 'web', 'node-a', labels));
    await client
      .coreV1()
      .pods('team-a')
      .updateStatus({ ...pod, status: runningStatus(pod, now()) });
    const events = async () =>
      (await client.eventsV1().events('team-a').list()).items.map((e) => `${e.regarding?.name} ${e.reason}`);
    await expect.poll(events, { timeout: 30_000, interval: 50 }).toContainEqual(expect.stringMatching(/^web /));
  });
});
