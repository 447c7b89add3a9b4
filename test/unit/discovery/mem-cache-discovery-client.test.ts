import { describe, expect, it } from 'vitest';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import { MemCacheDiscoveryClient } from '../../../src/client/discovery/mem-cache-discovery-client.js';
import { aggregatedCore, aggregatedGroups } from './fixtures.js';
import { type MockApiserver, mockApiserver, statusBody } from './mock-apiserver.js';

function server(): MockApiserver {
  const mock = mockApiserver();
  mock.answer('GET', '/api', { body: aggregatedCore });
  mock.answer('GET', '/apis', { body: aggregatedGroups() });
  return mock;
}

const roots = (mock: MockApiserver) => mock.seen.filter((r) => r.path === '/api' || r.path === '/apis').length;

describe('MemCacheDiscoveryClient', () => {
  it('serves groups, resources and preferred resources from one fetch', async () => {
    const mock = server();
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client));
    const first = await cached.serverGroupsAndResources();
    await cached.serverGroups();
    await cached.serverPreferredResources();
    await cached.serverPreferredNamespacedResources();
    expect((await cached.serverResourcesForGroupVersion('apps/v1')).resources[0]?.name).toBe('deployments');
    expect(await cached.serverGroupsAndResources()).toBe(first);
    expect(roots(mock)).toBe(2);
  });

  it('refetches after invalidate()', async () => {
    const mock = server();
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client));
    const first = await cached.serverGroupsAndResources();
    cached.invalidate();
    expect(await cached.serverGroupsAndResources()).not.toBe(first);
    expect(roots(mock)).toBe(4);
  });

  it('shares one fetch between concurrent callers', async () => {
    const mock = server();
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client));
    const answers = await Promise.all([
      cached.serverGroupsAndResources(),
      cached.serverPreferredResources(),
      cached.serverGroups(),
    ]);
    expect(answers).toHaveLength(3);
    expect(roots(mock)).toBe(2);
  });

  it('refetches once the TTL has passed on the injected clock', async () => {
    const mock = server();
    let now = 1_000;
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client), {
      ttlMs: 60_000,
      clock: { now: () => now },
    });
    await cached.serverGroupsAndResources();
    now += 59_999;
    await cached.serverGroupsAndResources();
    expect(roots(mock)).toBe(2);
    now += 1;
    await cached.serverGroupsAndResources();
    expect(roots(mock)).toBe(4);
  });

  it('does not cache a failed fetch', async () => {
    const mock = mockApiserver();
    mock.answer('GET', '/api', { body: aggregatedCore });
    mock.answer('GET', '/apis', { status: 403, body: statusBody(403, 'Forbidden') }, 1);
    mock.answer('GET', '/apis', { body: aggregatedGroups() });
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client));
    await expect(cached.serverGroupsAndResources()).rejects.toMatchObject({ reason: 'Forbidden' });
    const all = await cached.serverGroupsAndResources();
    expect(all.groups.map((g) => g.name)).toContain('apps');
  });

  it('rejects only the caller whose signal aborts while a shared fetch runs', async () => {
    const mock = server();
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client));
    const controller = new AbortController();
    const aborted = cached.serverGroupsAndResources({ signal: controller.signal });
    const patient = cached.serverGroupsAndResources();
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    expect((await patient).groups.length).toBeGreaterThan(0);
    expect(roots(mock)).toBe(2);
  });

  it('asks the server for a group/version the cached result does not hold, and always for the version', async () => {
    const mock = server();
    mock.answer('GET', '/apis/batch/v1', {
      body: { kind: 'APIResourceList', groupVersion: 'batch/v1', resources: [] },
    });
    mock.answer('GET', '/version', { body: { gitVersion: 'v1.37.2' } });
    const cached = new MemCacheDiscoveryClient(new DiscoveryClient(mock.client));
    expect((await cached.serverResourcesForGroupVersion('batch/v1')).groupVersion).toBe('batch/v1');
    await cached.serverVersion();
    await cached.serverVersion();
    expect(mock.seen.map((r) => r.path).filter((p) => p !== '/api' && p !== '/apis')).toEqual([
      '/apis/batch/v1',
      '/version',
      '/version',
    ]);
  });
});
