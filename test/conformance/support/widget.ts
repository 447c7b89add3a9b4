// The custom resource the conformance cases use: Widget (conformance.kubeloop.dev/v1), with status and scale.
import { Api, type Collection, failure, grouped } from './api.js';
import type { Target } from './target.js';

export const widgetGroup = 'conformance.kubeloop.dev';

export const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${widgetGroup}` },
  spec: {
    group: widgetGroup,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wdg'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.selector',
          },
        },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 0 },
                  replicas: { type: 'integer', minimum: 0 },
                  color: { type: 'string', enum: ['red', 'blue'] },
                  mode: { type: 'string', default: 'auto' },
                  name: { type: 'string', maxLength: 10 },
                  tags: { type: 'array', items: { type: 'string' } },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
              status: {
                type: 'object',
                properties: {
                  ready: { type: 'boolean' },
                  replicas: { type: 'integer' },
                  selector: { type: 'string' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

export const crds = grouped('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');

export function widgets(namespace: string): Collection {
  return grouped(widgetGroup, 'v1', 'widgets', namespace);
}

/** Creates the Widget CRD unless present, then waits until Widgets can be listed. */
export async function ensureWidgets(t: Target): Promise<Api> {
  const api = new Api(t);
  const created = await api.create(crds, widgetCrd).then(
    () => true,
    async (error: unknown) => (await failure(Promise.reject(error))).reason === 'AlreadyExists',
  );
  if (!created) throw new Error('the Widget CRD could not be created');
  await api.eventually(
    () =>
      api.list(widgets('default')).then(
        () => true,
        () => false,
      ),
    (served) => served,
  );
  return api;
}

/** A Widget body. */
export function widget(name: string, spec: Record<string, unknown> = { size: 1 }): Record<string, unknown> {
  return { apiVersion: `${widgetGroup}/v1`, kind: 'Widget', metadata: { name }, spec };
}
