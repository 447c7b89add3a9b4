import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/client/kubernetes/apps-v1/types.js';
import { clients, cluster, eventually, testNamespace } from './support.js';

// The image is never pulled: kwok plays the kubelet, so any well-formed reference will do.
const container = { name: 'app', image: 'registry.invalid/kubeloop/app:1' };

function deployment(name: string, replicas: number): Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container] } },
    },
  };
}

describe('a whole cluster without containers', () => {
  it('runs a Deployment of 3 replicas to readyReplicas 3 on the simulated nodes, and scaling it to 0 removes its pods', async () => {
    const namespace = await testNamespace('deploy');
    const set = await clients();
    const deployments = set.appsV1().deployments(namespace);
    const pods = set.coreV1().pods(namespace);
    await deployments.create(deployment('web', 3));

    const ready = await eventually(async () => {
      const current = await deployments.get('web');
      return current.status?.readyReplicas === 3 ? current : undefined;
    });
    expect(ready.status?.availableReplicas).toBe(3);
    const { items } = await pods.list({ labelSelector: 'app=web' });
    expect(items).toHaveLength(3);
    for (const pod of items) {
      expect(cluster.nodes).toContain(pod.spec?.nodeName);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    }

    await deployments.patch('web', 'merge', { spec: { replicas: 0 } });

    await eventually(async () =>
      (await pods.list({ labelSelector: 'app=web' })).items.length === 0 ? true : undefined,
    );
    expect((await deployments.get('web')).status?.readyReplicas ?? 0).toBe(0);
  });

  it('completes a Job: its pods run and succeed', async () => {
    const namespace = await testNamespace('job');
    const jobs = (await clients()).batchV1().jobs(namespace);
    await jobs.create({
      metadata: { name: 'once' },
      spec: { completions: 2, template: { spec: { restartPolicy: 'Never', containers: [container] } } },
    });

    const done = await eventually(async () => {
      const job = await jobs.get('once');
      const complete = job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
      return complete ? job : undefined;
    });
    expect(done.status?.succeeded).toBe(2);
  });
});
