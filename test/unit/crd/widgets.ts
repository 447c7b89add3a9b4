// Defines the custom resources the crd unit tests share: a two-version namespaced Widget and a cluster-scoped Gadget.
import { Type } from 'typebox';
import { type CustomResourceOf, defineCustomResource, KubeType } from '../../../src/crd/index.js';

export const Widgets = defineCustomResource({
  group: 'example.com',
  kind: 'Widget',
  scope: 'Namespaced',
  versions: [
    { name: 'v1beta1', served: true, storage: false, schema: { spec: Type.Object({ size: Type.Integer() }) } },
    {
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        spec: Type.Object({
          replicas: Type.Integer({ minimum: 0 }),
          image: Type.String(),
          port: KubeType.IntOrString(),
          mode: Type.Optional(Type.Union([Type.Literal('Fast'), Type.Literal('Safe')])),
          note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          template: Type.Optional(KubeType.EmbeddedResource()),
          extra: Type.Optional(KubeType.PreserveUnknownFields(Type.Object({ known: Type.String() }))),
          labels: Type.Optional(Type.Record(Type.String(), Type.String())),
        }),
        status: Type.Object({ replicas: Type.Optional(Type.Integer()), ready: Type.Optional(Type.Boolean()) }),
      },
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
    },
  ],
});

export type Widget = CustomResourceOf<typeof Widgets>;

export const Gadgets = defineCustomResource({
  group: 'example.com',
  kind: 'Gadget',
  scope: 'Cluster',
  versions: [{ name: 'v1', served: true, storage: true, schema: { spec: Type.Object({ on: Type.Boolean() }) } }],
});
