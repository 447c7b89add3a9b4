import { afterEach, describe, expect, it } from 'vitest';
import { newSharedInformerFactory } from '../../../../src/cache/informer-factory.js';
import type { ConfigMap } from '../../../../src/client/kubernetes/core-v1/index.js';
import type { KubeObject, ObjectMeta, OwnerReference } from '../../../../src/client/meta.js';
import { newControllerManagedBy } from '../../../../src/controller/builder.js';
import type { Controller } from '../../../../src/controller/controller.js';
import { ControllerOptionsError } from '../../../../src/controller/controller-errors.js';
import { annotationChanged, generationChanged, labelChanged, not, or } from '../../../../src/controller/predicates.js';
import type { Request } from '../../../../src/controller/reconciler.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeClock } from '../../support/fake-clock.js';
import { until } from '../controller/harness.js';
import { HandFedInformer } from './hand-fed-informer.js';

function object(kind: string, metadata: ObjectMeta, apiVersion = 'v1'): KubeObject {
  return { apiVersion, kind, metadata: { namespace: 'ns', resourceVersion: '1', ...metadata } };
}

function controllerRef(owner: KubeObject, controller = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'v1',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller,
  };
}

const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

/** A manager-like object, and the requests the controller it gets reconciles. */
function setup() {
  const added: Controller[] = [];
  const manager = { factory: newSharedInformerFactory(), add: (c: Controller) => void added.push(c) };
  const seen: Request[] = [];
  const reconcile = async (request: Request): Promise<void> => {
    seen.push(request);
  };
  const options = { clock: new FakeClock(), logger: createLogger({ level: 'silent' }) };
  const run = (controller: Controller): void => {
    const stop = new AbortController();
    stops.push(stop);
    void controller.start(stop.signal);
  };
  return { manager, added, seen, reconcile, options, run };
}

