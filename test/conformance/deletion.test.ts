// Conformance: delete responses, finalizers and deletionTimestamp, preconditions, dryRun, namespaces, garbage collection.
import { expect } from 'vitest';
import { StatusError } from '../../src/client/rest/status-error.js';
import { Api, core, failure, grouped } from './support/api.js';
import { conformance } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

const finalizer = 'conformance.kubeloop.dev/hold';

conformance('deleting a ConfigMap answers a Success Status with its name, kind and uid', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  const created = await api.create(c, { metadata: { name: 'a' } });
  const answer = await api.delete(c, 'a');
  expect(answer).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: 'a', kind: 'configmaps', uid: created.metadata?.uid },
  });
});

conformance('deleting a custom resource answers a Success Status naming its group', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), widget('w'));
  const answer = await api.delete(widgets(ns), 'w');
  expect(answer).toMatchObject({
    kind: 'Status',
    status: 'Success',
    details: { name: 'w', group: 'conformance.kubeloop.dev', kind: 'widgets', uid: created.metadata?.uid },
  });
});

conformance('deleting an object with a finalizer answers the object', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), { ...widget('w'), metadata: { name: 'w', finalizers: [finalizer] } });
  const answer = await api.delete(widgets(ns), 'w');
  expect(answer).toMatchObject({ kind: 'Widget', metadata: { name: 'w', finalizers: [finalizer] } });
  await api.patch(widgets(ns), 'w', 'merge', { metadata: { finalizers: null } });
});

conformance('an object with a finalizer is marked with deletionTimestamp and stays', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  await api.create(c, { metadata: { name: 'a', finalizers: [finalizer] } });
  const answer = await api.delete(c, 'a');
  expect(answer.metadata?.deletionTimestamp).toEqual(expect.any(String));
  expect((answer.metadata as Record<string, unknown>).deletionGracePeriodSeconds).toBe(0);
  const read = await api.get(c, 'a');
  expect(read.metadata?.deletionTimestamp).toBe(answer.metadata?.deletionTimestamp);
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
});

conformance('removing the last finalizer of a deleted object removes it', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  await api.create(c, { metadata: { name: 'a', finalizers: [finalizer] } });
  await api.delete(c, 'a');
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
  expect((await failure(api.get(c, 'a'))).code).toBe(404);
});

conformance(
  'a watch sees MODIFIED for the deletionTimestamp, then only DELETED (the last stored state) when the last finalizer goes',
  async (t) => {
    const api = new Api(t);
    const c = core('configmaps', await t.namespace());
    const created = await api.create(c, { metadata: { name: 'a', finalizers: [finalizer] } });
    const watch = await api.watch(c, { resourceVersion: created.metadata?.resourceVersion });
    await api.delete(c, 'a');
    await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
    const events = [await watch.next(), await watch.next()];
    watch.close();
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(events[0]?.object.metadata?.deletionTimestamp).toEqual(expect.any(String));
    // The DELETED event carries the last stored state: the finalizer is still listed.
    expect(events[1]?.object.metadata?.finalizers).toEqual([finalizer]);
  },
);

conformance('a deleting object cannot gain a new finalizer: 422', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  await api.create(c, { metadata: { name: 'a', finalizers: [finalizer] } });
  await api.delete(c, 'a');
  const status = await failure(
    api.patch(c, 'a', 'merge', { metadata: { finalizers: [finalizer, 'example.com/other'] } }),
  );
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.details?.causes?.[0]?.field).toBe('metadata.finalizers');
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
});

conformance('deleting a deleting object again keeps its deletionTimestamp', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  await api.create(c, { metadata: { name: 'a', finalizers: [finalizer] } });
  const first = await api.delete(c, 'a');
  const second = await api.delete(c, 'a');
  expect(second.metadata?.deletionTimestamp).toBe(first.metadata?.deletionTimestamp);
  await api.patch(c, 'a', 'merge', { metadata: { finalizers: null } });
});

conformance('a uid precondition that does not match fails 409 Conflict', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  await api.create(c, { metadata: { name: 'a' } });
  const status = await failure(api.delete(c, 'a', { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } }));
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  expect(status.message).toMatch(
    /^Operation cannot be fulfilled on ConfigMap "a": the UID in the precondition \(0{8}-0{4}-0{4}-0{4}-0{12}\) does not match/,
  );
});

