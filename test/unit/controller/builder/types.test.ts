import { describe, expect, expectTypeOf, it } from 'vitest';
import { newSharedInformerFactory } from '../../../../src/cache/informer-factory.js';
import type { ConfigMap, Pod } from '../../../../src/client/kubernetes/core-v1/index.js';
import {
  type Controller,
  type ControllerManagerLike,
  generationChanged,
  labelChanged,
  newControllerManagedBy,
  or,
  type Predicate,
  type ReconcileResult,
  type Reconciler,
  type Request,
} from '../../../../src/controller/index.js';
import type { ManagedController, Manager } from '../../../../src/controller/manager.js';
import { HandFedInformer } from './hand-fed-informer.js';

describe('controller builder types', () => {
  it('types predicates and mappings by the informer they filter', () => {
    const manager = { factory: newSharedInformerFactory(), add: (_c: Controller) => {} };
    const pods = new HandFedInformer<Pod>('typed:/v1/pods');
    const configMaps = new HandFedInformer<ConfigMap>('typed:/v1/configmaps');
    const running: Predicate<Pod> = { update: (_old, pod) => pod.status?.phase === 'Running' };
    const builder = newControllerManagedBy(manager)
      .for(pods, { predicates: [generationChanged, running] })
      .watches(configMaps, (cm) => {
        expectTypeOf(cm).toEqualTypeOf<Readonly<ConfigMap>>();
        return [{ namespace: cm.metadata?.namespace ?? '', name: 'x' }];
      });
    builder.owns(configMaps, { predicates: [generationChanged] }); // generic predicates fit every source
    expectTypeOf(or<Pod>(labelChanged, running)).toEqualTypeOf<Predicate<Pod>>();
    expect(pods.handlerNames).toEqual([]); // nothing registered before complete()
  });

  it('fits the Manager: it takes a Manager and is a ManagedController', () => {
    expectTypeOf<Manager>().toExtend<ControllerManagerLike>();
    expectTypeOf<Controller>().toExtend<ManagedController>();
  });

  it('accepts an async function returning nothing or a requeue delay as a Reconciler', () => {
    const nothing: Reconciler = async () => {};
    const later: Reconciler = async (request) => ({ requeueAfterMs: request.name.length });
    expectTypeOf<Parameters<Reconciler>[0]>().toEqualTypeOf<Request>();
    expectTypeOf<Awaited<ReturnType<Reconciler>>>().toEqualTypeOf<ReconcileResult>();
    // @ts-expect-error: requeueAfterMs is a number of milliseconds
    const wrong: Reconciler = async () => ({ requeueAfterMs: '5s' });
    expect([nothing, later, wrong]).toHaveLength(3);
  });
});
