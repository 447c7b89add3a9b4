// Conformance: create, get, update, list and delete of several built-in resources, with their error Statuses.
import { describe, expect } from 'vitest';
import { Api, type Collection, core, failure, grouped, uniqueName } from './support/api.js';
import { conformance, type Target } from './support/target.js';

interface Sample {
  readonly kind: string;
  readonly collection: (namespace: string) => Collection;
  readonly namespaced: boolean;
  readonly body: Record<string, unknown>;
  /** A change to the body an update makes. */
  readonly change: Record<string, unknown>;
}

const samples: readonly Sample[] = [
  {
    kind: 'ConfigMap',
    collection: (ns) => core('configmaps', ns),
    namespaced: true,
    body: { data: { k: 'v' } },
    change: { data: { k: 'w' } },
  },
  {
    kind: 'Secret',
    collection: (ns) => core('secrets', ns),
    namespaced: true,
    body: { type: 'Opaque', data: { k: 'dg==' } },
    change: { data: { k: 'dw==' } },
  },
  {
    kind: 'ServiceAccount',
    collection: (ns) => core('serviceaccounts', ns),
    namespaced: true,
    body: {},
    change: { automountServiceAccountToken: false },
  },
  {
    kind: 'Lease',
    collection: (ns) => grouped('coordination.k8s.io', 'v1', 'leases', ns),
    namespaced: true,
    body: { spec: { holderIdentity: 'a' } },
    change: { spec: { holderIdentity: 'b' } },
  },
  {
    kind: 'Role',
    collection: (ns) => grouped('rbac.authorization.k8s.io', 'v1', 'roles', ns),
    namespaced: true,
    body: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    change: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
  },
  {
    kind: 'NetworkPolicy',
    collection: (ns) => grouped('networking.k8s.io', 'v1', 'networkpolicies', ns),
    namespaced: true,
    body: { spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    change: { spec: { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'] } },
  },
  {
    kind: 'PriorityClass',
    collection: () => grouped('scheduling.k8s.io', 'v1', 'priorityclasses'),
    namespaced: false,
    body: { value: 1000 },
    change: { value: 1000, description: 'changed' },
  },
  {
    kind: 'ClusterRole',
    collection: () => grouped('rbac.authorization.k8s.io', 'v1', 'clusterroles'),
    namespaced: false,
    body: { rules: [] },
    change: { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] },
  },
];

/** The collection of a sample for this test: a fresh namespace when namespaced. */
async function setup(t: Target, sample: Sample): Promise<{ api: Api; c: Collection }> {
  const namespace = sample.namespaced ? await t.namespace() : '';
  return { api: new Api(t), c: sample.collection(namespace) };
}

function qualified(c: Collection): string {
  return c.group === '' ? c.resource : `${c.resource}.${c.group}`;
}

for (const sample of samples) {
  describe(sample.kind, () => {
    conformance(
      'create answers the stored object with uid, resourceVersion, creationTimestamp, apiVersion and kind',
      async (t) => {
        const { api, c } = await setup(t, sample);
        const name = uniqueName();
        const created = await api.create(c, { metadata: { name }, ...sample.body });
        expect(created.kind).toBe(sample.kind);
        expect(created.apiVersion).toBe(c.group === '' ? 'v1' : `${c.group}/${c.version}`);
        expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
        expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
        expect(created.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(created.metadata?.namespace).toBe(sample.namespaced ? c.namespace : undefined);
        await api.delete(c, name);
      },
    );

    conformance('get returns the object as created', async (t) => {
      const { api, c } = await setup(t, sample);
      const name = uniqueName();
      const created = await api.create(c, { metadata: { name }, ...sample.body });
      const read = await api.get(c, name);
      expect(read.metadata?.uid).toBe(created.metadata?.uid);
      expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
      await api.delete(c, name);
    });

    conformance(
      'update with the current resourceVersion stores the change under a higher resourceVersion',
      async (t) => {
        const { api, c } = await setup(t, sample);
        const name = uniqueName();
        const created = await api.create(c, { metadata: { name }, ...sample.body });
        const updated = await api.update(c, name, { ...created, ...sample.change });
        expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
        for (const [key, value] of Object.entries(sample.change)) expect((await api.get(c, name))[key]).toEqual(value);
        await api.delete(c, name);
      },
    );

    conformance('update with a stale resourceVersion fails 409 Conflict', async (t) => {
      const { api, c } = await setup(t, sample);
      const name = uniqueName();
      const created = await api.create(c, { metadata: { name }, ...sample.body });
      await api.update(c, name, { ...created, ...sample.change });
      const status = await failure(
        api.update(c, name, { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } }),
      );
      expect(status).toMatchObject({ code: 409, reason: 'Conflict', status: 'Failure' });
      expect(status.message).toBe(
        `Operation cannot be fulfilled on ${qualified(c)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
      await api.delete(c, name);
    });

    conformance('creating an existing name fails 409 AlreadyExists naming the resource', async (t) => {
      const { api, c } = await setup(t, sample);
      const name = uniqueName();
      await api.create(c, { metadata: { name }, ...sample.body });
      const status = await failure(api.create(c, { metadata: { name }, ...sample.body }));
      expect(status).toMatchObject({
        code: 409,
        reason: 'AlreadyExists',
        message: `${qualified(c)} "${name}" already exists`,
      });
      expect(status.details).toEqual({ name, ...(c.group === '' ? {} : { group: c.group }), kind: c.resource });
      await api.delete(c, name);
    });

    conformance('get of a missing name fails 404 NotFound naming the resource', async (t) => {
      const { api, c } = await setup(t, sample);
      const status = await failure(api.get(c, 'missing'));
      expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: `${qualified(c)} "missing" not found` });
      expect(status.details).toEqual({
        name: 'missing',
        ...(c.group === '' ? {} : { group: c.group }),
        kind: c.resource,
      });
    });

    conformance('delete removes the object: a later get is 404', async (t) => {
      const { api, c } = await setup(t, sample);
      const name = uniqueName();
      await api.create(c, { metadata: { name }, ...sample.body });
      await api.delete(c, name);
      expect((await failure(api.get(c, name))).code).toBe(404);
      expect((await failure(api.delete(c, name))).reason).toBe('NotFound');
    });

    conformance('list answers <Kind>List with the object among items', async (t) => {
      const { api, c } = await setup(t, sample);
      const name = uniqueName();
      await api.create(c, { metadata: { name }, ...sample.body });
      const list = await api.list(c);
      expect(list.kind).toBe(`${sample.kind}List`);
      expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
      const item = list.items.find((i) => i.metadata?.name === name);
      expect(item?.metadata?.uid).toBeDefined();
      await api.delete(c, name);
    });
  });
}
