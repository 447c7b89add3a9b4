import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import { StaleDiscoveryError } from '../../../src/client/discovery/errors.js';
import { MemCacheDiscoveryClient } from '../../../src/client/discovery/mem-cache-discovery-client.js';
import type { ServerGroupsAndResources } from '../../../src/client/discovery/preferred.js';
import { DeferredDiscoveryRESTMapper } from '../../../src/client/discovery/rest-mapper.js';
import type { APIResource } from '../../../src/client/discovery/types.js';
import { DynamicClient } from '../../../src/client/dynamic/dynamic-client.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { StatusError } from '../../../src/client/rest/index.js';
import { restConfigFor } from '../support.js';
import { type RecordingClient, recordingClient } from './helpers.js';

const plane = inject('controlPlane');
let config: RestConfig;
const clients: RecordingClient[] = [];

function recording(): RecordingClient {
  const made = recordingClient(config);
  clients.push(made);
  return made;
}

beforeAll(async () => {
  config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

function resourceOf(all: ServerGroupsAndResources, groupVersion: string, name: string): APIResource | undefined {
  return all.resources.find((list) => list.groupVersion === groupVersion)?.resources.find((r) => r.name === name);
}

// Built-in groups only: other test files add and remove CRDs while these tests run.
const builtIn = (groupVersion: string) =>
  !groupVersion.includes('/') || /^([a-z0-9]+|[a-z0-9.]+\.k8s\.io)\//.test(groupVersion);

// Everything discovery says about built-in resources, in a form two discovery paths can be compared on.
function summary(all: ServerGroupsAndResources): string[] {
  return all.resources
    .filter((list) => builtIn(list.groupVersion))
    .flatMap((list) =>
      list.resources.map((r) =>
        [list.groupVersion, r.name, r.singularName, r.namespaced, r.kind, r.group ?? '', r.version ?? ''].join(' '),
      ),
    )
    .sort();
}

describe('DiscoveryClient against the real apiserver', () => {
  it('reports the server version of the control plane', async () => {
    const discovery = new DiscoveryClient(recording().client);
    const version = await discovery.serverVersion();
    expect(version.gitVersion).toBe(plane.kubernetesVersion);
  });

  it('discovers every group and resource with two aggregated requests', async () => {
    const { client, requests } = recording();
    const all = await new DiscoveryClient(client).serverGroupsAndResources();
    expect(requests).toEqual(expect.arrayContaining(['GET /api', 'GET /apis']));
    expect(requests).toHaveLength(2);
    expect(all.failed).toBeUndefined();
    expect(all.groups[0]).toMatchObject({ name: '', preferredVersion: { groupVersion: 'v1', version: 'v1' } });
    const pods = resourceOf(all, 'v1', 'pods');
    expect(pods).toMatchObject({ kind: 'Pod', namespaced: true, singularName: 'pod', shortNames: ['po'] });
    expect(pods?.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'delete']));
    for (const sub of ['status', 'log', 'eviction']) expect(resourceOf(all, 'v1', `pods/${sub}`)).toBeDefined();
    expect(resourceOf(all, 'apps/v1', 'deployments/scale')).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
    });
  });

  it('falls back to one legacy request per group/version and finds exactly what aggregated discovery finds', async () => {
    const legacy = recording();
    const fromLegacy = await new DiscoveryClient(legacy.client, {
      useLegacyDiscovery: true,
    }).serverGroupsAndResources();
    const fromAggregated = await new DiscoveryClient(recording().client).serverGroupsAndResources();
    expect(legacy.requests).toEqual(
      expect.arrayContaining(['GET /api', 'GET /apis', 'GET /api/v1', 'GET /apis/apps/v1']),
    );
    const groupVersions = fromLegacy.groups.flatMap((g) =>
      g.versions.map((v) => `GET ${v.groupVersion === 'v1' ? '/api' : '/apis'}/${v.groupVersion}`),
    );
    expect(legacy.requests.slice(2).sort()).toEqual(groupVersions.sort());
    expect(fromLegacy.failed).toBeUndefined();
    const builtInGroups = (all: ServerGroupsAndResources) =>
      all.groups.filter((g) => g.versions.every((v) => builtIn(v.groupVersion)));
    expect(builtInGroups(fromLegacy)).toEqual(builtInGroups(fromAggregated));
    expect(summary(fromLegacy)).toEqual(summary(fromAggregated));
    expect(resourceOf(fromLegacy, 'v1', 'pods')?.verbs).toContain('watch');
  });

  it('lists the groups with their preferred versions', async () => {
    const { groups } = await new DiscoveryClient(recording().client).serverGroups();
    expect(groups[0]?.name).toBe('');
    expect(groups.find((g) => g.name === 'autoscaling')?.preferredVersion?.version).toBe('v2');
  });

  it('reads one group/version from its own endpoint', async () => {
    const { client, requests } = recording();
    const list = await new DiscoveryClient(client).serverResourcesForGroupVersion('apps/v1');
    expect(requests).toEqual(['GET /apis/apps/v1']);
    expect(list.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['deployments', 'deployments/scale']));
  });

  it('prefers apps/v1 for deployments and autoscaling/v2 for horizontal pod autoscalers', async () => {
    const { resources } = await new DiscoveryClient(recording().client).serverPreferredResources();
    const servedAt = (name: string) =>
      resources.filter((list) => list.resources.some((r) => r.name === name)).map((list) => list.groupVersion);
    expect(servedAt('deployments')).toEqual(['apps/v1']);
    expect(servedAt('horizontalpodautoscalers')).toEqual(['autoscaling/v2']);
    expect(resources.flatMap((list) => list.resources).some((r) => r.name.includes('/'))).toBe(false);
  });

  it('keeps only namespaced resources among the preferred namespaced ones', async () => {
    const { resources } = await new DiscoveryClient(recording().client).serverPreferredNamespacedResources();
    const names = resources.flatMap((list) => list.resources.map((r) => r.name));
    expect(names).toEqual(expect.arrayContaining(['pods', 'configmaps', 'deployments']));
    expect(names).not.toContain('namespaces');
    expect(names).not.toContain('nodes');
  });
});

