// Conformance: names, generateName, generation, no-op writes, immutable metadata and the Invalid/BadRequest Statuses.
import { expect } from 'vitest';
import { Api, core, failure, grouped } from './support/api.js';
import { conformance, knownDifference } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

const deployments = (ns: string) => grouped('apps', 'v1', 'deployments', ns);

function deployment(name: string, image = 'busybox') {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

conformance('generateName appends five random characters', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(core('configmaps', ns), { metadata: { generateName: 'gen-' } });
  expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  expect(created.metadata?.generateName).toBe('gen-');
});

conformance('a name that is not a DNS subdomain fails 422 Invalid with a metadata.name cause', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const status = await failure(api.create(core('configmaps', ns), { metadata: { name: 'Bad_Name' } }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.message).toMatch(
    /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
  );
  expect(status.details).toMatchObject({
    name: 'Bad_Name',
    kind: 'ConfigMap',
    causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }],
  });
});

conformance('a grouped kind names itself Kind.group in Invalid messages', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const status = await failure(
    api.create(grouped('coordination.k8s.io', 'v1', 'leases', ns), { metadata: { name: 'UPPER' } }),
  );
  expect(status.message).toMatch(/^Lease.coordination.k8s.io "UPPER" is invalid: metadata.name/);
  expect(status.details).toMatchObject({ group: 'coordination.k8s.io', kind: 'Lease' });
});

conformance('no name and no generateName fails 422 Required value', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const status = await failure(api.create(core('configmaps', ns), { metadata: {} }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.details?.causes).toEqual([
    {
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    },
  ]);
});

conformance('a namespace name must be a DNS label (no dots)', async (t) => {
  const api = new Api(t);
  const status = await failure(api.create(core('namespaces'), { metadata: { name: 'a.b' } }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
});

conformance('a body namespace different from the path fails 400 BadRequest', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const status = await failure(api.create(core('configmaps', ns), { metadata: { name: 'x', namespace: 'other' } }));
  expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  expect(status.message).toContain(
    'the namespace of the provided object does not match the namespace sent on the request',
  );
});

conformance('an update naming another object than the path fails 400 BadRequest', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' } });
  const status = await failure(
    api.update(core('configmaps', ns), 'a', { ...created, metadata: { ...created.metadata, name: 'b' } }),
  );
  expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  expect(status.message).toContain('the name of the object (b) does not match the name on the URL (a)');
});

conformance('creating in a namespace that does not exist fails 404 naming the namespace', async (t) => {
  const api = new Api(t);
  const status = await failure(api.create(core('configmaps', 'no-such-namespace'), { metadata: { name: 'x' } }));
  expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "no-such-namespace" not found' });
});

conformance('an update without resourceVersion is unconditional for a ConfigMap', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(core('configmaps', ns), { metadata: { name: 'a' }, data: { k: '1' } });
  const updated = await api.update(core('configmaps', ns), 'a', { metadata: { name: 'a' }, data: { k: '2' } });
  expect(updated.data).toEqual({ k: '2' });
});

conformance('an update that changes nothing keeps the resourceVersion', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' }, data: { k: '1' } });
  const same = await api.update(core('configmaps', ns), 'a', created);
  expect(same.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
});

conformance('an update with another uid fails 409 Conflict (a precondition)', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' } });
  const other = { ...created, metadata: { ...created.metadata, uid: '00000000-0000-0000-0000-000000000000' } };
  const status = await failure(api.update(core('configmaps', ns), 'a', other));
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  expect(status.message).toContain('Precondition failed: UID in precondition');
});

conformance('uid and creationTimestamp survive an update that tries to change them', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' } });
  const { uid: _uid, ...meta } = created.metadata ?? {};
  const updated = await api.update(core('configmaps', ns), 'a', {
    ...created,
    metadata: { ...meta, creationTimestamp: '2000-01-01T00:00:00Z', labels: { a: 'b' } },
  });
  expect(updated.metadata?.uid).toBe(created.metadata?.uid);
  expect(updated.metadata?.creationTimestamp).toBe(created.metadata?.creationTimestamp);
});

