/**
 * Exports custom resource definitions written once, in TypeBox: the CRD manifest, the object type and the typed
 * client all come from one `defineCustomResource` call.
 *
 * @example
 * ```ts
 * import { Type } from 'typebox';
 * import { type CustomResourceOf, defineCustomResource, KubeType } from 'kubeloop/crd';
 *
 * export const Widgets = defineCustomResource({
 *   group: 'example.com',
 *   kind: 'Widget',
 *   scope: 'Namespaced',
 *   versions: [{
 *     name: 'v1', served: true, storage: true,
 *     schema: {
 *       spec: Type.Object({ replicas: Type.Integer({ minimum: 0 }), image: Type.String(), port: KubeType.IntOrString() }),
 *       status: Type.Object({ replicas: Type.Optional(Type.Integer()) }),
 *     },
 *     scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
 *     printerColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
 *   }],
 * });
 * export type Widget = CustomResourceOf<typeof Widgets>;
 *
 * await installCRDs(config, [Widgets.manifest()]); // kubeloop/testing; in production, apply the manifest once
 * const rest = RESTClient.forConfig(config);
 * const widgets = Widgets.client(rest, 'default'); // no apiVersion or kind to write: the client fills them in
 * await widgets.create({ metadata: { name: 'w' }, spec: { replicas: 1, image: 'nginx', port: 80 } });
 * await widgets.updateScale('w', { metadata: { name: 'w' }, spec: { replicas: 3 } });
 * const informer = factory.forClient((ns) => Widgets.client(rest, ns)); // a SharedIndexInformer<Widget>
 * ```
 *
 * @module kubeloop/crd
 */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.js';

export { type CustomResource, type CustomResourceVersion, defineCustomResource } from './define.js';
export { CustomResourceDefinitionError } from './errors.js';
export { type CelRule, type EmbeddedObject, type EmbeddedObjectMeta, KubeType } from './kube-type.js';
export type {
  CustomResourceClient,
  CustomResourceObject,
  CustomResourceOf,
  CustomResourceOptions,
  CustomResourceVersionOptions,
  NamespaceArgument,
  PrinterColumn,
  PrinterColumnType,
  ResourceScope,
  ScaleDefinition,
  ScaleSubresourceClient,
  StatusSubresourceClient,
  StorageVersion,
  VersionName,
  VersionOf,
  VersionSchema,
} from './types.js';
