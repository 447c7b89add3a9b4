import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiextensionsV1Client } from '../../../src/client/kubernetes/apiextensions-v1/index.js';
import type { CustomResourceDefinition } from '../../../src/client/kubernetes/apiextensions-v1/types.js';
import { CoreV1Client } from '../../../src/client/kubernetes/core-v1/index.js';
import { isForbidden, isNotFound } from '../../../src/client/rest/index.js';
import { type ControlPlane, startControlPlane } from '../../../src/testing/index.js';

const thingamajigs = {
  metadata: { name: 'thingamajigs.kubeloop.test' },
  spec: {
    group: 'kubeloop.test',
    scope: 'Cluster',
    names: { plural: 'thingamajigs', singular: 'thingamajig', kind: 'Thingamajig' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
} satisfies CustomResourceDefinition;

// A control plane of its own: what is under test is the object startControlPlane returns.
describe('the ControlPlane object', () => {
  let plane: ControlPlane;
  beforeAll(async () => {
    plane = await startControlPlane();
  });
  afterAll(() => plane?.stop());

  it('gives a ready RestConfig for the admin, and one for a user RBAC grants nothing', async () => {
    const asAdmin = await CoreV1Client.forConfig(plane.adminConfig).secrets('kube-system').list();
    expect(asAdmin.items).toBeInstanceOf(Array);

    const asUser = CoreV1Client.forConfig(plane.userConfig).secrets('kube-system').list();
    await expect(asUser).rejects.toSatisfy(isForbidden);
    await expect(asUser).rejects.toThrow('"kubeloop-user" cannot list resource "secrets"');
  });

  it('installs CRDs as the admin until served, and uninstalls them', async () => {
    const crds = ApiextensionsV1Client.forConfig(plane.adminConfig).customResourceDefinitions();

    await plane.installCRDs([thingamajigs]);
    const live = await crds.get('thingamajigs.kubeloop.test');
    expect(live.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));

    await plane.uninstallCRDs([thingamajigs]);
    await expect(crds.get('thingamajigs.kubeloop.test')).rejects.toSatisfy(isNotFound);
  });
});
