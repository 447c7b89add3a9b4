// Conformance: the status subresource keeps spec and status writes apart; the scale subresource of Deployments and CRs.
import { expect } from 'vitest';
import { Api, failure, grouped } from './support/api.js';
import { conformance } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

const deployments = (ns: string) => grouped('apps', 'v1', 'deployments', ns);

function deployment(name: string, replicas = 1) {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

conformance('a custom resource create drops status when status is a subresource', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), { ...widget('w'), status: { ready: true } });
  expect(created.status).toBeUndefined();
});

conformance('an update of the main resource ignores status', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), widget('w'));
  const updated = await api.update(widgets(ns), 'w', { ...created, spec: { size: 2 }, status: { ready: true } });
  expect(updated.spec).toMatchObject({ size: 2 });
  expect(updated.status).toBeUndefined();
});

conformance('a status update ignores spec and sets status', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), widget('w'));
  const updated = await api.update(
    widgets(ns),
    'w',
    { ...created, spec: { size: 9 }, status: { ready: true } },
    {},
    'status',
  );
  expect(updated.spec).toMatchObject({ size: 1 });
  expect(updated.status).toEqual({ ready: true });
});

conformance('a status update with a stale resourceVersion fails 409 Conflict', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), widget('w'));
  await api.patch(widgets(ns), 'w', 'merge', { spec: { size: 2 } });
  const status = await failure(api.update(widgets(ns), 'w', { ...created, status: { ready: true } }, {}, 'status'));
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
});

conformance('a status patch leaves labels of a custom resource alone', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const patched = await api.patch(
    widgets(ns),
    'w',
    'merge',
    { metadata: { labels: { a: 'b' } }, status: { ready: true } },
    {},
    'status',
  );
  expect(patched.metadata?.labels).toBeUndefined();
  expect(patched.status).toEqual({ ready: true });
});

conformance('get of the status subresource returns the whole object', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const read = await api.getSub(widgets(ns), 'w', 'status');
  expect(read).toMatchObject({ kind: 'Widget', spec: { size: 1 } });
});

conformance('a Deployment update keeps the status the status subresource wrote', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  await api.patch(deployments(ns), 'd', 'merge', { status: { observedGeneration: 1, replicas: 0 } }, {}, 'status');
  const updated = await api.patch(deployments(ns), 'd', 'merge', {
    spec: { replicas: 2 },
    status: { observedGeneration: 7 },
  });
  expect((updated.status as Record<string, unknown>).observedGeneration).toBe(1);
});

conformance('the scale of a Deployment reports spec.replicas and its selector', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d', 3));
  const scale = await api.getSub(deployments(ns), 'd', 'scale');
  expect(scale).toMatchObject({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    spec: { replicas: 3 },
    status: { selector: 'app=d' },
  });
  expect(scale.metadata?.name).toBe('d');
});

conformance('updating the scale of a Deployment sets spec.replicas', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d', 1));
  const scale = await api.getSub(deployments(ns), 'd', 'scale');
  await api.update(deployments(ns), 'd', { ...scale, spec: { replicas: 5 } }, {}, 'scale');
  expect((await api.get(deployments(ns), 'd')).spec).toMatchObject({ replicas: 5 });
});

conformance('patching the scale of a Deployment sets spec.replicas', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d', 1));
  const scale = await api.patch(deployments(ns), 'd', 'merge', { spec: { replicas: 4 } }, {}, 'scale');
  expect(scale.spec).toEqual({ replicas: 4 });
});

conformance('a scale update with a stale resourceVersion fails 409 Conflict', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d', 1));
  const scale = await api.getSub(deployments(ns), 'd', 'scale');
  await api.patch(deployments(ns), 'd', 'merge', { metadata: { labels: { a: 'b' } } });
  const status = await failure(api.update(deployments(ns), 'd', { ...scale, spec: { replicas: 5 } }, {}, 'scale'));
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
});

conformance('the scale of a custom resource follows its CRD paths', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w', { size: 1, replicas: 2 }));
  await api.patch(widgets(ns), 'w', 'merge', { status: { replicas: 1, selector: 'app=w' } }, {}, 'status');
  const scale = await api.getSub(widgets(ns), 'w', 'scale');
  expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 1, selector: 'app=w' } });
  await api.patch(widgets(ns), 'w', 'merge', { spec: { replicas: 6 } }, {}, 'scale');
  expect((await api.get(widgets(ns), 'w')).spec).toMatchObject({ replicas: 6 });
});

conformance('a ConfigMap has no status subresource: 404', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(grouped('', 'v1', 'configmaps', ns), { metadata: { name: 'a' } });
  const status = await failure(api.getSub(grouped('', 'v1', 'configmaps', ns), 'a', 'status'));
  expect(status.code).toBe(404);
});