conformance('a resourceVersion precondition that does not match fails 409 Conflict', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  const created = await api.create(c, { metadata: { name: 'a' } });
  await api.patch(c, 'a', 'merge', { data: { k: 'v' } });
  const status = await failure(
    api.delete(c, 'a', { preconditions: { resourceVersion: created.metadata?.resourceVersion } }),
  );
  expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  expect(status.message).toContain(
    `the ResourceVersion in the precondition (${created.metadata?.resourceVersion}) does not match`,
  );
});

conformance('matching preconditions delete', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  const created = await api.create(c, { metadata: { name: 'a' } });
  await api.delete(c, 'a', {
    preconditions: { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion },
  });
  expect((await failure(api.get(c, 'a'))).code).toBe(404);
});

conformance('a dry-run create answers the object but stores nothing', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  const answer = await api.create(c, { metadata: { name: 'a' }, data: { k: 'v' } }, { dryRun: 'All' });
  expect(answer).toMatchObject({ kind: 'ConfigMap', data: { k: 'v' } });
  expect(answer.metadata?.uid).toEqual(expect.any(String));
  expect((await failure(api.get(c, 'a'))).code).toBe(404);
});

conformance('a dry-run update answers the change but stores nothing', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  const created = await api.create(c, { metadata: { name: 'a' }, data: { k: 'v' } });
  const answer = await api.update(c, 'a', { ...created, data: { k: 'changed' } }, { dryRun: 'All' });
  expect(answer.data).toEqual({ k: 'changed' });
  expect((await api.get(c, 'a')).data).toEqual({ k: 'v' });
});

conformance('a dry-run patch validates like a real one', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const status = await failure(api.patch(widgets(ns), 'w', 'merge', { spec: { color: 'green' } }, { dryRun: 'All' }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
});

conformance('a dry-run delete keeps the object', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  await api.create(c, { metadata: { name: 'a' } });
  await api.delete(c, 'a', { dryRun: ['All'] });
  expect((await api.get(c, 'a')).metadata?.name).toBe('a');
});

conformance('an unknown dryRun value fails 422 Invalid naming dryRun', async (t) => {
  const api = new Api(t);
  const c = core('configmaps', await t.namespace());
  const status = await failure(api.create(c, { metadata: { name: 'a' } }, { dryRun: 'Some' }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.details?.causes?.[0]?.field).toBe('dryRun');
});

conformance('a new namespace is Active with the kubernetes finalizer and its name label', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const read = await api.get(core('namespaces'), ns);
  expect(read.status).toEqual({ phase: 'Active' });
  expect(read.spec).toEqual({ finalizers: ['kubernetes'] });
  expect(read.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': ns });
});

conformance('deleting a namespace marks it Terminating and refuses new objects in it: 403 Forbidden', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(core('configmaps', ns), { metadata: { name: 'held', finalizers: [finalizer] } });
  const answer = await api.delete(core('namespaces'), ns);
  expect(answer.status).toMatchObject({ phase: 'Terminating' });
  expect(answer.metadata?.deletionTimestamp).toEqual(expect.any(String));
  const status = await failure(api.create(core('configmaps', ns), { metadata: { name: 'late' } }));
  expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
  expect(status.message).toContain(`because it is being terminated`);
  await api.patch(core('configmaps', ns), 'held', 'merge', { metadata: { finalizers: null } });
});

