// Counts a namespace's pods into the data of its pod-census ConfigMap: pure, so the reconciler and tests share it.
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';

/** The ConfigMap the pod-watcher writes in every namespace it sees pods in. */
export const censusName = 'pod-census';

/** The five pod phases, in lifecycle order; a pod without a phase yet counts as Pending (the apiserver's default). */
export const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

/** One of {@link phases}. */
export type Phase = (typeof phases)[number];

/** The key of pods not bound to a node yet; node names are DNS subdomains, so `node.` keys cannot clash with it. */
export const unscheduledKey = 'unscheduled';

/** A pod's phase as the census counts it. */
export function phaseOf(pod: Readonly<Pod>): Phase {
  const phase = pod.status?.phase;
  return (phases as readonly string[]).includes(phase ?? '') ? (phase as Phase) : 'Pending';
}

/** Sum of the restart counts of a pod's containers (init containers included, as kubectl's RESTARTS column). */
export function restartsOf(pod: Readonly<Pod>): number {
  let sum = 0;
  for (const s of pod.status?.initContainerStatuses ?? []) sum += s.restartCount;
  for (const s of pod.status?.containerStatuses ?? []) sum += s.restartCount;
  return sum;
}

/**
 * The census of `pods` as ConfigMap data: `pods` (total), `phase.<Phase>` for every phase (zeros included, so a
 * reader never guesses), `restarts`, `node.<name>` per node with pods and `unscheduled` when some have no node.
 * Keys come out sorted, so equal censuses serialize equally.
 */
export function podCensus(pods: Iterable<Readonly<Pod>>): Record<string, string> {
  const byPhase = new Map<Phase, number>(phases.map((p) => [p, 0]));
  const byNode = new Map<string, number>();
  let total = 0;
  let restarts = 0;
  for (const pod of pods) {
    total++;
    const phase = phaseOf(pod);
    byPhase.set(phase, (byPhase.get(phase) ?? 0) + 1);
    restarts += restartsOf(pod);
    const node = pod.spec?.nodeName ? `node.${pod.spec.nodeName}` : unscheduledKey;
    byNode.set(node, (byNode.get(node) ?? 0) + 1);
  }
  const data: Record<string, string> = { pods: String(total), restarts: String(restarts) };
  for (const [phase, count] of byPhase) data[`phase.${phase}`] = String(count);
  for (const [node, count] of byNode) data[node] = String(count);
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
