import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import { MemCacheDiscoveryClient } from '../../../src/client/discovery/mem-cache-discovery-client.js';
import { DeferredDiscoveryRESTMapper } from '../../../src/client/discovery/rest-mapper.js';
import { NoKindMatchError } from '../../../src/client/discovery/rest-mapper-errors.js';
import { DynamicClient } from '../../../src/client/dynamic/dynamic-client.js';
import type { Unstructured } from '../../../src/client/dynamic/unstructured.js';
import type { WatchEvent } from '../../../src/client/meta.js';
import { isNotFound } from '../../../src/client/rest/index.js';
import { type RecordingClient, recordingClient } from '../discovery/helpers.js';
import { restConfigFor } from '../support.js';

const plane = inject('controlPlane');
const id = randomUUID().slice(0, 8);
const group = `k${id}.kubeloop.test`;
const crdName = `widgets.${group}`;
const namespace = `dynamic-${id}`;
const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
const namespaces = { group: '', version: 'v1', resource: 'namespaces' };
const widgetsGvr = { group, version: 'v1', resource: 'widgets' };

let dynamic: DynamicClient;
let mapper: DeferredDiscoveryRESTMapper;
let mapperClient: RecordingClient;
let dynamicClient: RecordingClient;

const widgetCrd: Unstructured = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: crdName },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wdg'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { size: { type: 'integer' }, color: { type: 'string' }, replicas: { type: 'integer' } },
              },
              status: {
                type: 'object',
                properties: { phase: { type: 'string' }, replicas: { type: 'integer' } },
              },
            },
          },
        },
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
        },
      },
    ],
  },
};

function widget(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Unstructured {
  return { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name, namespace, labels }, spec };
}

const widgets = () => dynamic.resource(widgetsGvr).namespace(namespace);
const specOf = (object: Unstructured) => object.spec as Record<string, unknown>;

