import { describe, expect, it } from 'vitest';
import { renderCrds } from '../../../src/codegen/crd.js';
import { type CrdInput, checkCrd } from '../../../src/codegen/crd-input.js';
import { CodegenInputError } from '../../../src/codegen/errors.js';

type Json = Record<string, unknown>;
type CrdDoc = Json & { spec: Json & { versions: Json[] } };

/** The `i`th version entry of a CRD document, to edit. */
function version(doc: CrdDoc, i: number): Json {
  const entry = doc.spec.versions[i];
  if (entry === undefined) throw new Error(`no version ${i}`);
  return entry;
}

/** A v1 CRD document of `kind` in group `things.kubeloop.test`, serving each version with the given schema. */
function crdDoc(kind: string, versions: Record<string, Json>, scope = 'Namespaced', subresources: Json = {}): CrdDoc {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.things.kubeloop.test` },
    spec: {
      group: 'things.kubeloop.test',
      names: { kind, plural },
      scope,
      versions: Object.entries(versions).map(([name, spec], i) => ({
        name,
        served: true,
        storage: i === 0,
        subresources,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec } } },
      })),
    },
  };
}

function input(doc: CrdDoc): CrdInput {
  const crd = checkCrd(doc, 'test.yaml');
  if (crd === undefined) throw new Error('not a CRD');
  return crd;
}

/** Renders one CRD and returns its module's files by name. */
function render(doc: CrdDoc): { 'types.ts': string; 'client.ts': string } {
  const files = new Map([...renderCrds([input(doc)])].map(([path, text]) => [path.split('/')[1] ?? path, text]));
  return { 'types.ts': files.get('types.ts') ?? '', 'client.ts': files.get('client.ts') ?? '' };
}

const object = (properties: Json, extra: Json = {}): Json => ({ type: 'object', properties, ...extra });

describe('the CRD renderer', () => {
  it('names nested objects after their path and types arrays, nested arrays and maps of them', () => {
    const { 'types.ts': types } = render(
      crdDoc('Job', {
        v1: object({
          steps: { type: 'array', items: { type: 'array', items: object({ name: { type: 'string' } }) } },
          nodes: { type: 'object', additionalProperties: object({ phase: { type: 'string' } }) },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          owner: object({ name: { type: 'string' } }, { required: ['name'] }),
        }),
      }),
    );
    expect(types).toContain('  steps?: JobSpecSteps[][];\n');
    expect(types).toContain('  nodes?: Record<string, JobSpecNodes>;\n');
    expect(types).toContain('  labels?: Record<string, string>;\n');
    expect(types).toContain('export interface JobSpecOwner {\n  name: string;\n}');
    expect(types).toContain('  spec?: JobSpec;\n');
    expect(types).toContain('export interface JobList {');
    expect(types).toContain("import type { ListMeta, ObjectMeta } from 'kubeloop/client/kubernetes/meta-v1';");
  });

  it('renders enums as literal unions, defaults as @defaultValue and descriptions as TSDoc', () => {
    const { 'types.ts': types } = render(
      crdDoc('Cert', {
        v1: object({
          algorithm: { type: 'string', enum: ['RSA', "it's"], default: 'RSA', description: 'The key algorithm.' },
          bits: { type: 'integer', enum: [2048, 4096] },
        }),
      }),
    );
    expect(types).toContain(
      "  /**\n   * The key algorithm.\n   *\n   * @defaultValue `\"RSA\"`\n   */\n  algorithm?: 'RSA' | 'it\\'s';\n",
    );
    expect(types).toContain('  bits?: 2048 | 4096;\n');
  });

  it('renders int-or-string, nullable, free-form and preserved fields, and quotes keys that are not identifiers', () => {
    const { 'types.ts': types } = render(
      crdDoc('Topic', {
        v1: object(
          {
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            last: { type: 'string', nullable: true },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            anything: { 'x-kubernetes-preserve-unknown-fields': true },
            'retention.ms': { type: 'integer' },
          },
          { 'x-kubernetes-preserve-unknown-fields': true },
        ),
      }),
    );
    expect(types).toContain('  port?: number | string;\n');
    expect(types).toContain('  last?: string | null;\n');
    expect(types).toContain('  config?: Record<string, unknown>;\n');
    expect(types).toContain('  anything?: unknown;\n');
    expect(types).toContain("  'retention.ms'?: number;\n");
    expect(types).toMatch(/export interface TopicSpec \{[^}]*\[field: string\]: unknown;\n\}/);
  });

  it('gives an embedded resource apiVersion, kind and ObjectMeta', () => {
    const { 'types.ts': types } = render(
      crdDoc('Composition', {
        v1: object({
          base: {
            type: 'object',
            'x-kubernetes-embedded-resource': true,
            'x-kubernetes-preserve-unknown-fields': true,
          },
        }),
      }),
    );
    expect(types).toMatch(
      /export interface CompositionSpecBase \{\n(.*\n)*? {2}apiVersion\?: string;\n(.*\n)*? {2}kind\?: string;\n {2}metadata\?: ObjectMeta;\n(.*\n)*? {2}\[field: string\]: unknown;\n\}/,
    );
  });

  it('renders oneOf branches as exclusive variants and anyOf branches as inclusive ones', () => {
    const fields = { acme: object({ server: { type: 'string' } }), ca: object({ secret: { type: 'string' } }) };
    const oneOf = render(
      crdDoc('Issuer', { v1: object(fields, { oneOf: [{ required: ['acme'] }, { required: ['ca'] }] }) }),
    );
    expect(oneOf['types.ts']).toContain(
      'export type IssuerSpec = {\n  acme?: IssuerSpecAcme;\n  ca?: IssuerSpecCa;\n} & ({ acme: IssuerSpecAcme; ca?: never } | { ca: IssuerSpecCa; acme?: never });',
    );
    const anyOf = render(
      crdDoc('Rule', { v1: object(fields, { anyOf: [{ required: ['acme'] }, { required: ['ca'] }] }) }),
    );
    expect(anyOf['types.ts']).toContain('} & ({ acme: RuleSpecAcme } | { ca: RuleSpecCa });');
  });

  it('never gives a nested object the name of a kind or its list', () => {
    const doc = crdDoc('Gadget', { v1: object({}) });
    const schema = { type: 'object', properties: { list: object({ owner: { type: 'string' } }), spec: object({}) } };
    version(doc, 0).schema = { openAPIV3Schema: schema };
    const { 'types.ts': types } = render(doc);
    expect(types).toContain('  list?: GadgetList2;\n');
    expect(types).toContain('export interface GadgetList {\n');
    expect(types).toContain('export interface GadgetList2 {\n  owner?: string;\n}');
  });

  it('writes one module per served version, skipping unserved ones', () => {
    const doc = crdDoc('Db', { v1beta1: object({ tier: { type: 'string' } }), v1: object({}), v1alpha1: object({}) });
    version(doc, 2).served = false;
    expect([...renderCrds([input(doc)]).keys()]).toEqual([
      'things-kubeloop-test-v1/types.ts',
      'things-kubeloop-test-v1/client.ts',
      'things-kubeloop-test-v1/index.ts',
      'things-kubeloop-test-v1beta1/types.ts',
      'things-kubeloop-test-v1beta1/client.ts',
      'things-kubeloop-test-v1beta1/index.ts',
    ]);
  });

  it('renders a group client importing kubeloop by name, with status and scale methods and the kind', () => {
    const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
    const { 'client.ts': client } = render(
      crdDoc('Rollout', { v1: object({ replicas: { type: 'integer' } }) }, 'Namespaced', { status: {}, scale }),
    );
    expect(client.split('\n')[0]).toBe('// Code generated by `kubeloop generate crd` from test.yaml; DO NOT EDIT.');
    expect(client).toContain("from 'kubeloop/client';");
    expect(client).toContain("import type { Scale } from 'kubeloop/client/kubernetes/autoscaling-v1';");
    expect(client).toContain('export class RolloutsClient extends ResourceClient<Rollout, RolloutList> {');
    for (const method of [
      'getScale(',
      'updateScale(',
      'patchScale(',
      'updateStatus(',
      'patchStatus(',
      'applyStatus(',
    ]) {
      expect(client).toContain(method);
    }
    expect(client).toContain('export class ThingsKubeloopTestV1Client {');
    expect(client).toContain('static forConfig(config: RestConfig): ThingsKubeloopTestV1Client {');
    expect(client).toContain(
      "rollouts(namespace?: string): RolloutsClient {\n    return new RolloutsClient(this.rest, { group: 'things.kubeloop.test', version: 'v1', resource: 'rollouts', kind: 'Rollout', namespaced: true }, namespace);",
    );
  });

  it('gives a cluster-scoped resource without subresources a plain ResourceClient and no namespace', () => {
    const { 'client.ts': client } = render(crdDoc('Policy', { v1: object({}) }, 'Cluster'));
    expect(client).toContain('policys(): ResourceClient<Policy, PolicyList> {');
    expect(client).toContain('namespaced: false })');
    expect(client).not.toContain('Status(');
  });
});

