import { describe, expect, it } from 'vitest';
import { DeletedFinalStateUnknown } from '../../../../src/cache/tombstone.js';
import type { KubeObject, ObjectMeta } from '../../../../src/client/meta.js';
import { controllerOwnerRequest, enqueueHandler, ownRequest } from '../../../../src/controller/enqueue-handlers.js';
import type { Request } from '../../../../src/controller/reconciler.js';
import { HandFedInformer } from './hand-fed-informer.js';

function object(metadata: ObjectMeta): KubeObject {
  return { metadata: { namespace: 'ns', ...metadata } };
}

describe('controllerOwnerRequest', () => {
  const owners = new HandFedInformer<KubeObject>('typed:/v1/configmaps');
  owners.add(object({ name: 'parent', uid: 'u-parent' }));
  owners.add({ metadata: { name: 'cluster-owner', uid: 'u-cluster' } });
  const byUid = controllerOwnerRequest(owners, undefined);
  const ref = (name: string, uid: string, controller = true) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name,
    uid,
    controller,
  });

  it('maps the controller reference whose UID matches the cached owner', () => {
    expect(byUid(object({ name: 'c', ownerReferences: [ref('parent', 'u-parent')] }))).toEqual([
      { namespace: 'ns', name: 'parent' },
    ]);
  });

  it('maps a cluster-scoped owner to a request without namespace', () => {
    expect(byUid(object({ name: 'c', ownerReferences: [ref('cluster-owner', 'u-cluster')] }))).toEqual([
      { namespace: '', name: 'cluster-owner' },
    ]);
  });

  it('ignores non-controller references, other UIDs and objects without owners', () => {
    expect(byUid(object({ name: 'c', ownerReferences: [ref('parent', 'u-parent', false)] }))).toEqual([]);
    expect(
      byUid(
        object({
          name: 'c',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: 'u-parent' }],
        }),
      ),
    ).toEqual([]);
    expect(byUid(object({ name: 'c', ownerReferences: [ref('parent', 'u-recreated')] }))).toEqual([]);
    expect(byUid(object({ name: 'c' }))).toEqual([]);
  });

  it('with an owner type, matches kind and API group at any version, cached or not', () => {
    const byType = controllerOwnerRequest(owners, { ownerKind: 'Deployment', ownerApiVersion: 'apps/v1' });
    const deployment = (apiVersion: string) => ({
      apiVersion,
      kind: 'Deployment',
      name: 'd',
      uid: 'x',
      controller: true,
    });
    expect(byType(object({ name: 'c', ownerReferences: [deployment('apps/v1beta1')] }))).toEqual([
      { namespace: 'ns', name: 'd' },
    ]);
    expect(byType(object({ name: 'c', ownerReferences: [deployment('extensions/v1beta1')] }))).toEqual([]);
  });
});

describe('enqueueHandler', () => {
  it('enqueues each request of an update once, and unwraps a tombstone on delete', () => {
    const seen: Request[] = [];
    const handler = enqueueHandler(ownRequest, [], (r) => seen.push(r));
    const a = object({ name: 'a' });
    handler.onUpdate?.(a, a);
    handler.onDelete?.(new DeletedFinalStateUnknown('ns/a', a));
    expect(seen).toEqual([
      { namespace: 'ns', name: 'a' },
      { namespace: 'ns', name: 'a' },
    ]);
  });

  it('asks the delete predicate about the unwrapped object', () => {
    const seen: Request[] = [];
    const asked: unknown[] = [];
    const handler = enqueueHandler(ownRequest, [{ delete: (o) => asked.push(o) > 0 && false }], (r) => seen.push(r));
    const a = object({ name: 'a' });
    handler.onDelete?.(new DeletedFinalStateUnknown('ns/a', a));
    expect(asked).toEqual([a]);
    expect(seen).toEqual([]);
  });
});
