// What the codegen integration test does with each generated client: create (without apiVersion or kind), get and
// watch, plus what each CRD's schema promises (server defaults, int-or-string, preserved fields, subresources).
import type { ExpectStatic } from 'vitest';
import type { KubeObject } from '../../../src/client/meta.js';

/** An object as the server returned it; tests compare its fields as plain JSON. */
type Obj = KubeObject & {
  readonly metadata: { readonly name: string; readonly uid?: string; readonly namespace?: string };
  readonly [field: string]: unknown;
};

/** The generated client's surface the round trips use (each is a ResourceClient subclass). */
export interface GeneratedClient {
  list(): Promise<{ metadata: { resourceVersion?: string } }>;
  watch(options: {
    resourceVersion?: string;
  }): Promise<AsyncIterable<{ type: string; object: KubeObject }> & { close(): void }>;
  create(object: object): Promise<Obj>;
  get(name: string): Promise<Obj>;
  update(object: object): Promise<Obj>;
  delete(name: string): Promise<unknown>;
  updateStatus?(object: object): Promise<Obj>;
  applyStatus?(configuration: object, options: { fieldManager: string; force?: boolean }): Promise<Obj>;
  getScale?(name: string): Promise<Obj>;
  updateScale?(name: string, scale: object): Promise<Obj>;
}

export interface RoundTrip {
  readonly kind: string;
  readonly module: string;
  readonly groupClient: string;
  readonly accessor: string;
  readonly namespaced: boolean;
  exercise(client: GeneratedClient, expect: ExpectStatic): Promise<void>;
}

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** Creates `body` under a fresh name, reads it back and sees its ADDED event; returns what `get` read. */
async function createGetWatch(client: GeneratedClient, kind: string, body: object, expect: ExpectStatic): Promise<Obj> {
  const name = uniqueName(kind.toLowerCase());
  const start = await client.list();
  const stream = await client.watch({ resourceVersion: start.metadata.resourceVersion ?? '0' });
  try {
    const created = await client.create({ metadata: { name }, ...body });
    expect(created.kind).toBe(kind);
    const read = await client.get(name);
    expect(read.metadata.uid).toBe(created.metadata.uid);
    for await (const event of stream) {
      if (event.object.metadata?.name !== name) continue;
      expect(event.type).toBe('ADDED');
      expect(event.object.kind).toBe(kind);
      break;
    }
    return read;
  } finally {
    stream.close();
  }
}

/** Like createGetWatch for a cluster-scoped kind, deleting the object afterwards. */
async function clusterRoundTrip(
  client: GeneratedClient,
  kind: string,
  body: object,
  expect: ExpectStatic,
  more: (read: Obj) => Promise<void>,
) {
  const read = await createGetWatch(client, kind, body, expect);
  try {
    await more(read);
  } finally {
    await client.delete(read.metadata.name);
  }
}

const trip = (
  kind: string,
  module: string,
  groupClient: string,
  accessor: string,
  namespaced: boolean,
  exercise: RoundTrip['exercise'],
): RoundTrip => ({
  kind,
  module,
  groupClient,
  accessor,
  namespaced,
  exercise,
});

const certs = ['certs-kubeloop-test-v1', 'CertsKubeloopTestV1Client'] as const;

