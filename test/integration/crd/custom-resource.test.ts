import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { newSharedInformerFactory } from '../../../src/cache/informer-factory.js';
import { newLister } from '../../../src/cache/lister.js';
import { DiscoveryClient } from '../../../src/client/discovery/discovery-client.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import { type CustomResourceOf, defineCustomResource, KubeType } from '../../../src/crd/index.js';
import { installCRDs, uninstallCRDs } from '../../../src/testing/crds.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');

/** A Widget using every schema extension, the status and scale subresources, columns and a selectable field. */
const Widgets = defineCustomResource({
  group: 'crd.kubeloop.test',
  kind: 'Widget',
  shortNames: ['wdg'],
  categories: ['kubeloop'],
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        spec: KubeType.Validations(
          Type.Object({
            replicas: Type.Integer({ minimum: 0 }),
            image: Type.String({ minLength: 1, maxLength: 200 }),
            port: Type.Optional(KubeType.IntOrString()),
            mode: Type.Optional(Type.Union([Type.Literal('Fast'), Type.Literal('Safe')], { default: 'Safe' })),
            template: Type.Optional(KubeType.EmbeddedResource()),
            extra: Type.Optional(KubeType.PreserveUnknownFields(Type.Object({ known: Type.Optional(Type.String()) }))),
            anything: Type.Optional(Type.Unknown()),
            ports: Type.Optional(
              KubeType.ListMap(Type.Object({ name: Type.String({ maxLength: 15 }), port: Type.Integer() }), ['name'], {
                maxItems: 16,
              }),
            ),
            tags: Type.Optional(KubeType.ListSet(Type.String({ maxLength: 20 }), { maxItems: 16 })),
            labels: Type.Optional(Type.Record(Type.String(), Type.String())),
            note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          }),
          [{ rule: "self.image.startsWith('registry.example/')", message: 'image must come from registry.example' }],
        ),
        status: Type.Object({
          replicas: Type.Optional(Type.Integer()),
          selector: Type.Optional(Type.String()),
          phase: Type.Optional(Type.String()),
        }),
      },
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.status.selector',
      },
      printerColumns: [
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
      ],
      selectableFields: ['.spec.mode'],
    },
  ],
});
type Widget = CustomResourceOf<typeof Widgets>;

const image = 'registry.example/app:1';
const widget = (name: string, spec: Partial<Widget['spec']> = {}): Widget => ({
  metadata: { name },
  spec: { replicas: 1, image, ...spec },
});

let config: RestConfig;
let rest: RESTClient;

beforeAll(async () => {
  config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  rest = RESTClient.forConfig(config);
  await installCRDs(config, [Widgets.manifest()]);
});

afterAll(async () => {
  await uninstallCRDs(config, [Widgets.manifest()]);
});

async function rejection(promise: Promise<unknown>): Promise<StatusError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (error instanceof StatusError) return error;
  throw error;
}

