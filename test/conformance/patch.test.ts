// Conformance: JSON patch, merge patch and strategic merge patch on built-ins and custom resources.
import { expect } from 'vitest';
import { Api, core, failure, grouped } from './support/api.js';
import { conformance } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

const deployments = (ns: string) => grouped('apps', 'v1', 'deployments', ns);

function deployment(name: string) {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'main', image: 'busybox', env: [{ name: 'A', value: '1' }] },
            { name: 'side', image: 'nginx' },
          ],
        },
      },
    },
  };
}

type Containers = { name: string; image: string; env?: { name: string; value: string }[] }[];

function containersOf(object: Record<string, unknown>): Containers {
  return (object.spec as { template: { spec: { containers: Containers } } }).template.spec.containers;
}

async function configMap(t: Parameters<Parameters<typeof conformance>[1]>[0]) {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  await api.create(c, { metadata: { name: 'a', labels: { keep: 'yes', drop: 'yes' } }, data: { one: '1', two: '2' } });
  return { api, c };
}

conformance('a JSON patch adds, replaces and removes', async (t) => {
  const { api, c } = await configMap(t);
  const patched = await api.patch(c, 'a', 'json', [
    { op: 'add', path: '/data/three', value: '3' },
    { op: 'replace', path: '/data/one', value: 'uno' },
    { op: 'remove', path: '/data/two' },
  ]);
  expect(patched.data).toEqual({ one: 'uno', three: '3' });
});

conformance('a JSON patch test operation that fails answers 422 and changes nothing', async (t) => {
  const { api, c } = await configMap(t);
  const status = await failure(
    api.patch(c, 'a', 'json', [
      { op: 'test', path: '/data/one', value: 'x' },
      { op: 'remove', path: '/data/two' },
    ]),
  );
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect((await api.get(c, 'a')).data).toEqual({ one: '1', two: '2' });
});

conformance('a JSON patch removing a missing path answers 422', async (t) => {
  const { api, c } = await configMap(t);
  const status = await failure(api.patch(c, 'a', 'json', [{ op: 'remove', path: '/data/nope' }]));
  expect(status.code).toBe(422);
});

conformance('a JSON patch test of metadata.resourceVersion guards a write', async (t) => {
  const { api, c } = await configMap(t);
  const current = await api.get(c, 'a');
  const patched = await api.patch(c, 'a', 'json', [
    { op: 'test', path: '/metadata/resourceVersion', value: current.metadata?.resourceVersion },
    { op: 'add', path: '/data/three', value: '3' },
  ]);
  expect(patched.data).toMatchObject({ three: '3' });
});

conformance('a merge patch merges maps and deletes keys set to null', async (t) => {
  const { api, c } = await configMap(t);
  const patched = await api.patch(c, 'a', 'merge', {
    metadata: { labels: { drop: null, add: 'yes' } },
    data: { two: null, three: '3' },
  });
  expect(patched.metadata?.labels).toEqual({ keep: 'yes', add: 'yes' });
  expect(patched.data).toEqual({ one: '1', three: '3' });
});

conformance('a merge patch with a stale resourceVersion fails 409 Conflict', async (t) => {
  const { api, c } = await configMap(t);
  const current = await api.get(c, 'a');
  await api.patch(c, 'a', 'merge', { data: { one: 'changed' } });
  const status = await failure(
    api.patch(c, 'a', 'merge', {
      metadata: { resourceVersion: current.metadata?.resourceVersion },
      data: { one: 'x' },
    }),
  );
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
});

conformance('a merge patch of a missing object fails 404 NotFound', async (t) => {
  const { api, c } = await configMap(t);
  const status = await failure(api.patch(c, 'missing', 'merge', { data: { a: 'b' } }));
  expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "missing" not found' });
});

conformance('a merge patch replaces lists whole', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  const patched = await api.patch(deployments(ns), 'd', 'merge', {
    spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox' }] } } },
  });
  expect(containersOf(patched).map((c) => c.name)).toEqual(['only']);
});

conformance('a strategic merge patch merges containers by name', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  const patched = await api.patch(deployments(ns), 'd', 'strategic', {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'side', image: 'nginx:2' },
            { name: 'extra', image: 'redis' },
          ],
        },
      },
    },
  });
  const containers = containersOf(patched);
  expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['main=busybox', 'side=nginx:2', 'extra=redis']);
});

conformance('a strategic merge patch merges env entries by name inside a container', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  const patched = await api.patch(deployments(ns), 'd', 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } },
  });
  // A patch item the server list lacks goes before the server-only items it meets.
  expect(containersOf(patched)[0]?.env?.map((e) => e.name)).toEqual(['B', 'A']);
});

conformance('a strategic merge patch $patch: delete removes a container by name', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  const patched = await api.patch(deployments(ns), 'd', 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } },
  });
  expect(containersOf(patched).map((c) => c.name)).toEqual(['main']);
});

conformance('a strategic merge patch of finalizers unions them', async (t) => {
  const { api, c } = await configMap(t);
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: ['example.com/one'] } });
  const patched = await api.patch(c, 'a', 'strategic', { metadata: { finalizers: ['example.com/two'] } });
  expect(patched.metadata?.finalizers).toEqual(['example.com/two', 'example.com/one']);
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
});

conformance('a strategic merge patch on maps behaves as a merge patch', async (t) => {
  const { api, c } = await configMap(t);
  const patched = await api.patch(c, 'a', 'strategic', { metadata: { labels: { drop: null } }, data: { three: '3' } });
  expect(patched.metadata?.labels).toEqual({ keep: 'yes' });
  expect(patched.data).toEqual({ one: '1', two: '2', three: '3' });
});

conformance('a strategic merge patch replaces lists without a patch strategy (tolerations)', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const body = deployment('d');
  (body.spec.template.spec as Record<string, unknown>).tolerations = [{ key: 'a', operator: 'Exists' }];
  await api.create(deployments(ns), body);
  const patched = await api.patch(deployments(ns), 'd', 'strategic', {
    spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } },
  });
  expect(
    (patched.spec as { template: { spec: { tolerations: { key: string }[] } } }).template.spec.tolerations.map(
      (x) => x.key,
    ),
  ).toEqual(['b']);
});

conformance('a strategic merge patch on a custom resource fails 415 UnsupportedMediaType', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const status = await failure(api.patch(widgets(ns), 'w', 'strategic', { spec: { size: 3 } }));
  expect(status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
});

conformance('a merge patch on a custom resource is validated against its schema', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const status = await failure(api.patch(widgets(ns), 'w', 'merge', { spec: { size: 'big' } }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.details?.causes?.[0]?.field).toBe('spec.size');
});

conformance('a JSON patch on a custom resource applies', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const patched = await api.patch(widgets(ns), 'w', 'json', [{ op: 'replace', path: '/spec/size', value: 7 }]);
  expect(patched.spec).toMatchObject({ size: 7 });
});
