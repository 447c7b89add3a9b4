// Plays the kubelet's part in a cluster without one: creates pods, moves them through their phases, deletes some.
import { setTimeout as sleep } from 'node:timers/promises';
import { isConflict, isNotFound } from 'kubeloop/client';
import type { Pod, PodStatus, PodsClient } from 'kubeloop/client/kubernetes/core-v1';
import { phaseOf } from './census.ts';
import { finishedStatus, newPod, restartedStatus, runningStatus } from './pod-status.ts';

/** Options of {@link runKubelet}. */
export interface KubeletOptions {
  /** `clientSet.coreV1().pods(namespace)`. */
  readonly pods: PodsClient;
  readonly namespace: string;
  /** Nodes to bind new pods to (they must exist: the apiserver does not check, but a reader expects them). */
  readonly nodes: readonly string[];
  /** Pods the simulator keeps alive at most; default 16. */
  readonly maxPods?: number;
  /** One step every this many ms; default 300. */
  readonly tickMs?: number;
  /** Defaults to Math.random; tests pass a seeded one. */
  readonly random?: () => number;
  readonly signal: AbortSignal;
}

/** What the simulator did. */
export interface KubeletStats {
  created: number;
  deleted: number;
  statusUpdates: number;
}

type Action = { kind: 'create' } | { kind: 'status'; pod: Pod; status: PodStatus } | { kind: 'delete'; pod: Pod };

/** Picks one step for one pod: Pending → Running, Running → restart / Succeeded / Failed, finished → deleted. */
function stepFor(pod: Pod, r: number, now: string): Action | undefined {
  switch (phaseOf(pod)) {
    case 'Pending':
      return r < 0.5 ? { kind: 'status', pod, status: runningStatus(pod, now) } : undefined;
    case 'Running':
      if (r < 0.12) return { kind: 'status', pod, status: restartedStatus(pod, now) };
      if (r < 0.24) return { kind: 'status', pod, status: finishedStatus(pod, 'Succeeded', now) };
      if (r < 0.3) return { kind: 'status', pod, status: finishedStatus(pod, 'Failed', now) };
      return undefined;
    default:
      return r < 0.35 ? { kind: 'delete', pod } : undefined;
  }
}

/** Runs until `signal` aborts; pods it created stay (deleting the namespace removes them). */
export async function runKubelet(options: KubeletOptions): Promise<KubeletStats> {
  const { pods, namespace, nodes, signal } = options;
  const random = options.random ?? Math.random;
  const maxPods = options.maxPods ?? 16;
  const tickMs = options.tickMs ?? 300;
  const stats: KubeletStats = { created: 0, deleted: 0, statusUpdates: 0 };
  const live = new Map<string, Pod>();
  let serial = 0;

  const apply = async (action: Action): Promise<void> => {
    if (action.kind === 'create') {
      const name = `web-${++serial}`;
      const node = nodes[Math.floor(random() * nodes.length)] ?? '';
      live.set(name, await pods.create(newPod(namespace, name, node, { app: 'web' }), { signal }));
      stats.created++;
      return;
    }
    const name = action.pod.metadata?.name ?? '';
    try {
      if (action.kind === 'delete') {
        live.delete(name);
        await pods.delete(name, { gracePeriodSeconds: 0, signal });
        stats.deleted++;
      } else {
        live.set(name, await pods.updateStatus({ ...action.pod, status: action.status }, { signal }));
        stats.statusUpdates++;
      }
    } catch (error) {
      if (isNotFound(error)) live.delete(name);
      else if (isConflict(error)) live.set(name, await pods.get(name, { signal }));
      else throw error;
    }
  };

  const tick = async (): Promise<void> => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const actions: Action[] = [];
    if (live.size < maxPods && random() < 0.7) actions.push({ kind: 'create' });
    const all = [...live.values()];
    const start = Math.floor(random() * all.length);
    for (let i = 0; i < all.length; i++) {
      const pod = all[(start + i) % all.length] as Pod;
      const action = stepFor(pod, random(), now);
      // A few changes per step keep the view readable and the reconciles/s meaningful.
      if (action && actions.length < 4) actions.push(action);
    }
    await Promise.all(actions.map(apply));
  };

  while (!signal.aborted) {
    try {
      await tick();
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    await sleep(tickMs, undefined, { signal }).catch(() => undefined);
  }
  return stats;
}
