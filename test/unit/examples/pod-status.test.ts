// Checks the statuses the simulated kubelet writes: plausible conditions, IPs, restart counts and exits.
import { describe, expect, it } from 'vitest';
import { restartsOf } from '../../../examples/pod-watcher/census.ts';
import { finishedStatus, newPod, restartedStatus, runningStatus } from '../../../examples/pod-watcher/pod-status.ts';

const at = '2026-01-01T00:00:00Z';
const later = '2026-01-01T00:01:00Z';

describe('the simulated kubelet statuses', () => {
  it('binds a new pod to its node with nothing in its status, as the apiserver expects on create', () => {
    const pod = newPod('ns', 'web-1', 'node-a', { app: 'web' });
    expect(pod.spec?.nodeName).toBe('node-a');
    expect(pod.metadata).toEqual({ namespace: 'ns', name: 'web-1', labels: { app: 'web' } });
    expect(pod.status).toBeUndefined();
  });

  it('marks a running pod Ready, with a pod IP and a running container that has not restarted', () => {
    const status = runningStatus(newPod('ns', 'web-1', 'node-a'), at);
    expect(status.phase).toBe('Running');
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(status.podIPs).toEqual([{ ip: status.podIP }]);
    expect(status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(status.containerStatuses?.[0]).toMatchObject({ restartCount: 0, ready: true, state: { running: {} } });
  });

  it('raises the restart count by one per restart and keeps the last termination', () => {
    const pod = newPod('ns', 'web-1', 'node-a');
    const once = { ...pod, status: restartedStatus({ ...pod, status: runningStatus(pod, at) }, later) };
    const twice = { ...pod, status: restartedStatus(once, later) };
    expect(restartsOf(once)).toBe(1);
    expect(restartsOf(twice)).toBe(2);
    expect(twice.status.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(1);
    expect(twice.status.startTime).toBe(at); // the pod started once; its containers restart
  });

  it('ends a pod Succeeded with exit 0 or Failed with a non-zero exit, no longer Ready, restarts kept', () => {
    const pod = newPod('ns', 'web-1', 'node-a');
    const restarted = { ...pod, status: restartedStatus(pod, at) };
    const done = finishedStatus(restarted, 'Succeeded', later);
    const failed = finishedStatus(restarted, 'Failed', later);
    expect(done.phase).toBe('Succeeded');
    expect(done.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(failed.phase).toBe('Failed');
    expect(failed.containerStatuses?.[0]?.state?.terminated?.exitCode).not.toBe(0);
    expect(done.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(restartsOf({ status: failed })).toBe(1);
  });
});
