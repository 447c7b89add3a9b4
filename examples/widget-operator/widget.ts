// Defines the Widget custom resource once, in TypeBox: its CRD manifest, its TypeScript types and its typed clients.
import { type CustomResourceOf, defineCustomResource, KubeType } from 'kubeloop/crd';
import { Type } from 'typebox';

/** What a Widget reports; the same in every version. */
const status = Type.Object({
  readyReplicas: Type.Optional(Type.Integer({ minimum: 0 })),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  conditions: Type.Optional(KubeType.Conditions()),
});

/**
 * Widgets: `spec` says how many replicas of which image; `status` says how many are ready. Objects are stored at
 * v1; v1alpha1, the first shape (`size` where v1 says `replicas`), is still served, converted by conversion.ts.
 */
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
        status,
      },
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.readyReplicas' },
      printerColumns: [
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
        { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1 },
      ],
    },
    {
      name: 'v1alpha1',
      served: true,
      storage: false,
      schema: {
        spec: Type.Object({
          size: Type.Integer({ minimum: 0, maximum: 100, default: 1 }),
          image: Type.String({ minLength: 1 }),
        }),
        status,
      },
    },
  ],
});

/** A Widget object, typed from the definition above: no hand-written interface. */
export type Widget = CustomResourceOf<typeof Widgets>;

/** A Widget as v1alpha1 clients send and read it. */
export type WidgetV1alpha1 = CustomResourceOf<typeof Widgets, 'v1alpha1'>;
