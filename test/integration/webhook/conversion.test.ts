import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamicClient } from '../../../src/client/dynamic/dynamic-client.js';
import type { Unstructured } from '../../../src/client/dynamic/unstructured.js';
import type {
  CustomResourceDefinition,
  CustomResourceValidation,
  JSONSchemaProps,
} from '../../../src/client/kubernetes/apiextensions-v1/types.js';
import type { KubeObject } from '../../../src/client/meta.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { installCRDs, uninstallCRDs } from '../../../src/testing/crds.js';
import { conversionWebhook, type Spoke, withCABundle } from '../../../src/webhook/index.js';
import { createNamespace, deleteNamespace, restConfigFor } from '../support.js';
import { type RunningServer, runServer } from './support.js';

const plane = inject('controlPlane');
const group = `convert-${randomUUID().slice(0, 8)}.kubeloop.test`;

/** The hub and storage version: `replicas` and a nested `appearance`. */
interface GizmoV1 extends KubeObject {
  spec: { replicas: number; appearance: { color: string } };
}
/** The old version: flat `size` and `color`. */
interface GizmoV1alpha1 extends KubeObject {
  spec: { size: number; color: string };
}

const v1alpha1: Spoke<GizmoV1, GizmoV1alpha1> = {
  toHub: ({ spec, ...rest }) => ({ ...rest, spec: { replicas: spec.size, appearance: { color: spec.color } } }),
  fromHub: ({ spec, ...rest }) => ({ ...rest, spec: { size: spec.replicas, color: spec.appearance.color } }),
};

const schema = (spec: Record<string, JSONSchemaProps>): CustomResourceValidation => ({
  openAPIV3Schema: {
    type: 'object',
    properties: { spec: { type: 'object', properties: spec } },
  },
});

function gizmoCRD(url: string): CustomResourceDefinition {
  return {
    metadata: { name: `gizmos.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: false,
          schema: schema({ size: { type: 'integer' }, color: { type: 'string' } }),
        },
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: schema({
            replicas: { type: 'integer' },
            appearance: { type: 'object', properties: { color: { type: 'string' } } },
          }),
        },
      ],
      conversion: {
        strategy: 'Webhook',
        webhook: { conversionReviewVersions: ['v1'], clientConfig: { url } },
      },
    },
  };
}

let config: RestConfig;
let running: RunningServer;
let crd: CustomResourceDefinition;
let namespace: string;
const at = (version: string) =>
  DynamicClient.forConfig(config).resource({ group, version, resource: 'gizmos' }).namespace(namespace);

beforeAll(async () => {
  config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  namespace = await createNamespace('webhook-conversion');
  running = await runServer();
  running.server.register(
    '/convert',
    conversionWebhook<GizmoV1>({ name: 'gizmos', hub: `${group}/v1`, spokes: { [`${group}/v1alpha1`]: v1alpha1 } }),
  );
  crd = withCABundle(gizmoCRD(`${running.url}/convert`), running.ca.certPem);
  await installCRDs(config, [crd]);
});

afterAll(async () => {
  // The CRD goes first: deleting its objects may need the webhook.
  await uninstallCRDs(config, [crd]);
  await running.close();
  await deleteNamespace(namespace);
});

const specOf = (object: Unstructured) => (object as unknown as { spec: unknown }).spec;

describe('a CRD conversion webhook called by the real apiserver', () => {
  it('reads an object created at v1alpha1 back at v1, and at v1alpha1 unchanged', async () => {
    await at('v1alpha1').create({
      apiVersion: `${group}/v1alpha1`,
      kind: 'Gizmo',
      metadata: { name: 'old-style' },
      spec: { size: 3, color: 'red' },
    } as Unstructured);
    const v1 = await at('v1').get('old-style');
    expect(v1.apiVersion).toBe(`${group}/v1`);
    expect(specOf(v1)).toEqual({ replicas: 3, appearance: { color: 'red' } });
    expect(specOf(await at('v1alpha1').get('old-style'))).toEqual({ size: 3, color: 'red' });
  });

  it('reads an object created at v1 back at v1alpha1', async () => {
    await at('v1').create({
      apiVersion: `${group}/v1`,
      kind: 'Gizmo',
      metadata: { name: 'new-style', labels: { tier: 'gold' } },
      spec: { replicas: 5, appearance: { color: 'blue' } },
    } as Unstructured);
    const old = await at('v1alpha1').get('new-style');
    expect(old.apiVersion).toBe(`${group}/v1alpha1`);
    expect(old.metadata?.labels).toEqual({ tier: 'gold' });
    expect(specOf(old)).toEqual({ size: 5, color: 'blue' });
  });

  it('lists at either version, every item converted', async () => {
    const byName = (items: readonly Unstructured[]) =>
      Object.fromEntries(items.map((item) => [item.metadata?.name, [item.apiVersion, specOf(item)]]));
    expect(byName((await at('v1').list()).items)).toEqual({
      'old-style': [`${group}/v1`, { replicas: 3, appearance: { color: 'red' } }],
      'new-style': [`${group}/v1`, { replicas: 5, appearance: { color: 'blue' } }],
    });
    expect(byName((await at('v1alpha1').list()).items)).toEqual({
      'old-style': [`${group}/v1alpha1`, { size: 3, color: 'red' }],
      'new-style': [`${group}/v1alpha1`, { size: 5, color: 'blue' }],
    });
  });

  it('updates at v1alpha1 an object stored at v1', async () => {
    const old = await at('v1alpha1').get('new-style');
    await at('v1alpha1').update({ ...old, spec: { size: 7, color: 'blue' } } as Unstructured);
    expect(specOf(await at('v1').get('new-style'))).toEqual({ replicas: 7, appearance: { color: 'blue' } });
  });
});
