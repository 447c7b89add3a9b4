// Imports the public types by the package's own name, from the entry points the README documents. The type
// assertions are checked by `tsc -p tsconfig.json` (part of `npm test`) against the built declarations in dist/.

import type * as root from 'kubeloop';
import type {
  Condition,
  GroupVersionKind,
  GroupVersionResource,
  KubeList,
  KubeObject,
  ObjectMeta,
  OwnerReference,
  Status,
  WatchEvent,
} from 'kubeloop/client';
import type { CustomResourceDefinition } from 'kubeloop/client/kubernetes/apiextensions-v1';
import type { Deployment, DeploymentList } from 'kubeloop/client/kubernetes/apps-v1';
import type { ConfigMap, Pod } from 'kubeloop/client/kubernetes/core-v1';
import type * as metaV1 from 'kubeloop/client/kubernetes/meta-v1';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('the public types', () => {
  it('are importable from kubeloop/client and, the same types, from the root', () => {
    expectTypeOf<root.KubeObject>().toEqualTypeOf<KubeObject>();
    expectTypeOf<root.ObjectMeta>().toEqualTypeOf<ObjectMeta>();
    expectTypeOf<root.GroupVersionKind>().toEqualTypeOf<GroupVersionKind>();
    expectTypeOf<root.GroupVersionResource>().toEqualTypeOf<GroupVersionResource>();
    expectTypeOf<root.WatchEvent<Pod>>().toEqualTypeOf<WatchEvent<Pod>>();
    expectTypeOf<root.Status>().toEqualTypeOf<Status>();
    expectTypeOf<root.KubeList<Pod>>().toEqualTypeOf<KubeList<Pod>>();
    expectTypeOf<root.OwnerReference>().toEqualTypeOf<OwnerReference>();
    expectTypeOf<root.Condition>().toEqualTypeOf<Condition>();
  });

  it('name groups, versions, kinds and resources as plain triples', () => {
    expectTypeOf<GroupVersionKind>().toEqualTypeOf<{
      readonly group: string;
      readonly version: string;
      readonly kind: string;
    }>();
    expectTypeOf<GroupVersionResource>().toEqualTypeOf<{
      readonly group: string;
      readonly version: string;
      readonly resource: string;
    }>();
  });

  it('describe every built-in object: a KubeObject whose complete meta/v1 metadata is an ObjectMeta', () => {
    expectTypeOf<Deployment>().toExtend<KubeObject>();
    expectTypeOf<CustomResourceDefinition>().toExtend<KubeObject>();
    expectTypeOf<DeploymentList>().toExtend<KubeList<Deployment>>();
    expectTypeOf<metaV1.ObjectMeta>().toExtend<ObjectMeta>();
    expectTypeOf<metaV1.OwnerReference>().toExtend<OwnerReference>();
    expectTypeOf<Condition>().toEqualTypeOf<metaV1.Condition>();
  });

  it('let a watch event be narrowed by its type: an ERROR carries a Status, the others the object', () => {
    const describeEvent = (event: WatchEvent<ConfigMap>): string =>
      event.type === 'ERROR'
        ? `error ${event.object.code}: ${event.object.message}`
        : `${event.type} ${event.object.data?.mode}`;

    expect(describeEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } })).toBe(
      'error 410: too old',
    );
    expect(describeEvent({ type: 'ADDED', object: { data: { mode: 'fast' } } })).toBe('ADDED fast');
  });
});
