import { describe, expect, inject, it } from 'vitest';
import type { Deployment } from '../../../src/client/kubernetes/apps-v1/index.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/index.js';
import { isNotFound } from '../../../src/client/rest/index.js';
import { createOrPatch, createOrUpdate, MutateChangedKeyError } from '../../../src/controller/create-or-update.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');

async function clients(prefix: string) {
  const namespace = await testNamespace(prefix);
  const clientSet = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
  return {
    namespace,
    configMaps: clientSet.coreV1().configMaps(namespace),
    deployments: clientSet.appsV1().deployments(namespace),
  };
}

const web = (): Deployment => ({
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
});

describe('createOrUpdate', () => {
  it('creates an absent ConfigMap with what mutate sets', async () => {
    const { configMaps } = await clients('cou');

    const { operation, object } = await createOrUpdate(configMaps, { metadata: { name: 'settings' } }, (cm) => {
      cm.data = { mode: 'fast' };
    });

    expect(operation).toBe('created');
    expect(object.metadata?.uid).toBeTruthy();
    expect((await configMaps.get('settings')).data).toEqual({ mode: 'fast' });
  });

  it('updates a ConfigMap mutate changes, and sends nothing when it changes nothing', async () => {
    const { configMaps } = await clients('cou');
    const setMode = (mode: string) => (cm: ConfigMap) => ({ ...cm, data: { ...cm.data, mode } });
    const created = await createOrUpdate(configMaps, { metadata: { name: 'settings' } }, setMode('fast'));

    const same = await createOrUpdate(configMaps, { metadata: { name: 'settings' } }, setMode('fast'));
    const changed = await createOrUpdate(configMaps, { metadata: { name: 'settings' } }, setMode('safe'));

    expect(same.operation).toBe('unchanged');
    expect(same.object.metadata?.resourceVersion).toBe(created.object.metadata?.resourceVersion);
    expect(changed.operation).toBe('updated');
    expect((await configMaps.get('settings')).data).toEqual({ mode: 'safe' });
  });

  it('updates a Deployment’s replicas', async () => {
    const { deployments } = await clients('cou');
    await createOrUpdate(deployments, web(), () => undefined);

    const { operation, object } = await createOrUpdate(deployments, web(), (d) => {
      d.spec.replicas = 3;
    });

    expect(operation).toBe('updated');
    expect(object.spec.replicas).toBe(3);
  });

  it('refuses a mutate function that renames the object, writing nothing', async () => {
    const { configMaps } = await clients('cou');

    const renamed = createOrUpdate(configMaps, { metadata: { name: 'settings' } }, (cm) => ({
      ...cm,
      metadata: { ...cm.metadata, name: 'other' },
    }));

    await expect(renamed).rejects.toBeInstanceOf(MutateChangedKeyError);
    await expect(renamed).rejects.toThrow('(settings became other)');
    await expect(configMaps.get('settings')).rejects.toSatisfy(isNotFound);
    await expect(configMaps.get('other')).rejects.toSatisfy(isNotFound);
  });
});

describe('createOrPatch', () => {
  it('creates a Deployment, then patches its spec and its status separately, saying which it wrote', async () => {
    const { deployments } = await clients('cop');
    const created = await createOrPatch(deployments, web(), () => undefined);

    const spec = await createOrPatch(deployments, web(), (d) => {
      d.spec.replicas = 2;
    });
    const status = await createOrPatch(deployments, web(), (d) => {
      d.status = { ...d.status, replicas: 2 };
    });
    const both = await createOrPatch(deployments, web(), (d) => {
      d.spec.replicas = 4;
      d.status = { ...d.status, replicas: 4, observedGeneration: 7 };
    });
    const none = await createOrPatch(deployments, web(), (d) => {
      d.spec.replicas = 4;
    });

    expect([created, spec, status, both, none].map((r) => r.operation)).toEqual([
      'created',
      'updated',
      'updatedStatusOnly',
      'updatedStatus',
      'unchanged',
    ]);
    const live = await deployments.get('web');
    expect(live.spec.replicas).toBe(4);
    expect(live.status).toMatchObject({ replicas: 4, observedGeneration: 7 });
    expect(both.object).toEqual(live);
  });

  it('removes a ConfigMap key that mutate deleted, leaving the others', async () => {
    const { configMaps } = await clients('cop');
    await createOrPatch(configMaps, { metadata: { name: 'settings' }, data: { a: '1', b: '2' } }, () => undefined);

    const { operation } = await createOrPatch(configMaps, { metadata: { name: 'settings' } }, (cm) => {
      delete cm.data?.a;
      cm.metadata = { ...cm.metadata, labels: { tier: 'backend' } };
    });

    expect(operation).toBe('updated');
    const live = await configMaps.get('settings');
    expect(live.data).toEqual({ b: '2' });
    expect(live.metadata?.labels).toEqual({ tier: 'backend' });
  });

  it('refuses a mutate function that moves the object to another namespace', async () => {
    const { configMaps } = await clients('cop');
    await createOrPatch(configMaps, { metadata: { name: 'settings' } }, () => undefined);

    const moved = createOrPatch(configMaps, { metadata: { name: 'settings' } }, (cm) => {
      cm.metadata = { ...cm.metadata, namespace: 'elsewhere' };
    });

    await expect(moved).rejects.toBeInstanceOf(MutateChangedKeyError);
  });
});
