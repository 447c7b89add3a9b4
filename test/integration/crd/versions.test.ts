import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { defineCustomResource } from '../../../src/crd/index.js';
import { installCRDs, uninstallCRDs } from '../../../src/testing/crds.js';
import { restConfigFor } from '../support.js';

const plane = inject('controlPlane');

/** A cluster-scoped resource served in two versions: a deprecated v1alpha1 and the v1 it is stored in. */
const Gizmos = defineCustomResource({
  group: 'crd-versions.kubeloop.test',
  kind: 'Gizmo',
  scope: 'Cluster',
  versions: [
    {
      name: 'v1alpha1',
      served: true,
      storage: false,
      deprecated: true,
      deprecationWarning: 'gizmos v1alpha1 is going away; use v1',
      schema: { spec: Type.Object({ size: Type.Integer() }) },
    },
    {
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        spec: Type.Object({ size: Type.Integer({ maximum: 10 }) }),
        status: Type.Object({ ok: Type.Optional(Type.Boolean()) }),
      },
    },
  ],
});

let config: RestConfig;
let rest: RESTClient;

beforeAll(async () => {
  config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  rest = RESTClient.forConfig(config);
  await installCRDs(config, [Gizmos.manifest()]);
});

afterAll(async () => {
  await uninstallCRDs(config, [Gizmos.manifest()]);
});

describe('a cluster-scoped custom resource in two versions, on the real apiserver', () => {
  it('creates in the storage version and reads the same object through the other one', async () => {
    const created = await Gizmos.client(rest).create({ metadata: { name: 'g1' }, spec: { size: 3 } });
    expect(created).toMatchObject({ apiVersion: 'crd-versions.kubeloop.test/v1', kind: 'Gizmo' });
    expect(created.metadata?.namespace).toBeUndefined();
    const old = await Gizmos.forVersion('v1alpha1').client(rest).get('g1');
    expect(old).toMatchObject({ apiVersion: 'crd-versions.kubeloop.test/v1alpha1', spec: { size: 3 } });
  });

  it('fills the apiVersion of the version a client serves, and each version keeps its own schema', async () => {
    const alpha = Gizmos.forVersion('v1alpha1').client(rest);
    const created = await alpha.create({ metadata: { name: 'g2' }, spec: { size: 20 } });
    expect(created.apiVersion).toBe('crd-versions.kubeloop.test/v1alpha1');
    const stored = await Gizmos.client(rest).get('g2');
    expect(stored.spec.size).toBe(20);
    await expect(Gizmos.client(rest).create({ metadata: { name: 'g3' }, spec: { size: 20 } })).rejects.toThrow(
      /spec\.size.*should be less than or equal to 10/,
    );
  });

  it('serves the status subresource of the version whose schema has a status', async () => {
    const gizmos = Gizmos.client(rest);
    const created = await gizmos.create({ metadata: { name: 'g4' }, spec: { size: 1 } });
    const updated = await gizmos.updateStatus({ ...created, status: { ok: true } });
    expect(updated.status).toEqual({ ok: true });
    expect((await gizmos.list()).items.map((g) => g.metadata?.name)).toContain('g4');
  });
});
