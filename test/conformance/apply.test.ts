// Conformance: server-side apply — create, field ownership in managedFields, conflicts, force, removal of unapplied fields.
import { expect } from 'vitest';
import { Api, type Collection, core, failure, grouped } from './support/api.js';
import { conformance, type Target } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

interface Entry {
  manager: string;
  operation: string;
  fieldsV1: unknown;
}

function entries(object: { metadata?: { managedFields?: readonly unknown[] } }): Entry[] {
  return (object.metadata?.managedFields ?? []) as Entry[];
}

async function setup(t: Target): Promise<{ api: Api; c: Collection }> {
  const api = new Api(t);
  return { api, c: core('configmaps', await t.namespace()) };
}

function cm(data: Record<string, string>, labels?: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', ...(labels ? { labels } : {}) }, data };
}

conformance('apply creates a missing object and records an Apply entry', async (t) => {
  const { api, c } = await setup(t);
  const created = await api.apply(c, 'a', cm({ k: 'v' }, { app: 'x' }), 'alice');
  expect(created.data).toEqual({ k: 'v' });
  expect(entries(created)).toEqual([
    expect.objectContaining({
      manager: 'alice',
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
    }),
  ]);
});

conformance('applying the same configuration again changes nothing', async (t) => {
  const { api, c } = await setup(t);
  const first = await api.apply(c, 'a', cm({ k: 'v' }), 'alice');
  const second = await api.apply(c, 'a', cm({ k: 'v' }), 'alice');
  expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
});

conformance('a field the manager stops applying is removed', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ one: '1', two: '2' }), 'alice');
  const applied = await api.apply(c, 'a', cm({ one: '1' }), 'alice');
  expect(applied.data).toEqual({ one: '1' });
});

conformance('a field another manager also owns survives when one stops applying it', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ shared: 's' }), 'alice');
  await api.apply(c, 'a', cm({ shared: 's' }), 'bob');
  const applied = await api.apply(c, 'a', cm({}), 'alice');
  expect(applied.data).toEqual({ shared: 's' });
});

conformance('two managers applying different fields both keep theirs', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ mine: 'a' }), 'alice');
  const applied = await api.apply(c, 'a', cm({ yours: 'b' }), 'bob');
  expect(applied.data).toEqual({ mine: 'a', yours: 'b' });
  expect(
    entries(applied)
      .map((e) => e.manager)
      .sort(),
  ).toEqual(['alice', 'bob']);
});

conformance('applying a value another manager owns fails 409 Conflict naming the manager and field', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ k: 'alice' }), 'alice');
  const status = await failure(api.apply(c, 'a', cm({ k: 'bob' }), 'bob'));
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  expect(status.message).toBe('Apply failed with 1 conflict: conflict with "alice": .data.k');
  expect(status.details?.causes).toEqual([
    { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.k' },
  ]);
});

conformance('a conflict with an Update manager names it with its apiVersion', async (t) => {
  const { api, c } = await setup(t);
  await api.create(c, { metadata: { name: 'a' }, data: { k: 'created' } }, { fieldManager: 'creator' });
  const status = await failure(api.apply(c, 'a', cm({ k: 'applied' }), 'alice'));
  expect(status.message).toBe('Apply failed with 1 conflict: conflict with "creator" using v1: .data.k');
});

conformance('applying the same value another manager owns is not a conflict: they share it', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ k: 'same' }), 'alice');
  const applied = await api.apply(c, 'a', cm({ k: 'same' }), 'bob');
  expect(
    entries(applied)
      .map((e) => e.manager)
      .sort(),
  ).toEqual(['alice', 'bob']);
});

conformance('force takes the conflicting field over', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ k: 'alice', other: 'o' }), 'alice');
  const applied = await api.apply(c, 'a', cm({ k: 'bob' }), 'bob', true);
  expect(applied.data).toEqual({ k: 'bob', other: 'o' });
  const alice = entries(applied).find((e) => e.manager === 'alice');
  expect(alice?.fieldsV1).toEqual({ 'f:data': { 'f:other': {} } });
});

conformance('an update by another manager takes ownership of the fields it changes', async (t) => {
  const { api, c } = await setup(t);
  await api.apply(c, 'a', cm({ k: 'v', other: 'o' }), 'alice');
  const updated = await api.patch(c, 'a', 'merge', { data: { k: 'changed' } }, { fieldManager: 'editor' });
  const alice = entries(updated).find((e) => e.manager === 'alice');
  expect(alice?.fieldsV1).toEqual({ 'f:data': { 'f:other': {} } });
  expect(entries(updated).find((e) => e.manager === 'editor')?.operation).toBe('Update');
});

conformance('apply without fieldManager fails 422 Invalid naming fieldManager', async (t) => {
  const { api, c } = await setup(t);
  const status = await failure(api.patch(c, 'a', 'apply', cm({ k: 'v' })));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.details?.causes?.[0]?.field).toBe('fieldManager');
});

