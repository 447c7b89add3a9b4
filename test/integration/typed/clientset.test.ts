import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadKubeConfig, restConfigFromKubeConfig } from '../../../src/client/config/index.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { Pod } from '../../../src/client/kubernetes/core-v1/index.js';
import { isNotFound, StatusError } from '../../../src/client/rest/index.js';
import { MissingNameError } from '../../../src/client/typed/index.js';

const plane = inject('controlPlane');
let clients: ClientSet;
let namespace: string;

/** A ClientSet for one context of the control plane's kubeconfig, loaded the way kubectl loads it. */
async function clientSetFor(context: string): Promise<ClientSet> {
  const loaded = await loadKubeConfig({ paths: [plane.kubeconfigPath] });
  return ClientSet.forConfig(restConfigFromKubeConfig(loaded, { context }));
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function pod(name: string, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'registry.invalid/pause:1' }] },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  clients = await clientSetFor(plane.adminContext);
  namespace = unique('typed');
  await clients
    .coreV1()
    .namespaces()
    .create({ metadata: { name: namespace } });
});

afterAll(async () => {
  await clients.coreV1().namespaces().delete(namespace);
});

describe('the typed ClientSet against the real apiserver', () => {
  it('creates, gets, updates and deletes a pod', async () => {
    const pods = clients.coreV1().pods(namespace);
    const created = await pods.create(pod('crud'));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.namespace).toBe(namespace);

    const read = await pods.get('crud');
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    expect(typeof read.metadata?.creationTimestamp).toBe('string');

    const updated = await pods.update({ ...read, metadata: { ...read.metadata, labels: { stage: 'updated' } } });
    expect(updated.metadata?.labels).toEqual({ stage: 'updated' });

    const stale = await rejection(pods.update(read));
    expect(stale).toBeInstanceOf(StatusError);
    expect((stale as StatusError).status.reason).toBe('Conflict');

    const deleted = await pods.delete('crud', { gracePeriodSeconds: 0 });
    expect(deleted).toMatchObject({ kind: 'Pod', metadata: { name: 'crud' } });
    const gone = await rejection(pods.get('crud'));
    expect(isNotFound(gone)).toBe(true);
  });

  it('lists pods by label selector, a page at a time with limit and continue, and across namespaces', async () => {
    const pods = clients.coreV1().pods(namespace);
    for (const i of [1, 2, 3]) await pods.create(pod(`page-${i}`, { set: 'paged' }));
    await pods.create(pod('other', { set: 'other' }));

    const selected = await pods.list({ labelSelector: 'set=paged' });
    expect(selected.items.map((p) => p.metadata?.name).sort()).toEqual(['page-1', 'page-2', 'page-3']);

    const first = await pods.list({ labelSelector: 'set=paged', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    const second = await pods.list({ labelSelector: 'set=paged', limit: 2, continue: first.metadata.continue ?? '' });
    expect(second.items).toHaveLength(1);
    expect(second.metadata.continue ?? '').toBe('');
    const names = [...first.items, ...second.items].map((p) => p.metadata?.name).sort();
    expect(names).toEqual(['page-1', 'page-2', 'page-3']);

    const everywhere = await clients.coreV1().pods().list({ labelSelector: 'set=paged' });
    const ours = everywhere.items.filter((p) => p.metadata?.namespace === namespace);
    expect(ours.map((p) => p.metadata?.name).sort()).toEqual(['page-1', 'page-2', 'page-3']);
  });

  it('replaces, patches and applies the status subresource without touching the spec', async () => {
    const pods = clients.coreV1().pods(namespace);
    const created = await pods.create(pod('status'));
    const withStatus = await pods.updateStatus({ ...created, status: { ...created.status, message: 'from update' } });
    expect(withStatus.status?.message).toBe('from update');

    const patched = await pods.patchStatus('status', 'merge', { status: { message: 'from patch' } });
    expect(patched.status?.message).toBe('from patch');
    expect(patched.spec?.containers[0]?.image).toBe('registry.invalid/pause:1');

    const applied = await pods.applyStatus(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'status' }, status: { reason: 'Applied' } },
      { fieldManager: 'typed-test', force: true },
    );
    expect(applied.status?.reason).toBe('Applied');
    const managers = (applied.metadata?.managedFields ?? []).map((f) => `${f.manager}/${f.subresource ?? ''}`);
    expect(managers).toContain('typed-test/status');
  });

  it('patches a pod with JSON, merge and strategic merge patches, and server-side apply', async () => {
    const pods = clients.coreV1().pods(namespace);
    await pods.create(pod('patched', { origin: 'create' }));

    const json = await pods.patch('patched', 'json', [{ op: 'add', path: '/metadata/labels/json', value: 'yes' }]);
    expect(json.metadata?.labels?.json).toBe('yes');

    const merge = await pods.patch('patched', 'merge', { metadata: { labels: { merge: 'yes' } } });
    expect(merge.metadata?.labels).toMatchObject({ json: 'yes', merge: 'yes' });

    const strategic = await pods.patch('patched', 'strategic', {
      spec: { containers: [{ name: 'main', image: 'registry.invalid/pause:2' }] },
    });
    expect(strategic.spec?.containers.map((c) => c.image)).toEqual(['registry.invalid/pause:2']);

    const applied = await pods.apply(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'patched', labels: { applied: 'yes' } } },
      { fieldManager: 'typed-apply' },
    );
    expect(applied.metadata?.labels).toMatchObject({ origin: 'create', applied: 'yes' });
    expect(applied.metadata?.managedFields?.some((f) => f.manager === 'typed-apply' && f.operation === 'Apply')).toBe(
      true,
    );
  });

  it('creates nothing on a dry run, and refuses an update of an object without a name before sending', async () => {
    const pods = clients.coreV1().pods(namespace);
    const dry = await pods.create(pod('dry'), { dryRun: true });
    expect(dry.metadata?.name).toBe('dry');
    expect(isNotFound(await rejection(pods.get('dry')))).toBe(true);

    const unnamed = await rejection(pods.update({ metadata: {}, spec: { containers: [] } }));
    expect(unnamed).toBeInstanceOf(MissingNameError);
  });

  it('deletes a collection of pods by label selector', async () => {
    const pods = clients.coreV1().pods(namespace);
    await pods.create(pod('doomed-1', { fate: 'doomed' }));
    await pods.create(pod('doomed-2', { fate: 'doomed' }));
    await pods.create(pod('spared', { fate: 'spared' }));

    const removed = await pods.deleteCollection({ labelSelector: 'fate=doomed', gracePeriodSeconds: 0 });
    expect(removed).toMatchObject({ kind: 'PodList' });
    const left = await pods.list({ labelSelector: 'fate' });
    expect(left.items.map((p) => p.metadata?.name)).toEqual(['spared']);
  });

  it('works with cluster-scoped resources without a namespace', async () => {
    const roles = clients.rbacV1().clusterRoles();
    const name = unique('typed-role');
    await roles.create({ metadata: { name }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    const read = await roles.get(name);
    expect(read.rules?.[0]?.verbs).toEqual(['get']);
    expect(read.metadata?.namespace).toBeUndefined();
    const listed = await roles.list({ fieldSelector: `metadata.name=${name}` });
    expect(listed.items.map((r) => r.metadata?.name)).toEqual([name]);
    expect(await roles.delete(name)).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(isNotFound(await rejection(roles.get(name)))).toBe(true);
  });

  it('reads, replaces and patches a deployment through its scale subresource', async () => {
    const deployments = clients.appsV1().deployments(namespace);
    const labels = { app: 'scaled' };
    await deployments.create({
      metadata: { name: 'scaled' },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.invalid/app:1' }] } },
      },
    });

    const scale = await deployments.getScale('scaled');
    expect(scale.kind).toBe('Scale');
    expect(scale.spec?.replicas).toBe(1);

    const updated = await deployments.updateScale('scaled', { ...scale, spec: { replicas: 3 } });
    expect(updated.spec?.replicas).toBe(3);
    expect((await deployments.get('scaled')).spec.replicas).toBe(3);

    const patched = await deployments.patchScale('scaled', 'merge', { spec: { replicas: 2 } });
    expect(patched.spec?.replicas).toBe(2);
    expect((await deployments.get('scaled')).spec.replicas).toBe(2);
  });

  it('evicts a pod that no PodDisruptionBudget covers', async () => {
    const pods = clients.coreV1().pods(namespace);
    await pods.create(pod('evicted'));
    const status = await pods.evict({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'evicted', namespace },
      deleteOptions: { gracePeriodSeconds: 0 },
    });
    expect(status.status).toBe('Success');
    expect(isNotFound(await rejection(pods.get('evicted')))).toBe(true);
  });

  it('binds a pod to a node, as a scheduler does', async () => {
    const nodeName = unique('typed-node');
    await clients
      .coreV1()
      .nodes()
      .create({ metadata: { name: nodeName } });
    try {
      const pods = clients.coreV1().pods(namespace);
      await pods.create(pod('bound'));
      const status = await pods.bind({
        metadata: { name: 'bound' },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      expect(status.status).toBe('Success');
      expect((await pods.get('bound')).spec?.nodeName).toBe(nodeName);
    } finally {
      await clients.coreV1().nodes().delete(nodeName);
    }
  });

  it('watches config maps through the typed client', async () => {
    const configMaps = clients.coreV1().configMaps(namespace);
    const { metadata } = await configMaps.list();
    const controller = new AbortController();
    const stream = await configMaps.watch({
      resourceVersion: metadata.resourceVersion ?? '',
      signal: controller.signal,
      timeoutSeconds: 60,
    });
    await configMaps.create({ metadata: { name: 'watched' }, data: { key: 'value' } });
    await configMaps.patch('watched', 'merge', { data: { key: 'changed' } });
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === 'ERROR') throw new Error(event.object.message);
      if (event.type === 'BOOKMARK') continue;
      seen.push(`${event.type} ${event.object.metadata?.name} ${event.object.data?.key}`);
      if (seen.length === 2) break;
    }
    stream.close();
    expect(seen).toEqual(['ADDED watched value', 'MODIFIED watched changed']);
  });

  it('streams the initial state then a bookmark with sendInitialEvents and allowWatchBookmarks', async () => {
    const secrets = clients.coreV1().secrets(namespace);
    await secrets.create({ metadata: { name: 'initial' }, stringData: { k: 'v' } });
    const stream = await secrets.watch({
      sendInitialEvents: true,
      allowWatchBookmarks: true,
      resourceVersionMatch: 'NotOlderThan',
      timeoutSeconds: 60,
    });
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === 'ERROR') throw new Error(event.object.message);
      if (event.type === 'BOOKMARK') {
        expect(event.object.metadata?.annotations?.['k8s.io/initial-events-end']).toBe('true');
        break;
      }
      seen.push(`${event.type} ${event.object.metadata?.name}`);
    }
    stream.close();
    expect(seen).toEqual(['ADDED initial']);
  });

  it('answers pod log requests that need a kubelet with the server StatusError', async () => {
    const nodeName = unique('typed-logs-node');
    await clients
      .coreV1()
      .nodes()
      .create({ metadata: { name: nodeName } });
    try {
      const pods = clients.coreV1().pods(namespace);
      await pods.create({
        ...pod('logs'),
        spec: { nodeName, containers: [{ name: 'main', image: 'registry.invalid/a' }] },
      });

      // The node has no address, so the apiserver cannot reach a kubelet for the log.
      const unreachable = await rejection(pods.logs('logs', { container: 'main', follow: true, tailLines: 10 }));
      expect(unreachable).toBeInstanceOf(StatusError);
      expect((unreachable as StatusError).status.code).toBe(500);

      const unknown = await rejection(pods.logs('logs', { container: 'missing' }));
      expect(unknown).toBeInstanceOf(StatusError);
      expect((unknown as StatusError).status.reason).toBe('BadRequest');
      expect((unknown as StatusError).status.message).toContain('container missing is not valid');
    } finally {
      await clients.coreV1().nodes().delete(nodeName);
    }
  });

  it('streams an empty log for a pod no node runs yet', async () => {
    const pods = clients.coreV1().pods(namespace);
    await pods.create(pod('unscheduled-logs'));
    let bytes = 0;
    for await (const chunk of await pods.logs('unscheduled-logs')) bytes += chunk.byteLength;
    expect(bytes).toBe(0);
  });

  it('rejects a call whose signal is already aborted, and ends a watch when its signal aborts', async () => {
    const configMaps = clients.coreV1().configMaps(namespace);
    const aborted = AbortSignal.abort();
    const refused = await rejection(configMaps.list({ signal: aborted }));
    expect(refused).toBeInstanceOf(Error);
    expect(refused).not.toBeInstanceOf(StatusError);

    const controller = new AbortController();
    const stream = await configMaps.watch({ signal: controller.signal, timeoutSeconds: 60 });
    const ended = (async () => {
      for await (const event of stream) if (event.type === 'ERROR') throw new Error(event.object.message);
      return 'ended';
    })().catch(() => 'ended');
    controller.abort();
    expect(await ended).toBe('ended');
  });

  it('refuses the unprivileged user with a Forbidden StatusError', async () => {
    const user = await clientSetFor(plane.userContext);
    const error = await rejection(user.coreV1().pods(namespace).list());
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).status.reason).toBe('Forbidden');
  });
});