conformance('ConfigMaps carry no generation', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' } });
  expect(created.metadata?.generation).toBeUndefined();
});

conformance('a Deployment starts at generation 1 and a spec change bumps it', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(deployments(ns), deployment('d'));
  expect(created.metadata?.generation).toBe(1);
  const updated = await api.patch(deployments(ns), 'd', 'merge', { spec: { replicas: 3 } });
  expect(updated.metadata?.generation).toBe(2);
});

conformance('a Deployment label change does not bump generation', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  const updated = await api.patch(deployments(ns), 'd', 'merge', { metadata: { labels: { a: 'b' } } });
  expect(updated.metadata?.generation).toBe(1);
});

conformance('a Deployment status write does not bump generation', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(deployments(ns), deployment('d'));
  const updated = await api.patch(deployments(ns), 'd', 'merge', { status: { observedGeneration: 1 } }, {}, 'status');
  expect(updated.metadata?.generation).toBe(1);
  expect((updated.status as Record<string, unknown>).observedGeneration).toBe(1);
});

conformance(
  'a Deployment gets its defaults (strategy, revisionHistoryLimit, progressDeadlineSeconds)',
  async (t) => {
    const api = new Api(t);
    const ns = await t.namespace();
    const created = await api.create(deployments(ns), deployment('d'));
    expect(created.spec).toMatchObject({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate' },
    });
  },
  {
    difference: knownDifference('built-in defaulting is not modelled', async (t) => {
      const api = new Api(t);
      const ns = await t.namespace();
      const created = await api.create(deployments(ns), deployment('d'));
      expect((created.spec as Record<string, unknown>).revisionHistoryLimit).toBeUndefined();
    }),
  },
);

conformance('a custom resource starts at generation 1; spec changes bump it, metadata changes do not', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), widget('w'));
  expect(created.metadata?.generation).toBe(1);
  const labelled = await api.patch(widgets(ns), 'w', 'merge', { metadata: { labels: { a: 'b' } } });
  expect(labelled.metadata?.generation).toBe(1);
  const resized = await api.patch(widgets(ns), 'w', 'merge', { spec: { size: 2 } });
  expect(resized.metadata?.generation).toBe(2);
});

conformance('managedFields record the creating manager as an Update', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const created = await api.create(
    core('configmaps', ns),
    { metadata: { name: 'a', labels: { x: 'y' } }, data: { k: 'v' } },
    { fieldManager: 'creator' },
  );
  expect(created.metadata?.managedFields).toEqual([
    expect.objectContaining({
      manager: 'creator',
      operation: 'Update',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } } },
    }),
  ]);
});

conformance('an Update by a second manager records its changed fields in its own entry', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(core('configmaps', ns), { metadata: { name: 'a' }, data: { k: 'v' } }, { fieldManager: 'one' });
  const updated = await api.patch(
    core('configmaps', ns),
    'a',
    'merge',
    { data: { other: 'x' } },
    { fieldManager: 'two' },
  );
  const two = ((updated.metadata?.managedFields ?? []) as { manager: string; fieldsV1: unknown }[]).find(
    (e) => e.manager === 'two',
  );
  expect(two?.fieldsV1).toEqual({ 'f:data': { 'f:other': {} } });
});

conformance(
  'an empty map of a built-in is dropped when stored (Go omitempty)',
  async (t) => {
    const api = new Api(t);
    const ns = await t.namespace();
    const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' }, data: {} });
    expect(created.data).toBeUndefined();
  },
  {
    difference: knownDifference(
      'built-in objects are stored as sent: empty optional maps and lists are kept',
      async (t) => {
        const api = new Api(t);
        const ns = await t.namespace();
        const created = await api.create(core('configmaps', ns), { metadata: { name: 'a' }, data: {} });
        expect(created.data).toEqual({});
      },
    ),
  },
);