conformance(
  'a dependent whose owner is deleted is garbage collected (background)',
  async (t) => {
    const api = new Api(t);
    const c = core('configmaps', await t.namespace());
    const owner = await api.create(c, { metadata: { name: 'owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid };
    await api.create(c, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    await api.delete(c, 'owner');
    await api.eventually(
      () =>
        api.get(c, 'dependent').then(
          () => 'present',
          () => 'gone',
        ),
      (state) => state === 'gone',
    );
  },
  { needs: 'controllers' },
);

conformance(
  'a dependent created with an owner that does not exist is garbage collected',
  async (t) => {
    const api = new Api(t);
    const c = core('configmaps', await t.namespace());
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '33333333-3333-3333-3333-333333333333' };
    await api.create(c, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    await api.eventually(
      () =>
        api.get(c, 'dependent').then(
          () => 'present',
          () => 'gone',
        ),
      (state) => state === 'gone',
    );
  },
  { needs: 'controllers' },
);

conformance(
  'foreground deletion waits for dependents, then removes the owner',
  async (t) => {
    const api = new Api(t);
    const c = core('configmaps', await t.namespace());
    const owner = await api.create(c, { metadata: { name: 'owner' } });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata?.uid,
      blockOwnerDeletion: true,
    };
    await api.create(c, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    const answer = await api.delete(c, 'owner', { propagationPolicy: 'Foreground' });
    expect(answer.metadata?.finalizers).toEqual(['foregroundDeletion']);
    // Only the two objects of the case count: a real cluster also publishes kube-root-ca.crt in every namespace.
    await api.eventually(
      () => api.list(c),
      (list) => !list.items.some((item) => ['owner', 'dependent'].includes(item.metadata?.name ?? '')),
    );
  },
  { needs: 'controllers' },
);

conformance(
  'orphan deletion removes the owner and strips the reference from dependents',
  async (t) => {
    const api = new Api(t);
    const c = core('configmaps', await t.namespace());
    const owner = await api.create(c, { metadata: { name: 'owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid };
    await api.create(c, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    await api.delete(c, 'owner', { propagationPolicy: 'Orphan' });
    const dependent = await api.eventually(
      () => api.get(c, 'dependent'),
      (object) => object.metadata?.ownerReferences === undefined,
    );
    expect(dependent.metadata?.name).toBe('dependent');
    // The garbage collector strips the dependents first, then lifts the owner's orphan finalizer: poll for its end.
    const code = await api.eventually(
      () =>
        api.get(c, 'owner').then(
          () => 200,
          (error: unknown) => (error instanceof StatusError ? error.statusCode : 0),
        ),
      (status) => status === 404,
    );
    expect(code).toBe(404);
  },
  { needs: 'controllers' },
);

conformance('a Deployment delete answers a Success Status naming the group', async (t) => {
  const api = new Api(t);
  const c = grouped('apps', 'v1', 'deployments', await t.namespace());
  await api.create(c, {
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    },
  });
  const answer = await api.delete(c, 'd');
  expect(answer).toMatchObject({
    kind: 'Status',
    status: 'Success',
    details: { name: 'd', group: 'apps', kind: 'deployments' },
  });
});

function pod(name: string, nodeName?: string) {
  return {
    metadata: { name },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
  };
}

conformance('deleting an unscheduled Pod answers the Pod and removes it at once', async (t) => {
  const api = new Api(t);
  const c = core('pods', await t.namespace());
  await api.create(c, pod('p'));
  const answer = await api.delete(c, 'p');
  expect(answer).toMatchObject({ kind: 'Pod', metadata: { name: 'p' } });
  expect((await failure(api.get(c, 'p'))).code).toBe(404);
});

conformance('deleting a Pod bound to a node waits its 30 s grace period for the kubelet', async (t) => {
  const api = new Api(t);
  const c = core('pods', await t.namespace());
  await api.create(c, pod('p', 'node-a'));
  const answer = await api.delete(c, 'p');
  expect((answer.metadata as Record<string, unknown>).deletionGracePeriodSeconds).toBe(30);
  const read = await api.get(c, 'p');
  expect(read.metadata?.deletionTimestamp).toEqual(expect.any(String));
});

conformance('gracePeriodSeconds=0 deletes a bound Pod at once', async (t) => {
  const api = new Api(t);
  const c = core('pods', await t.namespace());
  await api.create(c, pod('p', 'node-a'));
  await api.delete(c, 'p', { gracePeriodSeconds: 0 });
  expect((await failure(api.get(c, 'p'))).code).toBe(404);
});

conformance('fieldSelector spec.nodeName selects Pods by node', async (t) => {
  const api = new Api(t);
  const c = core('pods', await t.namespace());
  await api.create(c, pod('a', 'node-a'));
  await api.create(c, pod('b', 'node-b'));
  await api.create(c, pod('unbound'));
  const names = async (selector: string) =>
    (await api.list(c, { fieldSelector: selector })).items.map((i) => i.metadata?.name);
  expect(await names('spec.nodeName=node-a')).toEqual(['a']);
  expect(await names('spec.nodeName=')).toEqual(['unbound']);
});