describe('a custom resource defined once with TypeBox, on the real apiserver', () => {
  it('serves the generated CRD with its names, categories and printer columns', async () => {
    const list = await DiscoveryClient.forConfig(config).serverResourcesForGroupVersion('crd.kubeloop.test/v1');
    expect(list.resources.find((r) => r.name === 'widgets')).toMatchObject({
      kind: 'Widget',
      namespaced: true,
      shortNames: ['wdg'],
      categories: ['kubeloop'],
    });
    const namespace = await testNamespace('crd-columns');
    await Widgets.client(rest, namespace).create(widget('cols', { replicas: 4 }));
    const table = await rest
      .get()
      .groupVersion({ group: 'crd.kubeloop.test', version: 'v1' })
      .namespace(namespace)
      .resource('widgets')
      .setHeader('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
      .do<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Replicas', 'Mode']);
    expect(table.rows[0]?.cells.slice(0, 3)).toEqual(['cols', 4, 'Safe']);
  });

  it('creates without apiVersion or kind: defaults applied, unknown fields kept where preserved and pruned elsewhere', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-create'));
    const spec = {
      ...widget('full').spec,
      port: 'http',
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner' }, data: { a: '1' } },
      extra: { known: 'k', other: 1 },
      anything: [1, 'two', { three: 3 }],
      ports: [{ name: 'http', port: 80 }],
      tags: ['a', 'b'],
      labels: { team: 'x' },
      note: null,
      bogus: 'pruned',
    };
    const created = await widgets.create({ metadata: { name: 'full' }, spec });
    expect(created.apiVersion).toBe('crd.kubeloop.test/v1');
    expect(created.kind).toBe('Widget');
    const { bogus, ...kept } = spec;
    expect(created.spec).toEqual({ ...kept, mode: 'Safe' });
    expect(bogus).toBe('pruned');
  });

  it('gets, lists and watches typed objects', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-read'));
    await widgets.create(widget('one', { port: 8080 }));
    expect((await widgets.get('one')).spec.port).toBe(8080);
    const list = await widgets.list();
    expect(list.items.map((w) => w.metadata?.name)).toEqual(['one']);
    const watch = await widgets.watch({ resourceVersion: list.metadata.resourceVersion ?? '' });
    onTestFinished(() => watch.close());
    await widgets.create(widget('two', { mode: 'Fast' }));
    for await (const event of watch) {
      expect(event.type).toBe('ADDED');
      if (event.type === 'ADDED') expect(event.object.spec).toMatchObject({ mode: 'Fast' });
      break;
    }
  });

  it('server-side applies spec and status without apiVersion or kind, merging map lists by key', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-apply'));
    const ports = [{ name: 'http', port: 80 }];
    await widgets.apply({ metadata: { name: 'a' }, spec: { replicas: 1, image, ports } }, { fieldManager: 'one' });
    const merged = await widgets.apply(
      { metadata: { name: 'a' }, spec: { ports: [{ name: 'metrics', port: 9090 }] } },
      { fieldManager: 'two' },
    );
    expect(merged.spec.ports).toEqual([...ports, { name: 'metrics', port: 9090 }]);
    const status = await widgets.applyStatus(
      { metadata: { name: 'a' }, status: { phase: 'Up' } },
      { fieldManager: 'one' },
    );
    expect(status.status).toEqual({ phase: 'Up' });
  });

  it('writes status only through the status subresource, and spec only through the object', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-status'));
    const created = await widgets.create({ ...widget('s'), status: { phase: 'ignored' } });
    expect(created.status).toBeUndefined();
    const withStatus = await widgets.updateStatus({ ...created, status: { phase: 'Running', replicas: 1 } });
    expect(withStatus.status).toEqual({ phase: 'Running', replicas: 1 });
    const specWrite = await widgets.update({ ...withStatus, spec: { ...withStatus.spec, replicas: 3 }, status: {} });
    expect(specWrite.spec.replicas).toBe(3);
    expect(specWrite.status).toEqual({ phase: 'Running', replicas: 1 });
    const statusWrite = await widgets.updateStatus({ ...specWrite, spec: { ...specWrite.spec, replicas: 9 } });
    expect(statusWrite.spec.replicas).toBe(3);
    const patched = await widgets.patchStatus('s', 'merge', { status: { phase: 'Done' } });
    expect(patched.status?.phase).toBe('Done');
    const applied = await widgets.applyStatus(
      { metadata: { name: 's' }, status: { phase: 'Applied' } },
      { fieldManager: 'crd-test', force: true },
    );
    expect(applied.status?.phase).toBe('Applied');
  });

  it('scales through the scale subresource, with the selector and replica counts at the defined paths', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-scale'));
    const created = await widgets.create(widget('sc', { replicas: 2 }));
    await widgets.updateStatus({ ...created, status: { replicas: 1, selector: 'app=sc' } });
    const scale = await widgets.getScale('sc');
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 1, selector: 'app=sc' } });
    await widgets.updateScale('sc', { ...scale, spec: { replicas: 5 } });
    expect((await widgets.get('sc')).spec.replicas).toBe(5);
    await widgets.patchScale('sc', 'merge', { spec: { replicas: 6 } });
    expect((await widgets.get('sc')).spec.replicas).toBe(6);
  });

  it('rejects what the schema forbids with the server message: the CEL rule, the enum, a duplicate in a set', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-invalid'));
    const cel = await rejection(widgets.create(widget('bad', { image: 'docker.io/app' })));
    expect(cel.reason).toBe('Invalid');
    expect(cel.message).toContain('image must come from registry.example');
    const mode = 'Slow' as 'Fast';
    expect((await rejection(widgets.create(widget('enum', { mode })))).message).toMatch(
      /spec\.mode.*Unsupported value/,
    );
    const set = await rejection(widgets.create(widget('dup', { tags: ['a', 'a'] })));
    expect(set.message).toMatch(/spec\.tags\[1\].*Duplicate value/);
  });

  it('selects by the selectable field', async () => {
    const widgets = Widgets.client(rest, await testNamespace('crd-select'));
    await widgets.create(widget('fast', { mode: 'Fast' }));
    await widgets.create(widget('safe'));
    const fast = await widgets.list({ fieldSelector: 'spec.mode=Fast' });
    expect(fast.items.map((w) => w.metadata?.name)).toEqual(['fast']);
  });

  it('runs an informer through the factory, with a typed lister that sees status writes', async () => {
    const namespace = await testNamespace('crd-informer');
    const widgets = Widgets.client(rest, namespace);
    const created = await widgets.create(widget('cached'));
    const factory = newSharedInformerFactory({ namespace });
    const informer = factory.forClient((ns) => Widgets.client(rest, ns));
    const ready = new Promise<Readonly<Widget>>((resolve) => {
      informer.addEventHandler({ onUpdate: (_old, now) => void (now.status?.phase === 'Ready' && resolve(now)) });
    });
    const stop = new AbortController();
    onTestFinished(async () => {
      stop.abort();
      await factory.shutdown();
    });
    factory.start(stop.signal);
    await factory.waitForCacheSync(AbortSignal.timeout(30_000));
    const lister = newLister(informer.getIndexer());
    expect(lister.namespace(namespace).get('cached')?.spec.image).toBe(image);
    await widgets.updateStatus({ ...created, status: { phase: 'Ready' } });
    const seen = await ready;
    expect(lister.namespace(namespace).get('cached')).toBe(seen);
  });
});