export const roundTrips: readonly RoundTrip[] = [
  trip('Certificate', ...certs, 'certificates', true, async (client, expect) => {
    const read = await createGetWatch(
      client,
      'Certificate',
      { spec: { secretName: 'web-tls', issuerRef: { name: 'ca' } } },
      expect,
    );
    expect(read.spec).toMatchObject({ duration: '2160h', isCA: false, issuerRef: { name: 'ca', kind: 'Issuer' } });
    const status = { conditions: [{ type: 'Ready', status: 'True', reason: 'Issued' }] };
    const applied = await client.applyStatus?.(
      { metadata: { name: read.metadata.name }, status },
      { fieldManager: 'codegen-test', force: true },
    );
    expect(applied?.status).toEqual(status);
  }),
  trip('Issuer', ...certs, 'issuers', true, async (client, expect) => {
    const read = await createGetWatch(client, 'Issuer', { spec: { ca: { secretName: 'ca-key' } } }, expect);
    expect(read.spec).toEqual({ ca: { secretName: 'ca-key' } });
    const both = { metadata: { name: uniqueName('both') }, spec: { ca: { secretName: 'a' }, selfSigned: {} } };
    await expect(client.create(both)).rejects.toMatchObject({ status: { reason: 'Invalid' } });
  }),
  trip('ClusterIssuer', ...certs, 'clusterIssuers', false, async (client, expect) => {
    await clusterRoundTrip(
      client,
      'ClusterIssuer',
      { spec: { selfSigned: { crlDistributionPoints: ['http://crl'] } } },
      expect,
      async (read) => {
        expect(read.metadata.namespace).toBeUndefined();
        expect(read).toMatchObject({ spec: { selfSigned: { crlDistributionPoints: ['http://crl'] } } });
      },
    );
  }),
  trip(
    'ServiceMonitor',
    'monitoring-kubeloop-test-v1',
    'MonitoringKubeloopTestV1Client',
    'serviceMonitors',
    true,
    async (client, expect) => {
      const spec = {
        selector: { matchLabels: { app: 'web' } },
        endpoints: [
          { port: 'web', targetPort: 8080 },
          { targetPort: 'metrics', scheme: 'https' },
        ],
      };
      const read = await createGetWatch(client, 'ServiceMonitor', { spec }, expect);
      expect(read.spec).toEqual({
        selector: { matchLabels: { app: 'web' } },
        endpoints: [
          { port: 'web', targetPort: 8080, path: '/metrics', honorLabels: false },
          { targetPort: 'metrics', scheme: 'https', path: '/metrics', honorLabels: false },
        ],
      });
    },
  ),
  trip(
    'PrometheusRule',
    'monitoring-kubeloop-test-v1',
    'MonitoringKubeloopTestV1Client',
    'prometheusRules',
    true,
    async (client, expect) => {
      const rules = [
        { alert: 'Down', expr: 'up == 0', labels: { severity: 'page' } },
        { record: 'job:up', expr: 1 },
      ];
      const read = await createGetWatch(
        client,
        'PrometheusRule',
        { spec: { groups: [{ name: 'web', rules }] } },
        expect,
      );
      expect(read.spec).toEqual({ groups: [{ name: 'web', rules }] });
    },
  ),
  trip(
    'Workflow',
    'argo-kubeloop-test-v1alpha1',
    'ArgoKubeloopTestV1alpha1Client',
    'workflows',
    true,
    async (client, expect) => {
      const spec = {
        entrypoint: 'main',
        arguments: { parameters: [{ name: 'p', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] },
        templates: [
          {
            name: 'main',
            steps: [
              [
                { name: 'a', template: 'echo' },
                { name: 'b', template: 'echo' },
              ],
              [{ name: 'c', template: 'echo' }],
            ],
          },
          { name: 'echo', container: { image: 'busybox', resources: { limits: { cpu: 1, memory: '64Mi' } } } },
        ],
      };
      const read = await createGetWatch(client, 'Workflow', { spec }, expect);
      expect(read.spec).toEqual(spec);
      const status = { phase: 'Running', nodes: { n1: { id: 'n1', name: 'main', children: ['n2'] } } };
      const updated = await client.updateStatus?.({ ...read, status });
      expect(updated?.status).toEqual(status);
    },
  ),
  trip(
    'Composition',
    'apiextensions-kubeloop-test-v1',
    'ApiextensionsKubeloopTestV1Client',
    'compositions',
    false,
    async (client, expect) => {
      const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'composed' }, data: { a: '1' } };
      const spec = {
        compositeTypeRef: { apiVersion: 'db.kubeloop.test/v1beta1', kind: 'PostgresInstance' },
        resources: [{ base, patches: [{ fromFieldPath: 'spec.a' }] }],
      };
      await clusterRoundTrip(client, 'Composition', { spec }, expect, async (read) => {
        expect(read.spec).toEqual({
          ...spec,
          resources: [{ base, patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.a' }] }],
        });
      });
    },
  ),
  trip(
    'PostgresInstance',
    'db-kubeloop-test-v1alpha1',
    'DbKubeloopTestV1alpha1Client',
    'postgresInstances',
    true,
    async (client, expect) => {
      const read = await createGetWatch(
        client,
        'PostgresInstance',
        { spec: { parameters: { version: '15' } } },
        expect,
      );
      expect(read.apiVersion).toBe('db.kubeloop.test/v1alpha1');
      expect(read.spec).toEqual({ parameters: { version: '15', storageGB: 20 } });
    },
  ),
  trip(
    'PostgresInstance',
    'db-kubeloop-test-v1beta1',
    'DbKubeloopTestV1beta1Client',
    'postgresInstances',
    true,
    async (client, expect) => {
      const read = await createGetWatch(
        client,
        'PostgresInstance',
        { spec: { parameters: { tier: 'standard' } } },
        expect,
      );
      expect(read.apiVersion).toBe('db.kubeloop.test/v1beta1');
      expect(read.spec).toEqual({ parameters: { tier: 'standard', version: '16', storageGB: 20 } });
    },
  ),
  trip(
    'Rollout',
    'deploy-kubeloop-test-v1alpha1',
    'DeployKubeloopTestV1alpha1Client',
    'rollouts',
    true,
    async (client, expect) => {
      const template = {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx' }] },
      };
      const strategy = {
        canary: { steps: [{ setWeight: 20 }, { pause: { duration: '1h' } }, { pause: { duration: 30 } }] },
      };
      const read = await createGetWatch(
        client,
        'Rollout',
        { spec: { selector: { matchLabels: { app: 'web' } }, template, strategy } },
        expect,
      );
      expect(read).toMatchObject({ spec: { replicas: 1, template, strategy: { canary: { maxSurge: '25%' } } } });
      expect(await client.getScale?.(read.metadata.name)).toMatchObject({ kind: 'Scale', spec: { replicas: 1 } });
      await client.updateScale?.(read.metadata.name, { metadata: { name: read.metadata.name }, spec: { replicas: 3 } });
      expect(await client.get(read.metadata.name)).toMatchObject({ spec: { replicas: 3 } });
    },
  ),
  trip(
    'BackupSchedule',
    'backup-kubeloop-test-v1',
    'BackupKubeloopTestV1Client',
    'backupSchedules',
    false,
    async (client, expect) => {
      await clusterRoundTrip(
        client,
        'BackupSchedule',
        { spec: { schedule: '0 3 * * *', retentionDays: { daily: 7, weekly: 30 } } },
        expect,
        async (read) => {
          expect(read.spec).toEqual({
            schedule: '0 3 * * *',
            retentionDays: { daily: 7, weekly: 30 },
            template: { ttl: '720h0m0s' },
          });
          const updated = await client.updateStatus?.({ ...read, status: { lastBackup: null, phase: 'Enabled' } });
          expect(updated?.status).toEqual({ lastBackup: null, phase: 'Enabled' });
        },
      );
    },
  ),
  trip(
    'HTTPRoute',
    'gateway-kubeloop-test-v1',
    'GatewayKubeloopTestV1Client',
    'httpRoutes',
    true,
    async (client, expect) => {
      const rules = [
        { matches: [{ path: {} }], filters: [{ requestRedirect: {} }], backendRefs: [{ name: 'web', port: 80 }] },
      ];
      const read = await createGetWatch(client, 'HTTPRoute', { spec: { hostnames: ['example.test'], rules } }, expect);
      expect(read.spec).toMatchObject({
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            filters: [{ requestRedirect: { statusCode: 302 } }],
            backendRefs: [{ name: 'web', port: 80, weight: 1 }],
          },
        ],
      });
    },
  ),
  trip(
    'KafkaTopic',
    'kafka-kubeloop-test-v1beta2',
    'KafkaKubeloopTestV1beta2Client',
    'kafkaTopics',
    true,
    async (client, expect) => {
      const spec = {
        'topic-name': 'orders',
        'retention.ms': 5000,
        config: { 'cleanup.policy': 'compact', 'segment.ms': 100 },
      };
      const read = await createGetWatch(client, 'KafkaTopic', { spec, list: { owner: 'team-a' } }, expect);
      expect(read.spec).toEqual({ ...spec, partitions: 1 });
      expect(read.list).toEqual({ owner: 'team-a' });
    },
  ),
];
