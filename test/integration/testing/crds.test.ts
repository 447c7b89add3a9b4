import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import { DynamicClient } from '../../../src/client/dynamic/dynamic-client.js';
import { ApiextensionsV1Client } from '../../../src/client/kubernetes/apiextensions-v1/index.js';
import type { CustomResourceDefinition } from '../../../src/client/kubernetes/apiextensions-v1/types.js';
import { isNotFound, type RestConfig } from '../../../src/client/rest/index.js';
import { CRDRejectedError, CRDTimeoutError, installCRDs, uninstallCRDs } from '../../../src/testing/index.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');

/** A namespaced CRD `<plural>.<group>` with a v1 (storage) and, optionally, a served v2 that shares its schema. */
function crd(group: string, plural: string, kind: string, versions: readonly string[] = ['v1']) {
  const schema = {
    openAPIV3Schema: {
      type: 'object',
      properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
    },
  };
  return {
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema })),
    },
  } satisfies CustomResourceDefinition;
}

async function setUp(): Promise<{ config: RestConfig; group: string }> {
  const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  return { config, group: `t${randomUUID().slice(0, 8)}.kubeloop.test` };
}

function removeAfterTest(config: RestConfig, crds: readonly CustomResourceDefinition[]): void {
  onTestFinished(() => uninstallCRDs(config, crds));
}

describe('installCRDs', () => {
  it('resolves only once every served version is in discovery, so a custom object can be created at once', async () => {
    const { config, group } = await setUp();
    const gizmos = crd(group, 'gizmos', 'Gizmo', ['v1', 'v2']);
    removeAfterTest(config, [gizmos]);

    await installCRDs(config, [gizmos]);

    const { resources } = await DiscoveryClient.forConfig(config).serverGroupsAndResources();
    const served = resources.filter((list) => list.resources.some((r) => r.name === 'gizmos'));
    expect(served.map((list) => list.groupVersion).sort()).toEqual([`${group}/v1`, `${group}/v2`]);
    const namespace = await testNamespace('crds');
    const created = await DynamicClient.forConfig(config)
      .resource({ group, version: 'v2', resource: 'gizmos' })
      .namespace(namespace)
      .create({ apiVersion: `${group}/v2`, kind: 'Gizmo', metadata: { name: 'one' }, spec: { size: 3 } });
    expect(created.metadata?.uid).toBeTruthy();
  });

  it('replaces an installed CRD when called again with a changed one', async () => {
    const { config, group } = await setUp();
    const before = crd(group, 'gadgets', 'Gadget');
    removeAfterTest(config, [before]);
    await installCRDs(config, [before]);

    await installCRDs(config, [crd(group, 'gadgets', 'Gadget', ['v1', 'v2'])]);

    const live = await ApiextensionsV1Client.forConfig(config).customResourceDefinitions().get(`gadgets.${group}`);
    expect(live.spec.versions.map((v) => v.name)).toEqual(['v1', 'v2']);
    const v2 = await DiscoveryClient.forConfig(config).serverResourcesForGroupVersion(`${group}/v2`);
    expect(v2.resources.map((r) => r.name)).toContain('gadgets');
  });

  it('rejects a CRD whose name is not <plural>.<group> with an error naming that CRD', async () => {
    const { config, group } = await setUp();
    const misnamed = { ...crd(group, 'sprockets', 'Sprocket'), metadata: { name: `cogs.${group}` } };

    const install = installCRDs(config, [misnamed]);

    await expect(install).rejects.toBeInstanceOf(CRDRejectedError);
    await expect(install).rejects.toThrow(`CustomResourceDefinition "cogs.${group}"`);
    await expect(install).rejects.toThrow(/must be spec.names.plural\+"."\+spec.group/);
  });

  it('times out naming a CRD whose names conflict, with its NamesAccepted message', async () => {
    const { config, group } = await setUp();
    const first = crd(group, 'widgets', 'Widget');
    const clash = crd(group, 'otherwidgets', 'Widget');
    removeAfterTest(config, [first, clash]);
    await installCRDs(config, [first]);

    const install = installCRDs(config, [clash], { timeoutMs: 2_000 });

    await expect(install).rejects.toBeInstanceOf(CRDTimeoutError);
    await expect(install).rejects.toThrow(`otherwidgets.${group}: not Established`);
    await expect(install).rejects.toThrow(/NamesAccepted=False \("Widget(List)?" is already in use\)/);
  });

  it('rejects with the reason of an aborted signal', async () => {
    const { config, group } = await setUp();
    const first = crd(group, 'levers', 'Lever');
    const clash = crd(group, 'otherlevers', 'Lever');
    removeAfterTest(config, [first, clash]);
    await installCRDs(config, [first]);
    const controller = new AbortController();

    const install = installCRDs(config, [clash], { signal: controller.signal });
    controller.abort(new Error('test over'));

    await expect(install).rejects.toThrow('test over');
  });
});

describe('uninstallCRDs', () => {
  it('deletes each CRD, resolves once it is gone, and succeeds again when nothing is left', async () => {
    const { config, group } = await setUp();
    const doohickeys = crd(group, 'doohickeys', 'Doohickey');
    await installCRDs(config, [doohickeys]);

    await uninstallCRDs(config, [doohickeys]);

    const get = ApiextensionsV1Client.forConfig(config).customResourceDefinitions().get(`doohickeys.${group}`);
    await expect(get).rejects.toSatisfy(isNotFound);
    await expect(uninstallCRDs(config, [doohickeys])).resolves.toBeUndefined();
  });
});
