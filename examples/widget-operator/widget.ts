// Defines the Widget custom resource once, in TypeBox: its CRD manifest, its TypeScript type and its typed client.
import { type CustomResourceOf, defineCustomResource, KubeType } from 'kubeloop/crd';
import { Type } from 'typebox';

/** Widgets: `spec` says how many replicas of which image; `status` says how many are ready. */
export const Widgets = defineCustomResource({
  group: 'demo.kubeloop.dev',
  kind: 'Widget',
  shortNames: ['wd'],
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        spec: Type.Object({
          replicas: Type.Integer({ minimum: 0, maximum: 100, default: 1 }),
          image: Type.String({ minLength: 1 }),
        }),
        status: Type.Object({
          readyReplicas: Type.Optional(Type.Integer({ minimum: 0 })),
          observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
          conditions: Type.Optional(KubeType.Conditions()),
        }),
      },
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.readyReplicas' },
      printerColumns: [
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
        { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1 },
      ],
    },
  ],
});

/** A Widget object, typed from the definition above: no hand-written interface. */
export type Widget = CustomResourceOf<typeof Widgets>;