conformance('apply creates a custom resource and validates it', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.apply(widgets(ns), 'w', widget('w', { size: 2 }), 'alice');
  expect(created.spec).toMatchObject({ size: 2 });
  const status = await failure(api.apply(widgets(ns), 'w', widget('w', { size: -1 }), 'alice'));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
});

conformance('apply to the status subresource changes only status and records subresource', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const applied = await api.patch(
    widgets(ns),
    'w',
    'apply',
    { ...widget('w', { size: 9 }), status: { ready: true } },
    { fieldManager: 'ctrl' },
    'status',
  );
  expect(applied.spec).toMatchObject({ size: 1 });
  expect(applied.status).toEqual({ ready: true });
  expect(entries(applied).find((e) => e.manager === 'ctrl')).toMatchObject({
    operation: 'Apply',
    subresource: 'status',
  });
});

conformance('apply merges a Deployment container list by name', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = grouped('apps', 'v1', 'deployments', ns);
  const body = (containers: unknown[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers } },
    },
  });
  await api.apply(c, 'd', body([{ name: 'main', image: 'busybox' }]), 'alice');
  const applied = await api.apply(c, 'd', body([{ name: 'side', image: 'nginx' }]), 'bob');
  const names = (
    applied.spec as { template: { spec: { containers: { name: string }[] } } }
  ).template.spec.containers.map((x) => x.name);
  expect(names.sort()).toEqual(['main', 'side']);
});

function deploymentApply(containers: unknown[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers } },
    },
  };
}

function containersOf(object: Record<string, unknown>): { name: string; image: string }[] {
  return (object.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec
    .containers;
}

conformance('apply records keyed list items as k:{"name":…} with their fields', async (t) => {
  const api = new Api(t);
  const c = grouped('apps', 'v1', 'deployments', await t.namespace());
  const applied = await api.apply(c, 'd', deploymentApply([{ name: 'main', image: 'busybox' }]), 'alice');
  const fields = entries(applied).find((e) => e.manager === 'alice')?.fieldsV1 as Record<
    string,
    Record<string, unknown>
  >;
  const template = fields['f:spec']?.['f:template'] as Record<string, Record<string, unknown>>;
  expect(template['f:spec']?.['f:containers']).toEqual({
    'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {} },
  });
});

conformance('applying another image for a container someone else applied conflicts on that field', async (t) => {
  const api = new Api(t);
  const c = grouped('apps', 'v1', 'deployments', await t.namespace());
  await api.apply(c, 'd', deploymentApply([{ name: 'main', image: 'busybox' }]), 'alice');
  const status = await failure(api.apply(c, 'd', deploymentApply([{ name: 'main', image: 'nginx' }]), 'bob'));
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  expect(status.details?.causes?.map((cause) => cause.field)).toContain(
    '.spec.template.spec.containers[name="main"].image',
  );
});

conformance('a container the manager stops applying is removed', async (t) => {
  const api = new Api(t);
  const c = grouped('apps', 'v1', 'deployments', await t.namespace());
  await api.apply(
    c,
    'd',
    deploymentApply([
      { name: 'main', image: 'busybox' },
      { name: 'side', image: 'nginx' },
    ]),
    'alice',
  );
  const applied = await api.apply(c, 'd', deploymentApply([{ name: 'main', image: 'busybox' }]), 'alice');
  expect(containersOf(applied).map((x) => x.name)).toEqual(['main']);
});

conformance('forcing a container image takes that field only', async (t) => {
  const api = new Api(t);
  const c = grouped('apps', 'v1', 'deployments', await t.namespace());
  await api.apply(c, 'd', deploymentApply([{ name: 'main', image: 'busybox' }]), 'alice');
  const applied = await api.patch(c, 'd', 'apply', deploymentApply([{ name: 'main', image: 'nginx' }]), {
    fieldManager: 'bob',
    force: true,
  });
  expect(containersOf(applied)).toEqual([expect.objectContaining({ name: 'main', image: 'nginx' })]);
});

conformance('finalizers applied by two managers are a set: both stay', async (t) => {
  const { api, c } = await setup(t);
  const withFinalizer = (finalizer: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', finalizers: [finalizer] },
  });
  await api.apply(c, 'a', withFinalizer('example.com/one'), 'alice');
  const applied = await api.apply(c, 'a', withFinalizer('example.com/two'), 'bob');
  expect([...(applied.metadata?.finalizers ?? [])].sort()).toEqual(['example.com/one', 'example.com/two']);
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
});

conformance('ownerReferences applied by two managers merge by uid', async (t) => {
  const { api, c } = await setup(t);
  const owner = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: `owner-${uid.slice(0, 4)}`, uid });
  const [one, two] = ['11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222'];
  const withOwner = (uid: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', ownerReferences: [owner(uid)] },
  });
  await api.apply(c, 'a', withOwner(one), 'alice');
  const applied = await api.apply(c, 'a', withOwner(two), 'bob');
  expect(applied.metadata?.ownerReferences?.map((ref) => ref.uid).sort()).toEqual([one, two]);
});
