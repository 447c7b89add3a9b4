import { describe, expect, it } from 'vitest';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import { GroupDiscoveryFailedError, StaleDiscoveryError } from '../../../src/client/discovery/errors.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import { aggregatedCore, aggregatedGroups, legacyCore, legacyGroups, legacyResources } from './fixtures.js';
import { type MockApiserver, mockApiserver, statusBody } from './mock-apiserver.js';

const aggregatedAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' +
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

function legacyServer(except: string[] = []): MockApiserver {
  const server = mockApiserver();
  server.answer('GET', '/api', { body: legacyCore });
  server.answer('GET', '/apis', { body: legacyGroups });
  for (const [path, body] of Object.entries(legacyResources)) {
    if (!except.includes(path)) server.answer('GET', path, { body });
  }
  return server;
}

function aggregatedServer(): MockApiserver {
  const server = mockApiserver();
  server.answer('GET', '/api', { body: aggregatedCore });
  server.answer('GET', '/apis', { body: aggregatedGroups() });
  return server;
}

describe('DiscoveryClient', () => {
  it('asks for aggregated discovery and falls back to the legacy endpoints when the server sends an APIGroupList', async () => {
    const server = legacyServer();
    const all = await new DiscoveryClient(server.client).serverGroupsAndResources();
    const roots = server.seen.filter((r) => r.path === '/api' || r.path === '/apis');
    expect(roots.map((r) => r.headers.accept)).toEqual([aggregatedAccept, aggregatedAccept]);
    expect(server.seen.map((r) => r.path).sort()).toEqual(['/api', '/apis', ...Object.keys(legacyResources)].sort());
    expect(all.failed).toBeUndefined();
    expect(all.groups.map((g) => g.name)).toEqual(['', 'apps', 'autoscaling', 'events.k8s.io']);
    expect(all.groups[0]).toEqual({
      name: '',
      versions: [{ groupVersion: 'v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'v1', version: 'v1' },
    });
    expect(all.resources.map((l) => l.groupVersion)).toEqual([
      'v1',
      'apps/v1',
      'autoscaling/v2',
      'autoscaling/v1',
      'events.k8s.io/v1',
    ]);
    const apps = all.resources.find((l) => l.groupVersion === 'apps/v1');
    expect(apps?.resources.map((r) => r.name)).toEqual(['deployments', 'deployments/scale']);
  });

  it('sends only application/json when told to use legacy discovery', async () => {
    const server = legacyServer();
    await new DiscoveryClient(server.client, { useLegacyDiscovery: true }).serverGroups();
    expect(server.seen.map((r) => [r.path, r.headers.accept]).sort()).toEqual([
      ['/api', 'application/json'],
      ['/apis', 'application/json'],
    ]);
  });

  it('reports a failing legacy group/version in failed and returns all the others', async () => {
    const server = legacyServer(['/apis/autoscaling/v1']);
    server.answer('GET', '/apis/autoscaling/v1', { status: 503, body: statusBody(503, 'ServiceUnavailable') });
    const all = await new DiscoveryClient(server.client).serverGroupsAndResources();
    expect(all.failed).toBeInstanceOf(GroupDiscoveryFailedError);
    expect(all.failed?.code).toBe('GROUP_DISCOVERY_FAILED');
    expect([...(all.failed?.groups.keys() ?? [])]).toEqual(['autoscaling/v1']);
    expect(all.failed?.groups.get('autoscaling/v1')).toBeInstanceOf(StatusError);
    expect(all.resources.map((l) => l.groupVersion)).toEqual(['v1', 'apps/v1', 'autoscaling/v2', 'events.k8s.io/v1']);
    const preferred = await new DiscoveryClient(server.client).serverPreferredResources();
    expect(preferred.failed?.groups.has('autoscaling/v1')).toBe(true);
  });

  it('rejects with the abort reason, not a partial result, when the signal aborts during legacy discovery', async () => {
    const server = legacyServer(['/apis/apps/v1']);
    const controller = new AbortController();
    server.answer('GET', '/apis/apps/v1', () => {
      controller.abort(new Error('stop discovering'));
      return { body: legacyResources['/apis/apps/v1'] };
    });
    const discovery = new DiscoveryClient(server.client);
    await expect(discovery.serverGroupsAndResources({ signal: controller.signal })).rejects.toThrow('stop discovering');
  });

  it('rejects when a root document itself cannot be read', async () => {
    const server = mockApiserver();
    server.answer('GET', '/api', { body: legacyCore });
    server.answer('GET', '/apis', { status: 403, body: statusBody(403, 'Forbidden') });
    await expect(new DiscoveryClient(server.client).serverGroupsAndResources()).rejects.toMatchObject({
      code: 'STATUS',
      reason: 'Forbidden',
    });
  });

  it('converts aggregated discovery in two requests, reporting stale versions without failing the rest', async () => {
    const server = aggregatedServer();
    const all = await new DiscoveryClient(server.client).serverGroupsAndResources();
    expect(server.seen.map((r) => r.path).sort()).toEqual(['/api', '/apis']);
    expect(all.groups.map((g) => [g.name, g.preferredVersion?.version])).toEqual([
      ['', 'v1'],
      ['apps', 'v1'],
      ['metrics.example.test', 'v1beta1'],
    ]);
    expect([...(all.failed?.groups.keys() ?? [])].sort()).toEqual([
      'gone.example.test/v1',
      'metrics.example.test/v1beta2',
    ]);
    expect(all.failed?.groups.get('gone.example.test/v1')).toBeInstanceOf(StaleDiscoveryError);
    const core = all.resources.find((l) => l.groupVersion === 'v1');
    expect(core?.resources).toEqual([
      {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: expect.any(Array),
        shortNames: ['po'],
        categories: ['all'],
      },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      {
        name: 'namespaces',
        singularName: 'namespace',
        namespaced: false,
        kind: 'Namespace',
        verbs: expect.any(Array),
        shortNames: ['ns'],
      },
    ]);
    const scale = all.resources.find((l) => l.groupVersion === 'apps/v1')?.resources[1];
    expect(scale).toMatchObject({ name: 'deployments/scale', group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('reads the version and a single group/version from their own endpoints', async () => {
    const server = legacyServer();
    server.answer('GET', '/version', { body: { major: '1', minor: '37', gitVersion: 'v1.37.2' } });
    const discovery = new DiscoveryClient(server.client);
    expect((await discovery.serverVersion()).gitVersion).toBe('v1.37.2');
    expect((await discovery.serverResourcesForGroupVersion('v1')).groupVersion).toBe('v1');
    expect(server.seen.map((r) => r.path)).toEqual(['/version', '/api/v1']);
  });
});

describe('preferred resources', () => {
  it('takes each resource at its group preferred version, else at the first version serving it', async () => {
    const { resources } = await new DiscoveryClient(legacyServer().client).serverPreferredResources();
    const names = Object.fromEntries(resources.map((l) => [l.groupVersion, l.resources.map((r) => r.name)]));
    expect(names).toEqual({
      v1: ['pods', 'events', 'namespaces'],
      'apps/v1': ['deployments'],
      'autoscaling/v2': ['horizontalpodautoscalers'],
      'autoscaling/v1': ['oldscalers'],
      'events.k8s.io/v1': ['events'],
    });
  });

  it('keeps only namespaced resources and drops lists left empty', async () => {
    const { resources } = await new DiscoveryClient(legacyServer().client).serverPreferredNamespacedResources();
    const names = Object.fromEntries(resources.map((l) => [l.groupVersion, l.resources.map((r) => r.name)]));
    expect(names).toEqual({
      v1: ['pods', 'events'],
      'apps/v1': ['deployments'],
      'autoscaling/v2': ['horizontalpodautoscalers'],
      'events.k8s.io/v1': ['events'],
    });
  });
});
