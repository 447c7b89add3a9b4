// Builds the pods and pod statuses a kubelet would write, so the simulator and the tests move pods plausibly.
import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubeloop/client/kubernetes/core-v1';

const image = 'registry.k8s.io/pause:3.10';
const container = 'app';

/** A pod already bound to `nodeName` (no scheduler runs in the local control plane); the apiserver sets Pending. */
export function newPod(namespace: string, name: string, nodeName: string, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels },
    spec: {
      nodeName,
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: 0,
      // Meets the `restricted` Pod Security Standard, so clusters that enforce it admit the demo's pods.
      securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: container,
          image,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

function condition(type: string, status: boolean, now: string): PodCondition {
  return { type, status: status ? 'True' : 'False', lastTransitionTime: now };
}

function conditions(ready: boolean, now: string): PodCondition[] {
  return [
    condition('PodScheduled', true, now),
    condition('Initialized', true, now),
    condition('ContainersReady', ready, now),
    condition('Ready', ready, now),
  ];
}

function containerId(pod: Pod, restarts: number): string {
  const seed = `${pod.metadata?.uid ?? pod.metadata?.name ?? ''}${restarts}`.replaceAll('-', '');
  return `containerd://${seed.padEnd(64, '0').slice(0, 64)}`;
}

/** A pod IP derived from its name, inside 10.244.0.0/16 like a kind cluster's. */
function podIp(pod: Pod): string {
  let h = 0;
  for (const c of pod.metadata?.name ?? '') h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `10.244.${(h >>> 8) % 256}.${(h % 254) + 1}`;
}

function restartCount(pod: Pod): number {
  return pod.status?.containerStatuses?.[0]?.restartCount ?? 0;
}

function running(pod: Pod, restarts: number, now: string, last?: ContainerStatus['lastState']): ContainerStatus {
  return {
    name: container,
    image,
    imageID: `${image}@sha256:${'0'.repeat(64)}`,
    containerID: containerId(pod, restarts),
    ready: true,
    started: true,
    restartCount: restarts,
    state: { running: { startedAt: now } },
    ...(last ? { lastState: last } : {}),
  };
}

/** The status of a pod whose container started (again, after `restarts` restarts). */
export function runningStatus(pod: Pod, now: string, restarts = restartCount(pod)): PodStatus {
  const ip = podIp(pod);
  return {
    phase: 'Running',
    conditions: conditions(true, now),
    podIP: ip,
    podIPs: [{ ip }],
    startTime: pod.status?.startTime ?? now,
    qosClass: 'BestEffort',
    containerStatuses: [running(pod, restarts, now)],
  };
}

/** The status after the container crashed and was restarted once more: restartCount + 1, lastState terminated. */
export function restartedStatus(pod: Pod, now: string): PodStatus {
  const status = runningStatus(pod, now, restartCount(pod) + 1);
  const lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } };
  return { ...status, containerStatuses: [running(pod, restartCount(pod) + 1, now, lastState)] };
}

/** The status of a pod whose container ended: exit 0 → Succeeded, else Failed. */
export function finishedStatus(pod: Pod, phase: 'Succeeded' | 'Failed', now: string): PodStatus {
  const exitCode = phase === 'Succeeded' ? 0 : 2;
  const reason = phase === 'Succeeded' ? 'Completed' : 'Error';
  const base = running(pod, restartCount(pod), now);
  return {
    ...runningStatus(pod, now),
    phase,
    conditions: conditions(false, now),
    containerStatuses: [
      { ...base, ready: false, started: false, state: { terminated: { exitCode, reason, finishedAt: now } } },
    ],
  };
}
