// Checks the pod-watcher's census: pods by phase, restarts and pods per node, as ConfigMap data.
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';
import { describe, expect, it } from 'vitest';
import { phaseOf, podCensus, restartsOf } from '../../../examples/pod-watcher/census.ts';

function pod(name: string, phase: string | undefined, nodeName?: string, restarts: number[] = []): Pod {
  return {
    metadata: { namespace: 'ns', name },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status: {
      ...(phase ? { phase } : {}),
      containerStatuses: restarts.map((restartCount, i) => ({
        name: `c${i}`,
        image: 'img',
        imageID: '',
        ready: true,
        restartCount,
      })),
    },
  };
}

describe('podCensus', () => {
  it('counts an empty namespace as zero pods in every phase and no nodes', () => {
    expect(podCensus([])).toEqual({
      pods: '0',
      restarts: '0',
      'phase.Pending': '0',
      'phase.Running': '0',
      'phase.Succeeded': '0',
      'phase.Failed': '0',
      'phase.Unknown': '0',
    });
  });

  it('counts pods by phase, a pod without a phase as Pending', () => {
    const data = podCensus([
      pod('a', 'Running', 'n1'),
      pod('b', 'Running', 'n1'),
      pod('c', 'Succeeded', 'n1'),
      pod('d', 'Failed', 'n1'),
      pod('e', 'Unknown', 'n1'),
      pod('f', undefined, 'n1'),
      pod('g', 'Pending', 'n1'),
    ]);
    expect(data).toMatchObject({
      pods: '7',
      'phase.Pending': '2',
      'phase.Running': '2',
      'phase.Succeeded': '1',
      'phase.Failed': '1',
      'phase.Unknown': '1',
    });
  });

  it('sums the restart counts of every container, init containers included', () => {
    const withInit = pod('b', 'Running', 'n1', [1]);
    withInit.status = {
      ...withInit.status,
      initContainerStatuses: [{ name: 'init', image: 'i', imageID: '', ready: false, restartCount: 4 }],
    };
    expect(restartsOf(withInit)).toBe(5);
    expect(podCensus([pod('a', 'Running', 'n1', [2, 3]), withInit, pod('c', 'Pending')]).restarts).toBe('10');
  });

  it('counts pods per node, and unbound pods under unscheduled', () => {
    const data = podCensus([
      pod('a', 'Running', 'n1'),
      pod('b', 'Running', 'n2'),
      pod('c', 'Failed', 'n1'),
      pod('d', 'Pending'),
    ]);
    expect(data).toMatchObject({ 'node.n1': '2', 'node.n2': '1', unscheduled: '1' });
    expect(Object.keys(data).filter((k) => k.startsWith('node.'))).toEqual(['node.n1', 'node.n2']);
  });

  it('writes its keys sorted, so equal censuses serialize equally whatever the pod order', () => {
    const pods = [pod('a', 'Running', 'n2'), pod('b', 'Pending', 'n1')];
    const forward = podCensus(pods);
    const backward = podCensus([...pods].reverse());
    expect(JSON.stringify(forward)).toBe(JSON.stringify(backward));
    expect(Object.keys(forward)).toEqual([...Object.keys(forward)].sort());
  });

  it('keeps only valid ConfigMap keys', () => {
    const keys = Object.keys(podCensus([pod('a', 'Running', 'node-1.example.com'), pod('b', undefined)]));
    for (const key of keys) expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
  });
});

describe('phaseOf', () => {
  it('treats a phase the API does not define as Pending', () => {
    expect(phaseOf(pod('a', 'Exploded'))).toBe('Pending');
    expect(phaseOf(pod('b', 'Failed'))).toBe('Failed');
  });
});
