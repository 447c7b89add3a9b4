// Drives a workload on the local cluster: Deployments scaled up and down, pods deleted, Jobs run to completion.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClientSet, isNotFound } from 'kubeloop/client';

/** Options of {@link runWorkload}. */
export interface WorkloadOptions {
  readonly clientSet: ClientSet;
  readonly namespace: string;
  /** Deployments to drive; default 3. */
  readonly deployments?: number;
  /** One change every this many ms; default 700. */
  readonly tickMs?: number;
  /** Defaults to Math.random; tests pass a seeded one. */
  readonly random?: () => number;
  readonly signal: AbortSignal;
}

/** What the workload asked of the cluster; the scheduler, the controllers and kwok did the rest. */
export interface WorkloadStats {
  deployments: number;
  scalings: number;
  podsDeleted: number;
  jobs: number;
}

const labels = (app: string) => ({ app, 'app.kubernetes.io/part-of': 'kubeloop-pod-watcher-demo' });
const container = { name: 'app', image: 'registry.k8s.io/pause:3.10' };

/** Creates the Deployments, then scales them, deletes a pod or starts a Job each tick until `signal` aborts. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadStats> {
  const { clientSet, namespace, signal } = options;
  const random = options.random ?? Math.random;
  const apps = clientSet.appsV1().deployments(namespace);
  const pods = clientSet.coreV1().pods(namespace);
  const jobs = clientSet.batchV1().jobs(namespace);
  const names = Array.from({ length: options.deployments ?? 3 }, (_, i) => `web-${i + 1}`);
  const stats: WorkloadStats = { deployments: 0, scalings: 0, podsDeleted: 0, jobs: 0 };
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

  for (const name of names) {
    const selector = { matchLabels: { app: name } };
    const template = { metadata: { labels: labels(name) }, spec: { containers: [container] } };
    await apps.create(
      { metadata: { name, labels: labels(name) }, spec: { replicas: 2, selector, template } },
      { signal },
    );
    stats.deployments++;
  }

  const tick = async (): Promise<void> => {
    const r = random();
    if (r < 0.5) {
      const name = pick(names) ?? '';
      await apps.patchScale(name, 'merge', { spec: { replicas: Math.floor(random() * 6) } }, { signal });
      stats.scalings++;
    } else if (r < 0.85) {
      const pod = pick((await pods.list({ labelSelector: 'app', signal })).items);
      if (!pod?.metadata?.name) return;
      // The ReplicaSet sees it go and makes a new one, which the scheduler places and kwok starts.
      await pods
        .delete(pod.metadata.name, { gracePeriodSeconds: 0, signal })
        .catch((e) => isNotFound(e) || Promise.reject(e));
      stats.podsDeleted++;
    } else {
      const name = `batch-${++stats.jobs}`;
      const template = {
        metadata: { labels: labels(name) },
        spec: { restartPolicy: 'Never', containers: [container] },
      };
      await jobs.create(
        { metadata: { name }, spec: { completions: 2, template, ttlSecondsAfterFinished: 5 } },
        { signal },
      );
    }
  };

  while (!signal.aborted) {
    try {
      await tick();
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    await sleep(options.tickMs ?? 700, undefined, { signal }).catch(() => undefined);
  }
  return stats;
}
