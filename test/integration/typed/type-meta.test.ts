import { describe, expect, inject, it } from 'vitest';
import type { Deployment } from '../../../src/client/kubernetes/apps-v1/types.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { KindMismatchError } from '../../../src/client/typed/index.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');

async function clients(): Promise<ClientSet> {
  return ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
}

function deployment(name: string): Deployment {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.invalid/app:1' }] } },
    },
  };
}

describe('typed clients fill apiVersion and kind on the real apiserver', () => {
  it('creates a ConfigMap and a Deployment given without apiVersion or kind', async () => {
    const namespace = await testNamespace('type-meta');
    const set = await clients();
    const config = await set
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'plain' }, data: { a: '1' } });
    expect(config).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
    const created = await set.appsV1().deployments(namespace).create(deployment('plain'));
    expect(created).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'plain' } });
  });

  it('server-side applies a ConfigMap and its update given without apiVersion or kind', async () => {
    const namespace = await testNamespace('type-meta');
    const configMaps = (await clients()).coreV1().configMaps(namespace);
    const applied = await configMaps.apply({ metadata: { name: 'applied' }, data: { a: '1' } }, { fieldManager: 'tm' });
    expect(applied).toMatchObject({ kind: 'ConfigMap', data: { a: '1' } });
    const again = await configMaps.apply({ metadata: { name: 'applied' }, data: { b: '2' } }, { fieldManager: 'tm' });
    expect(again.data).toEqual({ b: '2' });
    const updated = await configMaps.update({ metadata: again.metadata ?? {}, data: { c: '3' } });
    expect(updated.data).toEqual({ c: '3' });
  });

  it('applies a Deployment status and scale without apiVersion or kind', async () => {
    const namespace = await testNamespace('type-meta');
    const deployments = (await clients()).appsV1().deployments(namespace);
    await deployments.apply(deployment('sub'), { fieldManager: 'tm' });
    const status = await deployments.applyStatus(
      { metadata: { name: 'sub' }, status: { observedGeneration: 1 } },
      { fieldManager: 'tm-status', force: true },
    );
    expect(status.status?.observedGeneration).toBe(1);
    const scale = await deployments.updateScale('sub', { metadata: { name: 'sub' }, spec: { replicas: 2 } });
    expect(scale.spec?.replicas).toBe(2);
  });

  it('refuses a Pod handed to the ConfigMap client before sending it', async () => {
    const namespace = await testNamespace('type-meta');
    const configMaps = (await clients()).coreV1().configMaps(namespace);
    const error = await configMaps.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }).catch((e) => e);
    expect(error).toBeInstanceOf(KindMismatchError);
    const names = (await configMaps.list()).items.map((c) => c.metadata?.name);
    expect(names).not.toContain('x');
  });
});