describe('clients built with forConfig on the shared transport', () => {
  it('discover, map and read through the default RESTClient of a config', async () => {
    expect((await DiscoveryClient.forConfig(config).serverVersion()).gitVersion).toBe(plane.kubernetesVersion);
    const mapper = DeferredDiscoveryRESTMapper.forConfig(config);
    const gvr = await mapper.resourceFor({ resource: 'ns' });
    const namespace = await DynamicClient.forConfig(config).resource(gvr).get('default');
    expect(namespace).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
});

describe('MemCacheDiscoveryClient against the real apiserver', () => {
  it('answers repeated calls from memory and refetches after invalidate()', async () => {
    const { client, requests } = recording();
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(client));
    const first = await cached.serverGroupsAndResources();
    expect(requests).toHaveLength(2);
    const again = await cached.serverGroupsAndResources();
    await cached.serverPreferredResources();
    await cached.serverGroups();
    await cached.serverResourcesForGroupVersion('apps/v1');
    expect(again).toBe(first);
    expect(requests).toHaveLength(2);
    cached.invalidate();
    const refetched = await cached.serverGroupsAndResources();
    expect(requests).toHaveLength(4);
    expect(refetched).not.toBe(first);
    expect(summary(refetched)).toEqual(summary(first));
  });
});

describe('discovery with an unavailable aggregated API', () => {
  const id = randomUUID().slice(0, 8);
  const group = `broken-${id}.kubeloop.test`;
  const apiServices = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };
  let dynamic: DynamicClient;

  beforeAll(async () => {
    dynamic = new DynamicClient(recording().client);
    await dynamic.resource(apiServices).create({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `v1.${group}` },
      spec: {
        group,
        version: 'v1',
        groupPriorityMinimum: 100,
        versionPriority: 10,
        insecureSkipTLSVerify: true,
        service: { namespace: 'default', name: `nothing-${id}`, port: 443 },
      },
    });
  });

  afterAll(async () => {
    await dynamic.resource(apiServices).delete(`v1.${group}`);
  });

  it('reports the failing group/version by legacy discovery and returns every other one', async () => {
    const legacy = new DiscoveryClient(recording().client, { useLegacyDiscovery: true });
    const all = await legacy.serverGroupsAndResources();
    const failure = all.failed?.groups.get(`${group}/v1`);
    expect(failure).toBeInstanceOf(StatusError);
    expect((failure as StatusError).statusCode).toBe(503);
    expect(all.failed?.groups.size).toBe(1);
    expect(resourceOf(all, 'apps/v1', 'deployments')).toBeDefined();
  });

  it('reports the stale group/version by aggregated discovery and returns every other one', async () => {
    const aggregated = new DiscoveryClient(recording().client);
    // The aggregator marks the version Stale once its availability check has failed.
    const all = await vi.waitFor(
      async () => {
        const result = await aggregated.serverGroupsAndResources();
        if (!result.failed) throw new Error(`${group} not yet stale`);
        return result;
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(all.failed?.groups.get(`${group}/v1`)).toBeInstanceOf(StaleDiscoveryError);
    expect(all.groups.map((g) => g.name)).not.toContain(group);
    expect(resourceOf(all, 'apps/v1', 'deployments')).toBeDefined();
    const preferred = await aggregated.serverPreferredResources();
    expect(preferred.failed?.groups.has(`${group}/v1`)).toBe(true);
  });
});
