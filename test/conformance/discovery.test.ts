// Conformance: /version, aggregated and legacy discovery of built-in resources, and CRDs appearing once Established.
import { expect } from 'vitest';
import type {
  APIGroupDiscoveryList,
  APIGroupList,
  APIResourceList,
  APIVersions,
} from '../../src/client/discovery/types.js';
import { type Collection, core, failure, grouped } from './support/api.js';
import { conformance, type Target } from './support/target.js';
import { ensureWidgets, widgetGroup } from './support/widget.js';

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function get<T>(t: Target, path: string, accept?: string): Promise<T> {
  const request = t.client.get().absPath(path);
  return (accept ? request.setHeader('accept', accept) : request).do<T>();
}

conformance('/version names Kubernetes 1.37', async (t) => {
  const version = await get<{ major: string; minor: string; gitVersion: string }>(t, '/version');
  expect(version.major).toBe('1');
  expect(version.minor).toBe('37');
  expect(version.gitVersion).toMatch(/^v1\.37\./);
});

conformance('legacy /api lists the core version v1', async (t) => {
  const versions = await get<APIVersions>(t, '/api');
  expect(versions.kind).toBe('APIVersions');
  expect(versions.versions).toEqual(['v1']);
});

conformance('legacy /apis lists apps with preferred version v1', async (t) => {
  const groups = await get<APIGroupList>(t, '/apis');
  const apps = groups.groups.find((g) => g.name === 'apps');
  expect(apps?.preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });
});

conformance('legacy /apis/apps names the group and its versions', async (t) => {
  const group = await get<{ kind: string; name: string; versions: unknown[] }>(t, '/apis/apps');
  expect(group).toMatchObject({
    kind: 'APIGroup',
    name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
  });
});

conformance('aggregated /api is an APIGroupDiscoveryList with the core resources', async (t) => {
  const list = await get<APIGroupDiscoveryList>(t, '/api', aggregatedAccept);
  expect(list.kind).toBe('APIGroupDiscoveryList');
  const resources = list.items?.[0]?.versions?.[0]?.resources ?? [];
  expect(resources.find((r) => r.resource === 'configmaps')).toMatchObject({
    scope: 'Namespaced',
    singularResource: 'configmap',
    shortNames: ['cm'],
  });
});

conformance('aggregated /apis lists deployments with their scale subresource', async (t) => {
  const list = await get<APIGroupDiscoveryList>(t, '/apis', aggregatedAccept);
  const apps = list.items?.find((g) => g.metadata?.name === 'apps');
  const deployments = apps?.versions?.[0]?.resources?.find((r) => r.resource === 'deployments');
  expect(deployments?.subresources?.map((s) => s.subresource).sort()).toEqual(['scale', 'status']);
  expect(deployments?.subresources?.find((s) => s.subresource === 'scale')?.responseKind).toEqual({
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
  });
});

conformance('an unknown group answers 404', async (t) => {
  expect((await failure(get(t, '/apis/no.such.group'))).code).toBe(404);
});

conformance('an unknown group/version answers 404', async (t) => {
  expect((await failure(get(t, '/apis/apps/v9'))).code).toBe(404);
});

conformance('an unknown resource answers 404', async (t) => {
  expect((await failure(get(t, '/api/v1/namespaces/default/nosuchthings'))).code).toBe(404);
});

/** Built-in resources, the scope and the subresources discovery must report for them. */
const builtins: readonly [Collection, boolean, string, readonly string[]][] = [
  [
    core('pods'),
    true,
    'Pod',
    ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize', 'status'],
  ],
  [core('services'), true, 'Service', ['proxy', 'status']],
  [core('namespaces'), false, 'Namespace', ['finalize', 'status']],
  [core('nodes'), false, 'Node', ['proxy', 'status']],
  [core('secrets'), true, 'Secret', []],
  [grouped('apps', 'v1', 'statefulsets'), true, 'StatefulSet', ['scale', 'status']],
  [grouped('batch', 'v1', 'jobs'), true, 'Job', ['status']],
  [grouped('batch', 'v1', 'cronjobs'), true, 'CronJob', ['status']],
  [grouped('coordination.k8s.io', 'v1', 'leases'), true, 'Lease', []],
  [grouped('rbac.authorization.k8s.io', 'v1', 'clusterroles'), false, 'ClusterRole', []],
  [grouped('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'), false, 'CustomResourceDefinition', ['status']],
  [grouped('networking.k8s.io', 'v1', 'ingresses'), true, 'Ingress', ['status']],
];

for (const [c, namespaced, kind, subresources] of builtins) {
  conformance(
    `legacy discovery reports ${c.resource}: ${kind}, namespaced=${namespaced}, subresources ${subresources.join(',') || 'none'}`,
    async (t) => {
      const path = c.group === '' ? `/api/${c.version}` : `/apis/${c.group}/${c.version}`;
      const list = await get<APIResourceList>(t, path);
      const resource = list.resources.find((r) => r.name === c.resource);
      expect(resource).toMatchObject({ kind, namespaced });
      const subs = list.resources.filter((r) => r.name.startsWith(`${c.resource}/`)).map((r) => r.name.split('/')[1]);
      expect(subs.sort()).toEqual([...subresources].sort());
    },
  );
}

conformance('a created CRD is served: it appears in aggregated and legacy discovery', async (t) => {
  await ensureWidgets(t);
  const list = await get<APIGroupDiscoveryList>(t, '/apis', aggregatedAccept);
  const group = list.items?.find((g) => g.metadata?.name === widgetGroup);
  const resource = group?.versions?.[0]?.resources?.find((r) => r.resource === 'widgets');
  expect(resource).toMatchObject({
    scope: 'Namespaced',
    singularResource: 'widget',
    shortNames: ['wdg'],
    responseKind: { kind: 'Widget' },
  });
  expect(resource?.subresources?.map((s) => s.subresource).sort()).toEqual(['scale', 'status']);
  const legacy = await get<APIResourceList>(t, `/apis/${widgetGroup}/v1`);
  expect(legacy.resources.map((r) => r.name).sort()).toEqual(['widgets', 'widgets/scale', 'widgets/status']);
});