describe('the CRD input checks', () => {
  const bad = (mutate: (doc: CrdDoc) => void): unknown => {
    const doc = crdDoc('Widget', { v1: object({ size: { type: 'integer' } }) });
    mutate(doc);
    try {
      checkCrd(doc, 'widgets.yaml');
    } catch (error) {
      return error;
    }
    throw new Error('expected the CRD to be refused');
  };

  it.each([
    [
      'an unknown schema type',
      (doc: CrdDoc) => {
        version(doc, 0).schema = { openAPIV3Schema: object({ spec: object({ size: { type: 'int' } }) }) };
      },
      'widgets.yaml: CRD widgets.things.kubeloop.test: spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.type: unknown type "int"',
    ],
    [
      'a version without a schema',
      (doc: CrdDoc) => {
        delete version(doc, 0).schema;
      },
      'widgets.yaml: CRD widgets.things.kubeloop.test: spec.versions[0].schema.openAPIV3Schema: version v1 has no schema',
    ],
    [
      'an array without items',
      (doc: CrdDoc) => {
        version(doc, 0).schema = { openAPIV3Schema: object({ tags: { type: 'array' } }) };
      },
      'spec.versions[0].schema.openAPIV3Schema.properties.tags.items: an array needs an items schema',
    ],
    [
      'a missing scope',
      (doc: CrdDoc) => {
        delete doc.spec.scope;
      },
      'CRD widgets.things.kubeloop.test: spec.scope: must be Namespaced or Cluster',
    ],
    [
      'a v1beta1 CRD',
      (doc: CrdDoc) => {
        doc.apiVersion = 'apiextensions.k8s.io/v1beta1';
      },
      'widgets.yaml: apiVersion: apiextensions.k8s.io/v1beta1 is not supported',
    ],
  ])('names the file, CRD and field of %s', (_, mutate, message) => {
    const error = bad(mutate);
    expect(error).toBeInstanceOf(CodegenInputError);
    expect((error as CodegenInputError).code).toBe('CODEGEN_INPUT');
    expect((error as Error).message).toContain(message);
  });

  it('skips documents that are not CRDs', () => {
    expect(checkCrd({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, 'bundle.yaml')).toBeUndefined();
  });

  it('refuses the same CRD given twice', () => {
    const doc = crdDoc('Widget', { v1: object({}) });
    const twice = [input(doc), { ...input(doc), source: 'other.yaml' }];
    expect(() => renderCrds(twice)).toThrow('other.yaml: CRD widgets.things.kubeloop.test: also defined in test.yaml');
  });
});
