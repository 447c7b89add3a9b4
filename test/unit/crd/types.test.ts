import { describe, expect, expectTypeOf, it } from 'vitest';
import { newSharedInformerFactory } from '../../../src/cache/informer-factory.js';
import { newLister } from '../../../src/cache/lister.js';
import type { SharedIndexInformer } from '../../../src/cache/shared-index-informer.js';
import type { Scale } from '../../../src/client/kubernetes/autoscaling-v1/types.js';
import type { ObjectMeta } from '../../../src/client/kubernetes/meta-v1/types.js';
import type { CustomResourceOf, EmbeddedObject } from '../../../src/crd/index.js';
import { mockApiserver } from '../discovery/mock-apiserver.js';
import { Gadgets, type Widget, Widgets } from './widgets.js';

describe('the types one definition gives', () => {
  it('types spec and status from the TypeBox schemas, apiVersion and kind as optional literals', () => {
    expectTypeOf<Widget['spec']>().toEqualTypeOf<{
      replicas: number;
      image: string;
      port: number | string;
      mode?: 'Fast' | 'Safe';
      note?: string | null;
      template?: EmbeddedObject;
      extra?: { known: string } & { [field: string]: unknown };
      labels?: { [key: string]: string };
    }>();
    expectTypeOf<Widget['status']>().toEqualTypeOf<{ replicas?: number; ready?: boolean } | undefined>();
    expectTypeOf<Widget['apiVersion']>().toEqualTypeOf<'example.com/v1' | undefined>();
    expectTypeOf<Widget['kind']>().toEqualTypeOf<'Widget' | undefined>();
    expectTypeOf<Widget['metadata']>().toEqualTypeOf<ObjectMeta | undefined>();
  });

  it('types each version by its own schema, and a version without status has none', () => {
    type Old = CustomResourceOf<typeof Widgets, 'v1beta1'>;
    expectTypeOf<Old['spec']>().toEqualTypeOf<{ size: number }>();
    expectTypeOf<Old['status']>().toEqualTypeOf<undefined>();
    expectTypeOf<Old['apiVersion']>().toEqualTypeOf<'example.com/v1beta1' | undefined>();
    // @ts-expect-error: v2 is not a version of Widget
    expectTypeOf<CustomResourceOf<typeof Widgets, 'v2'>>().not.toBeNever();
    expect(Widgets.forVersion('v1beta1').apiVersion).toBe('example.com/v1beta1');
  });

  it('refuses objects with wrong, missing or mistyped fields', () => {
    const ok: Widget = { metadata: { name: 'w' }, spec: { replicas: 1, image: 'i', port: 'http' } };
    // @ts-expect-error: colour is not a field of the spec
    const extra: Widget = { spec: { replicas: 1, image: 'i', port: 80, colour: 'red' } };
    // @ts-expect-error: image is required
    const missing: Widget = { spec: { replicas: 1, port: 80 } };
    // @ts-expect-error: port is an integer or a string
    const mistyped: Widget = { spec: { replicas: 1, image: 'i', port: true } };
    // @ts-expect-error: mode is Fast or Safe
    const notInEnum: Widget = { spec: { replicas: 1, image: 'i', port: 80, mode: 'Slow' } };
    // @ts-expect-error: the kind is Widget
    const otherKind: Widget = { kind: 'Gadget', spec: { replicas: 1, image: 'i', port: 80 } };
    expect([ok, extra, missing, mistyped, notInEnum, otherKind]).toHaveLength(6);
  });

  it('gives a client with the subresources the version serves', () => {
    const rest = mockApiserver().client;
    const widgets = Widgets.client(rest, 'ns');
    expectTypeOf(widgets.get).returns.resolves.toEqualTypeOf<Widget>();
    expectTypeOf(widgets.updateStatus).parameter(0).toEqualTypeOf<Widget>();
    expectTypeOf(widgets.getScale).returns.resolves.toEqualTypeOf<Scale>();
    const old = Widgets.forVersion('v1beta1').client(rest, 'ns');
    // @ts-expect-error: v1beta1 has no status schema, hence no status subresource
    expect(old.updateStatus).toBeDefined();
    // @ts-expect-error: v1beta1 has no scale subresource
    expect(old.getScale).toBeDefined();
    const gadgets = Gadgets.client(rest);
    // @ts-expect-error: a cluster-scoped resource takes no namespace
    Gadgets.client(rest, 'ns');
    expect(gadgets.namespace).toBeUndefined();
  });

  it('plugs into the informer factory with typed informers and listers', () => {
    const rest = mockApiserver().client;
    const factory = newSharedInformerFactory();
    const informer = factory.forClient((ns) => Widgets.client(rest, ns));
    expectTypeOf(informer).toEqualTypeOf<SharedIndexInformer<Widget>>();
    const lister = newLister(informer.getIndexer());
    expectTypeOf(lister.namespace('ns').get('w')).toEqualTypeOf<Readonly<Widget> | undefined>();
    expect(lister.list()).toEqual([]);
  });
});
