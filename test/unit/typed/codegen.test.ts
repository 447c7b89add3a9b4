import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { generateFormatted, provenance, release } from '../../../hack/codegen/generate.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { builtinLayout, builtinTypes, readSchemas } from '../../../src/codegen/builtin.js';
import {
  buildModel,
  buildResource,
  type DiscoveryList,
  type DiscoveryResource,
  moduleOfPackage,
} from '../../../src/codegen/builtin-model.js';
import { methodName, type Schema } from '../../../src/codegen/model.js';
import { pickedMembers, renderClient, servesAllVerbs } from '../../../src/codegen/render-client.js';
import { renderTypes } from '../../../src/codegen/render-types.js';

const root = resolve(import.meta.dirname, '../../..');
const data = join(root, 'hack/codegen/api', release);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const schemas = readSchemas(join(data, 'openapi-schemas'));
const discovery = [
  readJson<DiscoveryList>(join(data, 'discovery-api.json')),
  readJson<DiscoveryList>(join(data, 'discovery-apis.json')),
];
const widgetSchemas = readJson<Record<string, Schema>>(join(import.meta.dirname, 'fixtures/widget-schemas.json'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('codegen naming', () => {
  it.each([
    ['pods', 'Pod', 'pods'],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', 'persistentVolumeClaims'],
    ['networkpolicies', 'NetworkPolicy', 'networkPolicies'],
    ['componentstatuses', 'ComponentStatus', 'componentStatuses'],
    ['endpoints', 'Endpoints', 'endpoints'],
    ['ipaddresses', 'IPAddress', 'ipAddresses'],
    ['csistoragecapacities', 'CSIStorageCapacity', 'csiStorageCapacities'],
    ['apiservices', 'APIService', 'apiServices'],
    ['servicecidrs', 'ServiceCIDR', 'serviceCIDRs'],
  ])('camel-cases the plural %s of kind %s as %s', (resource, kind, expected) => {
    expect(methodName(resource, kind)).toBe(expected);
  });

  it.each([
    ['io.k8s.api.core.v1', 'core-v1'],
    ['io.k8s.api.networking.v1', 'networking-v1'],
    ['io.k8s.api.autoscaling.v2', 'autoscaling-v2'],
    ['io.k8s.apimachinery.pkg.apis.meta.v1', 'meta-v1'],
    ['io.k8s.apimachinery.pkg.api.resource', 'common'],
    ['io.k8s.apimachinery.pkg.util.intstr', 'common'],
    ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1', 'apiextensions-v1'],
    ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1', 'apiregistration-v1'],
  ])('puts schema package %s in module %s', (pkg, module) => {
    expect(moduleOfPackage(pkg)).toBe(module);
  });

  it('refuses two group/versions that would share a module', () => {
    const widget = (group: string): DiscoveryList => ({
      items: [
        {
          metadata: { name: group },
          versions: [
            {
              version: 'v1',
              resources: [
                {
                  resource: 'widgets',
                  responseKind: { group: '', version: '', kind: 'Thing' },
                  scope: 'Cluster',
                  verbs: [],
                },
              ],
            },
          ],
        },
      ],
    });
    const thing = (group: string): Schema => ({
      type: 'object',
      properties: {},
      'x-kubernetes-group-version-kind': [{ group, version: 'v1', kind: 'Thing' }],
    });
    const both = { 'io.k8s.api.demo.v1.Thing': thing('demo.a.io'), 'io.k8s.api.demo.v1.Other': thing('demo.b.io') };
    expect(() => buildModel([widget('demo.a.io'), widget('demo.b.io')], both)).toThrow(/would share module demo-v1/);
  });
});

describe('codegen model of the saved v1.37.2 data', () => {
  const models = buildModel(discovery, schemas);
  const resource = (module: string, name: string) => {
    const found = models.find((m) => m.module === module)?.resources.find((r) => r.resource === name);
    if (found === undefined) throw new Error(`no ${module} ${name}`);
    return found;
  };

  it('has one module per served group/version, with clean names', () => {
    const modules = models.map((m) => m.module);
    expect(new Set(modules).size).toBe(modules.length);
    expect(modules).toEqual(expect.arrayContaining(['core-v1', 'apps-v1', 'batch-v1', 'networking-v1', 'rbac-v1']));
    expect(modules).toContain('autoscaling-v2');
    expect(models.find((m) => m.module === 'networking-v1')?.group).toBe('networking.k8s.io');
  });

  it('detects the scope of each resource from discovery', () => {
    expect(resource('core-v1', 'pods').namespaced).toBe(true);
    expect(resource('core-v1', 'nodes').namespaced).toBe(false);
    expect(resource('rbac-v1', 'clusterroles').namespaced).toBe(false);
    expect(resource('apps-v1', 'deployments').namespaced).toBe(true);
  });

  it('keeps the subresources it exposes, typed by their response kind, and skips exec, attach and proxy', () => {
    const pods = resource('core-v1', 'pods');
    expect(pods.subresources.map((s) => s.name)).toEqual(['binding', 'eviction', 'log', 'status']);
    expect(pods.subresources.find((s) => s.name === 'eviction')?.kind).toEqual({
      module: 'policy-v1',
      name: 'Eviction',
    });
    expect(pods.subresources.find((s) => s.name === 'binding')?.kind).toEqual({ module: 'core-v1', name: 'Binding' });
    const scale = resource('apps-v1', 'deployments').subresources.find((s) => s.name === 'scale');
    expect(scale?.kind).toEqual({ module: 'autoscaling-v1', name: 'Scale' });
    expect(resource('core-v1', 'serviceaccounts').subresources.map((s) => s.name)).toEqual(['token']);
  });

  it('narrows clients of resources that do not serve every verb', () => {
    expect(servesAllVerbs(resource('core-v1', 'pods'))).toBe(true);
    expect(pickedMembers(resource('core-v1', 'bindings'))).toEqual(['create', 'descriptor', 'namespace']);
    expect(pickedMembers(resource('core-v1', 'namespaces'))).not.toContain('deleteCollection');
    expect(pickedMembers(resource('core-v1', 'namespaces'))).toEqual(
      expect.arrayContaining(['updateStatus', 'patchStatus']),
    );
  });

  it('types lists and kinds from the group/version schemas', () => {
    const deployments = resource('apps-v1', 'deployments');
    expect(deployments.kind).toEqual({ module: 'apps-v1', name: 'Deployment' });
    expect(deployments.list).toEqual({ module: 'apps-v1', name: 'DeploymentList' });
    expect(resource('authentication-v1', 'tokenreviews').list).toBeUndefined();
  });
});

describe('codegen output', () => {
  it('renders a small package exactly (golden)', () => {
    const names = Object.keys(widgetSchemas).sort();
    expect(renderTypes('demo-v1', names, widgetSchemas, builtinTypes, provenance)).toBe(
      readFileSync(join(import.meta.dirname, 'fixtures/widget-types.golden.ts.txt'), 'utf8'),
    );
  });

  it('renders a group client with a subclass for subresources and a narrowed create-only accessor', () => {
    const widgets: DiscoveryResource = {
      resource: 'widgets',
      responseKind: { group: '', version: '', kind: 'Widget' },
      scope: 'Namespaced',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: [
        { subresource: 'status', verbs: ['get', 'patch', 'update'] },
        { subresource: 'exec', verbs: ['create'] },
      ],
    };
    const model = {
      group: 'demo.example.io',
      version: 'v1',
      module: 'demo-v1',
      resources: [
        buildResource('demo.example.io', 'v1', widgets, widgetSchemas),
        buildResource(
          'demo.example.io',
          'v1',
          { ...widgets, resource: 'widgetbindings', verbs: ['create'], subresources: [] },
          widgetSchemas,
        ),
      ],
    };
    const text = renderClient(model, builtinLayout(provenance));
    expect(text).toContain('export class WidgetsClient extends ResourceClient<Widget, WidgetList> {');
    expect(text).toContain('updateStatus(object: Widget, options: UpdateOptions = {}): Promise<Widget> {');
    expect(text).not.toContain('exec');
    expect(text).toContain('widgets(namespace?: string): WidgetsClient {');
    expect(text).toContain(
      "widgetbindings(namespace?: string): Pick<ResourceClient<Widget, WidgetList>, 'create' | 'descriptor' | 'namespace'> {",
    );
    expect(text).toContain(
      "{ group: 'demo.example.io', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true }",
    );
    expect(text.split('\n')[0]).toBe(
      '// Code generated by `npx node hack/codegen/generate.ts` from hack/codegen/api/v1.37.2; DO NOT EDIT.',
    );
  });

  it('matches the committed src/client/kubernetes when regenerated (deterministic and up to date)', () => {
    const out = mkdtempSync(join(tmpdir(), 'kubeloop-codegen-'));
    try {
      generateFormatted(root, out);
      const committed = join(root, 'src/client/kubernetes');
      expect(filesUnder(out)).toEqual(filesUnder(committed));
      for (const file of filesUnder(out)) {
        expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(committed, file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('keeps group modules apart: no generated file imports another group at run time', () => {
    const dir = join(root, 'src/client/kubernetes');
    const groupFiles = filesUnder(dir).filter((file) => file !== 'clientset.ts');
    for (const file of groupFiles) {
      const text = readFileSync(join(dir, file), 'utf8');
      const valueImports = [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].map((m) => m[1] ?? '');
      for (const path of valueImports) expect(path, `${file} imports ${path}`).toMatch(/^(\.\.\/\.\.\/|\.\/)/);
      const relativeValueImports = valueImports.filter((path) => path.startsWith('./'));
      expect(
        relativeValueImports.every((path) => path === './client.js' || path === './types.js'),
        file,
      ).toBe(true);
    }
  });

  it('gives each resource client the verbs and scope discovery lists, checked by the compiler too', () => {
    const clients = ClientSet.forConfig({ host: 'https://127.0.0.1:6443' });
    const bindings = clients.coreV1().bindings('ns');
    expectTypeOf(bindings).toHaveProperty('create');
    expectTypeOf(bindings).not.toHaveProperty('get');
    expectTypeOf(clients.coreV1().namespaces()).not.toHaveProperty('deleteCollection');
    expectTypeOf(clients.appsV1().deployments('ns')).toHaveProperty('getScale');
    expectTypeOf(clients.coreV1().configMaps('ns')).not.toHaveProperty('updateStatus');
    expect(clients.coreV1().nodes().descriptor).toEqual({
      group: '',
      version: 'v1',
      resource: 'nodes',
      kind: 'Node',
      namespaced: false,
    });
    expect(clients.networkingV1().ingresses('web').descriptor.group).toBe('networking.k8s.io');
    expect(clients.networkingV1().ingresses('web').namespace).toBe('web');
  });
});
