// The widget operator's status computation: ready replicas, the Ready condition and its transition time.
import type { Deployment } from 'kubeloop/client/kubernetes/apps-v1';
import { describe, expect, it } from 'vitest';
import { readyCondition, widgetStatus } from '../../../examples/widget-operator/status.ts';
import type { Widget } from '../../../examples/widget-operator/widget.ts';

const widget = (replicas: number, status?: Widget['status']): Widget => ({
  metadata: { name: 'w', namespace: 'ns', generation: 4 },
  spec: { replicas, image: 'nginx' },
  ...(status ? { status } : {}),
});
/** A Deployment as the operator observes it: only its ready replicas matter here. */
const observed = (readyReplicas: number): Deployment => ({
  spec: { selector: {}, template: {} },
  status: { readyReplicas },
});
const t0 = Date.parse('2026-01-01T00:00:00Z');

describe('widgetStatus', () => {
  it('reports a missing Deployment as not ready, with the generation it observed', () => {
    expect(widgetStatus(widget(2), undefined, t0)).toEqual({
      readyReplicas: 0,
      observedGeneration: 4,
      conditions: [
        {
          type: readyCondition,
          status: 'False',
          reason: 'DeploymentMissing',
          message: '0/2 replicas ready',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 4,
        },
      ],
    });
  });

  it('turns Ready true once every wanted replica is ready', () => {
    const status = widgetStatus(widget(2), observed(3), t0);
    expect(status.readyReplicas).toBe(3);
    expect(status.conditions?.[0]).toMatchObject({ status: 'True', reason: 'AllReplicasReady' });
  });

  it('gives an equal status for an unchanged world, so the operator writes nothing', () => {
    const first = widgetStatus(widget(2), observed(1), t0);
    const again = widgetStatus(widget(2, first), observed(1), t0 + 60_000);
    expect(again).toEqual(first);
  });

  it('keeps the transition time while the condition status stays, and moves it when it changes', () => {
    const notReady = widgetStatus(widget(3), observed(1), t0);
    const stillNot = widgetStatus(widget(3, notReady), observed(2), t0 + 60_000);
    expect(stillNot.conditions?.[0]).toMatchObject({
      lastTransitionTime: '2026-01-01T00:00:00Z',
      message: '2/3 replicas ready',
    });
    const ready = widgetStatus(widget(3, stillNot), observed(3), t0 + 120_000);
    expect(ready.conditions?.[0]).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:02:00Z' });
  });
});