describe('newControllerManagedBy', () => {
  it('enqueues the object itself for creates, updates and deletes of the for() resource, tombstones unwrapped', async () => {
    const { manager, added, seen, reconcile, options, run } = setup();
    const parents = new HandFedInformer<KubeObject>('typed:/v1/configmaps');
    const controller = newControllerManagedBy(manager).for(parents).withOptions(options).complete(reconcile);
    expect(added).toEqual([controller]);
    expect(controller.name).toBe('configmaps');
    expect(controller.sources).toEqual([parents]);
    expect(parents.handlerNames).toEqual(['configmaps/for']);
    run(controller);
    const p = object('ConfigMap', { name: 'p', uid: 'u1' });
    parents.add(p);
    await until(() => seen.length === 1);
    parents.update(p, object('ConfigMap', { name: 'p', uid: 'u1', resourceVersion: '2' }));
    await until(() => seen.length === 2);
    parents.delete(p, true);
    await until(() => seen.length === 3);
    expect(seen).toEqual([
      { namespace: 'ns', name: 'p' },
      { namespace: 'ns', name: 'p' },
      { namespace: 'ns', name: 'p' },
    ]);
  });

  it('maps an owned object to its controller owner of the for() resource, by UID in the cache', async () => {
    const { manager, seen, reconcile, options, run } = setup();
    const parents = new HandFedInformer<KubeObject>('typed:/apps/v1/deployments');
    const children = new HandFedInformer<KubeObject>('typed:/v1/pods');
    const controller = newControllerManagedBy(manager)
      .named('deployments')
      .owns(children)
      .for(parents)
      .withOptions(options)
      .complete(reconcile);
    expect(controller.sources).toEqual([parents, children]);
    run(controller);
    const parent = object('Deployment', { name: 'web', uid: 'u-web' }, 'apps/v1');
    parents.add(parent);
    await until(() => seen.length === 1);
    const impostor = { ...controllerRef(parent), uid: 'other-uid' };
    children.add(object('Pod', { name: 'c0', ownerReferences: [impostor] })); // same name, not the cached owner
    children.add(object('Pod', { name: 'c1', ownerReferences: [controllerRef(parent, false)] })); // not controller
    children.add(object('Pod', { name: 'orphan' }));
    const child = object('Pod', { name: 'c2', ownerReferences: [controllerRef(parent)] });
    children.add(child);
    await until(() => seen.length === 2);
    children.delete(child, true);
    await until(() => seen.length === 3);
    expect(seen).toEqual([
      { namespace: 'ns', name: 'web' },
      { namespace: 'ns', name: 'web' },
      { namespace: 'ns', name: 'web' },
    ]);
  });

  it('maps owned objects by kind and API group when ownerKind and ownerApiVersion are given', async () => {
    const { manager, seen, reconcile, options, run } = setup();
    const parents = new HandFedInformer<KubeObject>('typed:/apps/v1/deployments');
    const children = new HandFedInformer<KubeObject>('typed:/apps/v1/replicasets');
    const controller = newControllerManagedBy(manager)
      .for(parents)
      .owns(children, { ownerKind: 'Deployment', ownerApiVersion: 'apps/v1' })
      .withOptions(options)
      .complete(reconcile);
    run(controller);
    const ref = (kind: string, apiVersion: string, name: string): OwnerReference => ({
      apiVersion,
      kind,
      name,
      uid: 'u',
      controller: true,
    });
    children.add(object('ReplicaSet', { name: 'x', ownerReferences: [ref('Deployment', 'extensions/v1beta1', 'no')] }));
    children.add(object('ReplicaSet', { name: 'y', ownerReferences: [ref('StatefulSet', 'apps/v1', 'no')] }));
    children.add(object('ReplicaSet', { name: 'z', ownerReferences: [ref('Deployment', 'apps/v1beta2', 'gone')] }));
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ namespace: 'ns', name: 'gone' }]);
  });

  it('enqueues what a watches() mapping returns, for the old and the new state of an update', async () => {
    const { manager, seen, reconcile, options, run } = setup();
    const parents = new HandFedInformer<KubeObject>('typed:/v1/namespaces');
    const pods = new HandFedInformer<KubeObject>('typed:/v1/pods');
    const byNode = (pod: Readonly<KubeObject>): Request[] => [
      { namespace: '', name: pod.metadata?.labels?.node ?? 'none' },
    ];
    const controller = newControllerManagedBy(manager)
      .named('nodes')
      .for(parents)
      .watches(pods, byNode)
      .withOptions(options)
      .complete(reconcile);
    expect(pods.handlerNames).toEqual(['nodes/watches']);
    run(controller);
    const before = object('Pod', { name: 'p', labels: { node: 'n1' } });
    pods.update(before, object('Pod', { name: 'p', labels: { node: 'n2' }, resourceVersion: '2' }));
    await until(() => seen.length === 2);
    expect(seen).toEqual([
      { namespace: '', name: 'n1' },
      { namespace: '', name: 'n2' },
    ]);
  });

  it('drops the events a source predicate rejects, per source', async () => {
    const { manager, seen, reconcile, options, run } = setup();
    const parents = new HandFedInformer<KubeObject>('typed:/apps/v1/deployments');
    const controller = newControllerManagedBy(manager)
      .for(parents, { predicates: [generationChanged, { create: (o) => o.metadata?.name !== 'skip' }] })
      .withOptions(options)
      .complete(reconcile);
    run(controller);
    const d = object('Deployment', { name: 'd', generation: 1 });
    parents.add(object('Deployment', { name: 'skip', generation: 1 })); // create rejected
    parents.update(d, object('Deployment', { name: 'd', generation: 1, resourceVersion: '2' })); // same generation
    parents.update(d, object('Deployment', { name: 'd', generation: 2, resourceVersion: '3' }));
    parents.add(object('Deployment', { name: 'last', generation: 1 }));
    await until(() => seen.length === 2);
    expect(seen).toEqual([
      { namespace: 'ns', name: 'd' },
      { namespace: 'ns', name: 'last' },
    ]);
  });

  it('uses a predicate on owns() before mapping to the owner', async () => {
    const { manager, seen, reconcile, options, run } = setup();
    const parents = new HandFedInformer<KubeObject>('typed:/v1/configmaps');
    const children = new HandFedInformer<KubeObject>('typed:/v1/secrets');
    const controller = newControllerManagedBy(manager)
      .for(parents, { predicates: [{ create: () => false }] })
      .owns(children, { predicates: [labelChanged] })
      .withOptions(options)
      .complete(reconcile);
    run(controller);
    const parent = object('ConfigMap', { name: 'p', uid: 'u-p' });
    parents.add(parent);
    const child = object('Secret', { name: 's', ownerReferences: [controllerRef(parent)], labels: { a: '1' } });
    children.update(child, { ...child, metadata: { ...child.metadata, resourceVersion: '2' } });
    children.update(child, { ...child, metadata: { ...child.metadata, labels: { a: '2' } } });
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ namespace: 'ns', name: 'p' }]);
  });

  it('builds a named controller from watches() alone, as controller-runtime allows', async () => {
    const { manager, seen, reconcile, options, run } = setup();
    const pods = new HandFedInformer<KubeObject>('typed:/v1/pods');
    const census = (pod: Readonly<KubeObject>): Request[] => [
      { namespace: pod.metadata?.namespace ?? '', name: 'census' },
    ];
    const controller = newControllerManagedBy(manager)
      .named('census')
      .watches(pods, census)
      .withOptions(options)
      .complete(reconcile);
    expect(controller.sources).toEqual([pods]);
    run(controller);
    pods.add(object('Pod', { name: 'p1' }));
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ namespace: 'ns', name: 'census' }]);
  });

  it('refuses complete() without for() unless named with watches(), owns() without for(), a second for()', () => {
    const { manager, reconcile } = setup();
    const informer = new HandFedInformer<KubeObject>('typed:/v1/configmaps');
    const toSelf = (o: Readonly<KubeObject>): Request[] => [{ namespace: '', name: o.metadata?.name ?? '' }];
    expect(() => newControllerManagedBy(manager).complete(reconcile)).toThrow(ControllerOptionsError);
    expect(() => newControllerManagedBy(manager).named('x').complete(reconcile)).toThrow(ControllerOptionsError);
    expect(() => newControllerManagedBy(manager).watches(informer, toSelf).complete(reconcile)).toThrow(
      ControllerOptionsError,
    );
    const ownsOnly = newControllerManagedBy(manager).named('x').watches(informer, toSelf).owns(informer);
    expect(() => ownsOnly.complete(reconcile)).toThrow(ControllerOptionsError);
    expect(() => newControllerManagedBy(manager).for(informer).for(informer)).toThrow(ControllerOptionsError);
  });

  it('refuses an owner type given by half, and a second complete()', () => {
    const { manager, reconcile } = setup();
    const informer = new HandFedInformer<KubeObject>('typed:/v1/configmaps');
    const half = newControllerManagedBy(manager).for(informer).owns(informer, { ownerKind: 'ConfigMap' });
    expect(() => half.complete(reconcile)).toThrow(ControllerOptionsError);
    const builder = newControllerManagedBy(manager).for(informer);
    builder.complete(reconcile);
    expect(() => builder.complete(reconcile)).toThrow(ControllerOptionsError);
  });

  it('accepts predicates and mappings typed for the informer objects', () => {
    const { manager, reconcile } = setup();
    const configMaps = new HandFedInformer<ConfigMap>('typed:/v1/configmaps');
    const byData = (cm: Readonly<ConfigMap>): Request[] => [
      { namespace: '', name: Object.keys(cm.data ?? {})[0] ?? '' },
    ];
    const controller = newControllerManagedBy(manager)
      .for(configMaps, {
        predicates: [generationChanged, or<ConfigMap>(labelChanged, { update: (_o, n) => n.data?.x === 'y' })],
      })
      .watches(configMaps, byData, { predicates: [not(annotationChanged)] })
      .complete(reconcile);
    expect(configMaps.handlerNames).toEqual(['configmaps/for', 'configmaps/watches']);
    expect(controller.sources).toEqual([configMaps]);
  });
});
