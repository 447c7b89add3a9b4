import { describe, expect, it } from 'vitest';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import { MemCacheDiscoveryClient } from '../../../src/client/discovery/mem-cache-discovery-client.js';
import { DeferredDiscoveryRESTMapper } from '../../../src/client/discovery/rest-mapper.js';
import { NoKindMatchError, NoResourceMatchError } from '../../../src/client/discovery/rest-mapper-errors.js';
import {
  aggregatedCore,
  aggregatedCrdGroup,
  aggregatedGroups,
  legacyCore,
  legacyGroups,
  legacyResources,
} from './fixtures.js';
import { type MockApiserver, mockApiserver } from './mock-apiserver.js';

function mapperOn(mock: MockApiserver): DeferredDiscoveryRESTMapper {
  return new DeferredDiscoveryRESTMapper(new MemCacheDiscoveryClient(new DiscoveryClient(mock.client)));
}

function legacyMapper(): DeferredDiscoveryRESTMapper {
  const mock = mockApiserver();
  mock.answer('GET', '/api', { body: legacyCore });
  mock.answer('GET', '/apis', { body: legacyGroups });
  for (const [path, body] of Object.entries(legacyResources)) mock.answer('GET', path, { body });
  return mapperOn(mock);
}

const apisFetches = (mock: MockApiserver) => mock.seen.filter((r) => r.path === '/apis').length;

describe('DeferredDiscoveryRESTMapper', () => {
  it('resolves plural, singular and short names in any case', async () => {
    const mapper = legacyMapper();
    const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };
    expect(await mapper.resourceFor({ resource: 'deploy' })).toEqual(deployments);
    expect(await mapper.resourceFor({ resource: 'Deployment' })).toEqual(deployments);
    expect(await mapper.resourceFor({ group: 'apps', resource: 'DEPLOYMENTS' })).toEqual(deployments);
    expect(await mapper.kindFor({ resource: 'po' })).toEqual({ group: '', version: 'v1', kind: 'Pod' });
  });

  it('prefers the core group, then discovery order, then the preferred version', async () => {
    const mapper = legacyMapper();
    expect(await mapper.resourceFor({ resource: 'events' })).toEqual({ group: '', version: 'v1', resource: 'events' });
    expect(await mapper.resourceFor({ group: 'events.k8s.io', resource: 'ev' })).toEqual({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
    });
    expect(await mapper.kindFor({ resource: 'hpa' })).toEqual({
      group: 'autoscaling',
      version: 'v2',
      kind: 'HorizontalPodAutoscaler',
    });
    expect(await mapper.kindFor({ resource: 'hpa', version: 'v1' })).toMatchObject({ version: 'v1' });
  });

  it('maps a kind case-insensitively to its resource and scope', async () => {
    const mapper = legacyMapper();
    expect(await mapper.restMapping({ group: '', kind: 'namespace' })).toEqual({
      gvk: { group: '', version: 'v1', kind: 'Namespace' },
      gvr: { group: '', version: 'v1', resource: 'namespaces' },
      scope: 'Cluster',
    });
    expect(await mapper.restMapping({ group: 'autoscaling', kind: 'OldScaler' })).toMatchObject({
      gvr: { version: 'v1', resource: 'oldscalers' },
      scope: 'Cluster',
    });
    const v1 = await mapper.restMapping({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }, { version: 'v1' });
    expect(v1.gvk.version).toBe('v1');
  });

  it('never maps a subresource', async () => {
    await expect(legacyMapper().resourceFor({ resource: 'pods/status' })).rejects.toBeInstanceOf(NoResourceMatchError);
  });

  it('refreshes discovery once on a miss and finds a kind added since', async () => {
    const mock = mockApiserver();
    mock.answer('GET', '/api', { body: aggregatedCore });
    mock.answer('GET', '/apis', { body: aggregatedGroups() }, 1);
    mock.answer('GET', '/apis', { body: aggregatedGroups(aggregatedCrdGroup('example.test', 'widgets', 'Widget')) });
    const mapper = mapperOn(mock);
    expect((await mapper.kindFor({ resource: 'deploy' })).kind).toBe('Deployment');
    expect(await mapper.restMapping({ group: 'example.test', kind: 'widget' })).toEqual({
      gvk: { group: 'example.test', version: 'v1', kind: 'Widget' },
      gvr: { group: 'example.test', version: 'v1', resource: 'widgets' },
      scope: 'Namespace',
    });
    expect(apisFetches(mock)).toBe(2);
  });

  it('rejects after exactly one refresh when nothing matches, naming what discovery could not reach', async () => {
    const mock = mockApiserver();
    mock.answer('GET', '/api', { body: aggregatedCore });
    mock.answer('GET', '/apis', { body: aggregatedGroups() });
    const mapper = mapperOn(mock);
    const miss = mapper.restMapping({ group: 'gone.example.test', kind: 'Thing' });
    await expect(miss).rejects.toBeInstanceOf(NoKindMatchError);
    await expect(miss).rejects.toMatchObject({
      code: 'NO_KIND_MATCH',
      cause: { code: 'GROUP_DISCOVERY_FAILED' },
    });
    expect(apisFetches(mock)).toBe(2);
    await expect(mapper.kindFor({ resource: 'nothing' })).rejects.toMatchObject({ code: 'NO_RESOURCE_MATCH' });
    expect(apisFetches(mock)).toBe(3);
  });

  it('refetches once for concurrent misses on the same cached result', async () => {
    const mock = mockApiserver();
    mock.answer('GET', '/api', { body: aggregatedCore });
    mock.answer('GET', '/apis', { body: aggregatedGroups() });
    const mapper = mapperOn(mock);
    await mapper.kindFor({ resource: 'deploy' });
    const misses = await Promise.allSettled([
      mapper.kindFor({ resource: 'a' }),
      mapper.kindFor({ resource: 'b' }),
      mapper.restMapping({ group: 'x', kind: 'C' }),
    ]);
    expect(misses.map((m) => m.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(apisFetches(mock)).toBe(2);
  });
});
