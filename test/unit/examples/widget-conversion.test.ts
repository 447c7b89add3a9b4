// The widget operator's conversion: v1alpha1 ↔ v1 through the hub, lossless for every field both versions keep.
import { describe, expect, it } from 'vitest';
import { convertWidgets, v1alpha1Spoke } from '../../../examples/widget-operator/conversion.ts';
import type { Widget, WidgetV1alpha1 } from '../../../examples/widget-operator/widget.ts';

const v1 = 'demo.kubeloop.dev/v1';
const v1alpha1 = 'demo.kubeloop.dev/v1alpha1';
const metadata = { name: 'w', namespace: 'ns', uid: 'u-1', labels: { tier: 'gold' }, finalizers: ['f'] };
const status: Widget['status'] = {
  readyReplicas: 1,
  observedGeneration: 3,
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'ReplicasNotReady',
      message: '1/4',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    },
  ],
};

const old: WidgetV1alpha1 = {
  apiVersion: v1alpha1,
  kind: 'Widget',
  metadata,
  spec: { size: 4, image: 'nginx:1.27' },
  status,
};
const hub: Widget = { apiVersion: v1, kind: 'Widget', metadata, spec: { replicas: 4, image: 'nginx:1.27' }, status };

describe('the Widget conversion', () => {
  it('turns v1alpha1 size into v1 replicas, keeping metadata and status', () => {
    expect(convertWidgets.convert(old, v1)).toEqual(hub);
  });

  it('turns v1 replicas into v1alpha1 size', () => {
    expect(convertWidgets.convert(hub, v1alpha1)).toEqual(old);
  });

  it('round-trips v1alpha1 → v1 → v1alpha1 and v1 → v1alpha1 → v1 without loss', () => {
    expect(convertWidgets.convert(convertWidgets.convert(old, v1), v1alpha1)).toEqual(old);
    expect(convertWidgets.convert(convertWidgets.convert(hub, v1alpha1), v1)).toEqual(hub);
  });

  it('leaves the object it converts untouched', () => {
    const before = structuredClone(old);
    convertWidgets.convert(old, v1);
    expect(old).toEqual(before);
  });

  it('converts a Widget without status or metadata, as a spoke function alone', () => {
    expect(v1alpha1Spoke.toHub({ spec: { size: 0, image: 'a:1' } })).toEqual({ spec: { replicas: 0, image: 'a:1' } });
    expect(v1alpha1Spoke.fromHub({ spec: { replicas: 7, image: 'a:1' } })).toEqual({ spec: { size: 7, image: 'a:1' } });
  });
});