beforeAll(async () => {
  const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  mapperClient = recordingClient(config);
  dynamicClient = recordingClient(config);
  dynamic = new DynamicClient(dynamicClient.client);
  // Created and used before the CRD exists, so Widget is missing from its cache.
  mapper = new DeferredDiscoveryRESTMapper(new MemCacheDiscoveryClient(new DiscoveryClient(mapperClient.client)));
  await mapper.resourceFor({ resource: 'deploy' });
  await dynamic.resource(namespaces).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await dynamic.resource(crds).create(widgetCrd);
  await vi.waitFor(
    async () => {
      const crd = await dynamic.resource(crds).get(crdName);
      const conditions = (crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
      if (!conditions?.some((c) => c.type === 'Established' && c.status === 'True')) throw new Error('not established');
    },
    { timeout: 60_000, interval: 200 },
  );
  // Aggregated discovery is updated right after the CRD is established; wait for it with a client of its own.
  const fresh = new DiscoveryClient(dynamicClient.client);
  await vi.waitFor(
    async () => {
      const { groups } = await fresh.serverGroups();
      if (!groups.some((g) => g.name === group)) throw new Error(`${group} not yet discovered`);
    },
    { timeout: 60_000, interval: 200 },
  );
});

afterAll(async () => {
  await dynamic.resource(crds).delete(crdName);
  await dynamic.resource(namespaces).delete(namespace);
  await Promise.all([mapperClient.close(), dynamicClient.close()]);
});

describe('DeferredDiscoveryRESTMapper against the real apiserver', () => {
  it('resolves short names, singular names and case-insensitive kinds of built-in resources', async () => {
    expect(await mapper.resourceFor({ resource: 'deploy' })).toEqual({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
    });
    expect(await mapper.kindFor({ resource: 'po' })).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(await mapper.kindFor({ group: '', resource: 'Pod' })).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(await mapper.restMapping({ group: '', kind: 'namespace' })).toEqual({
      gvk: { group: '', version: 'v1', kind: 'Namespace' },
      gvr: { group: '', version: 'v1', resource: 'namespaces' },
      scope: 'Cluster',
    });
    expect((await mapper.restMapping({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' })).gvk.version).toBe(
      'v2',
    );
    const v1 = await mapper.restMapping({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }, { version: 'v1' });
    expect(v1.gvr).toEqual({ group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' });
  });

  it('finds the CRD added after its cache was filled by refreshing discovery once', async () => {
    const before = mapperClient.requests.length;
    const mapping = await mapper.restMapping({ group, kind: 'Widget' });
    expect(mapping).toEqual({
      gvk: { group, version: 'v1', kind: 'Widget' },
      gvr: { group, version: 'v1', resource: 'widgets' },
      scope: 'Namespace',
    });
    expect(mapperClient.requests.slice(before).sort()).toEqual(['GET /api', 'GET /apis']);
    expect(await mapper.kindFor({ resource: 'wdg' })).toEqual({ group, version: 'v1', kind: 'Widget' });
    expect(mapperClient.requests.length).toBe(before + 2);
  });

  it('rejects a kind nobody serves with NoKindMatchError after one refresh', async () => {
    const before = mapperClient.requests.length;
    const miss = mapper.restMapping({ group, kind: 'Gadget' });
    await expect(miss).rejects.toBeInstanceOf(NoKindMatchError);
    await expect(miss).rejects.toMatchObject({ code: 'NO_KIND_MATCH', groupKind: { group, kind: 'Gadget' } });
    expect(mapperClient.requests.length).toBe(before + 2);
  });
});

describe('DynamicClient on a custom resource of the real apiserver', () => {
  it('creates, reads, updates, lists by label and deletes widgets', async () => {
    const created = await widgets().create(widget('crud', { size: 1 }, { tier: 'front' }));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.generation).toBe(1);
    expect(await widgets().get('crud')).toEqual(created);

    await widgets().create(widget('other', { size: 9 }, { tier: 'back' }));
    const front = await widgets().list({ labelSelector: 'tier=front' });
    expect(front.items.map((w) => w.metadata?.name)).toEqual(['crud']);
    expect(front.kind).toBe('WidgetList');

    const updated = await widgets().update({ ...created, spec: { size: 2 } });
    expect(specOf(updated)).toEqual({ size: 2 });
    expect(updated.metadata?.generation).toBe(2);

    await widgets().delete('crud');
    await expect(widgets().get('crud')).rejects.toSatisfy(isNotFound);
    const removed = await widgets().deleteCollection({ labelSelector: 'tier=back' });
    expect(removed.kind).toBe('WidgetList');
    expect((await widgets().list()).items).toEqual([]);
  });

  it('updates status without bumping the spec generation', async () => {
    const created = await widgets().create(widget('status', { size: 3 }));
    const withStatus = await widgets().updateStatus({ ...created, status: { phase: 'Ready' }, spec: { size: 99 } });
    expect(withStatus.status).toEqual({ phase: 'Ready' });
    expect(specOf(withStatus)).toEqual({ size: 3 });
    expect(withStatus.metadata?.generation).toBe(1);
    const applied = await widgets().applyStatus(
      { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'status' }, status: { phase: 'Done' } },
      { fieldManager: 'kubeloop-status', force: true },
    );
    expect(applied.status).toMatchObject({ phase: 'Done' });
    expect(applied.metadata?.generation).toBe(1);
  });

  it('merge-patches and server-side applies a widget', async () => {
    await widgets().create(widget('patched', { size: 1, color: 'red' }));
    const patched = await widgets().patch('patched', 'merge', { spec: { color: 'blue' } });
    expect(specOf(patched)).toEqual({ size: 1, color: 'blue' });

    const applied = await widgets().apply(
      { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'applied' }, spec: { size: 5 } },
      { fieldManager: 'kubeloop-test' },
    );
    expect(specOf(applied)).toEqual({ size: 5 });
    expect(applied.metadata?.managedFields).toEqual(
      expect.arrayContaining([expect.objectContaining({ manager: 'kubeloop-test', operation: 'Apply' })]),
    );
    const dryRun = await widgets().patch('applied', 'merge', { spec: { size: 6 } }, { dryRun: true });
    expect(specOf(dryRun)).toEqual({ size: 6 });
    expect(specOf(await widgets().get('applied'))).toEqual({ size: 5 });
  });

  it('reads and updates the scale subresource', async () => {
    await widgets().create(widget('scaled', { replicas: 1 }));
    const scale = await widgets().get('scaled', { subresource: 'scale' });
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 } });
    await widgets().update({ ...scale, spec: { replicas: 4 } }, { subresource: 'scale' });
    expect(specOf(await widgets().get('scaled'))).toEqual({ replicas: 4 });
  });

  it('watches a widget being added, modified and deleted', async () => {
    const { metadata } = await widgets().list();
    const stream = await widgets().watch({
      resourceVersion: metadata.resourceVersion ?? '',
      fieldSelector: 'metadata.name=watched',
    });
    await widgets().create(widget('watched', { size: 1 }));
    await widgets().patch('watched', 'merge', { spec: { size: 2 } });
    await widgets().delete('watched');
    const seen: WatchEvent<Unstructured>[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'DELETED') break;
    }
    stream.close();
    expect(seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(seen.map((e) => (e.type === 'ERROR' ? undefined : specOf(e.object).size))).toEqual([1, 2, 2]);
  });

  it('lists cluster-scoped resources without a namespace', async () => {
    const list = await dynamic.resource(crds).list({ fieldSelector: `metadata.name=${crdName}` });
    expect(list.items.map((crd) => crd.metadata?.name)).toEqual([crdName]);
  });
});
