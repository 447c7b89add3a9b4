import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../../src/client/kubernetes/apiextensions-v1/types.js';
import { type CustomResourceVersionOptions, defineCustomResource, KubeType } from '../../../src/crd/index.js';

/** The CRD schema of `spec` when a one-version resource's spec is `Type.Object({ field: schema })`. */
function fieldSchema(schema: Parameters<typeof Type.Object>[0][string]): JSONSchemaProps | undefined {
  const crd = defineCustomResource({
    group: 'example.com',
    kind: 'Probe',
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { spec: Type.Object({ field: schema }) } }],
  }).manifest();
  return crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec?.properties?.field;
}

const version = (overrides: Partial<CustomResourceVersionOptions> = {}): CustomResourceVersionOptions => ({
  name: 'v1',
  served: true,
  storage: true,
  schema: { spec: Type.Object({ size: Type.Integer() }) },
  ...overrides,
});

describe('defineCustomResource builds the CRD manifest', () => {
  it('names the CRD plural.group and fills the names the apiserver needs', () => {
    const crd = defineCustomResource({
      group: 'example.com',
      kind: 'Widget',
      shortNames: ['wd'],
      categories: ['all'],
      scope: 'Namespaced',
      versions: [version()],
    }).manifest();
    expect(crd).toMatchObject({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: {
          kind: 'Widget',
          listKind: 'WidgetList',
          plural: 'widgets',
          singular: 'widget',
          shortNames: ['wd'],
          categories: ['all'],
        },
      },
    });
  });

  it.each([
    ['Policy', 'policies'],
    ['Box', 'boxes'],
    ['Gateway', 'gateways'],
    ['Ingress', 'ingresses'],
    ['Mesh', 'meshes'],
  ])('pluralizes %s as %s unless plural is given', (kind, plural) => {
    const resource = defineCustomResource({ group: 'example.com', kind, scope: 'Cluster', versions: [version()] });
    expect(resource.names.plural).toBe(plural);
    const given = defineCustomResource({
      group: 'a.io',
      kind,
      plural: 'things',
      scope: 'Cluster',
      versions: [version()],
    });
    expect(given.name).toBe('things.a.io');
  });

  it('wraps spec and status in an object schema leaving apiVersion, kind and metadata to the server', () => {
    const crd = defineCustomResource({
      group: 'example.com',
      kind: 'Widget',
      scope: 'Namespaced',
      versions: [version({ schema: { spec: Type.Object({ size: Type.Integer() }), status: Type.Object({}) } })],
    }).manifest();
    expect(crd.spec.versions[0]?.schema?.openAPIV3Schema).toEqual({
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer' } } },
        status: { type: 'object', properties: {} },
      },
    });
  });

  it('serves the status subresource when a version has a status schema, and scale when asked', () => {
    const status = Type.Object({ replicas: Type.Optional(Type.Integer()), selector: Type.Optional(Type.String()) });
    const crd = defineCustomResource({
      group: 'example.com',
      kind: 'Widget',
      scope: 'Namespaced',
      versions: [
        version({ name: 'v1', storage: false }),
        version({
          name: 'v2',
          schema: { spec: Type.Object({ replicas: Type.Integer() }), status },
          scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
          printerColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 0 }],
          selectableFields: ['.spec.replicas'],
          deprecated: true,
          deprecationWarning: 'use v3',
        }),
      ],
    }).manifest();
    const [v1, v2] = crd.spec.versions;
    expect(v1?.subresources).toBeUndefined();
    expect(v2).toMatchObject({
      name: 'v2',
      storage: true,
      deprecated: true,
      deprecationWarning: 'use v3',
      subresources: {
        status: {},
        scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
      },
      additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 0 }],
      selectableFields: [{ jsonPath: '.spec.replicas' }],
    });
  });

  it('gives a new manifest on each call, so changing one leaves the definition alone', () => {
    const widgets = defineCustomResource({
      group: 'example.com',
      kind: 'Widget',
      scope: 'Cluster',
      versions: [version()],
    });
    const first = widgets.manifest();
    first.spec.names.plural = 'changed';
    expect(widgets.manifest().spec.names.plural).toBe('widgets');
  });
});

describe('the structural schema of each TypeBox type', () => {
  it.each<[string, Parameters<typeof fieldSchema>[0], JSONSchemaProps]>([
    [
      'a string with checks',
      Type.String({ minLength: 1, format: 'hostname' }),
      { type: 'string', minLength: 1, format: 'hostname' },
    ],
    ['an integer with a default', Type.Integer({ default: 3 }), { type: 'integer', default: 3 }],
    ['a literal as a one-value enum', Type.Literal('on'), { type: 'string', enum: ['on'] }],
    [
      'a union of literals as an enum',
      Type.Union([Type.Literal('a'), Type.Literal('b')]),
      { type: 'string', enum: ['a', 'b'] },
    ],
    ['a TypeBox enum with its type', Type.Enum([1, 2]), { type: 'integer', enum: [1, 2] }],
    ['T | null as nullable', Type.Union([Type.Boolean(), Type.Null()]), { type: 'boolean', nullable: true }],
    [
      'a record as additionalProperties',
      Type.Record(Type.String(), Type.Integer()),
      { type: 'object', additionalProperties: { type: 'integer' } },
    ],
    [
      'an exclusive bound in OpenAPI v3.0 form',
      Type.Number({ exclusiveMaximum: 1 }),
      { type: 'number', maximum: 1, exclusiveMaximum: true },
    ],
    [
      'Type.Unknown() as any value, kept',
      Type.Unknown({ description: 'd' }),
      { description: 'd', 'x-kubernetes-preserve-unknown-fields': true },
    ],
    [
      'integer | string as int-or-string',
      Type.Union([Type.String(), Type.Integer()]),
      { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    ],
    [
      'KubeType.IntOrString',
      KubeType.IntOrString({ description: 'port' }),
      { description: 'port', 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    ],
    [
      'an array of objects',
      Type.Array(Type.Object({ a: Type.Optional(Type.String()) }), { maxItems: 2 }),
      { type: 'array', maxItems: 2, items: { type: 'object', properties: { a: { type: 'string' } } } },
    ],
  ])('translates %s', (_, schema, expected) => {
    expect(fieldSchema(schema)).toEqual(expected);
  });

  it('marks the Kubernetes extensions the helpers stand for', () => {
    expect(fieldSchema(KubeType.PreserveUnknownFields(Type.Object({ a: Type.String() })))).toEqual({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' } },
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(fieldSchema(KubeType.EmbeddedResource())).toEqual({
      type: 'object',
      properties: {},
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(fieldSchema(KubeType.EmbeddedResource(Type.Object({ spec: Type.Optional(Type.Object({})) })))).toEqual({
      type: 'object',
      properties: { spec: { type: 'object', properties: {} } },
      'x-kubernetes-embedded-resource': true,
    });
    expect(fieldSchema(KubeType.ListSet(Type.String()))).toEqual({
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
    });
    const item = Type.Object({ name: Type.String(), port: Type.Optional(Type.Integer({ default: 80 })) });
    expect(fieldSchema(KubeType.ListMap(item, ['name', 'port']))).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name', 'port'],
    });
    expect(fieldSchema(KubeType.Conditions())).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      items: {
        type: 'object',
        required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
        properties: { status: { type: 'string', enum: ['True', 'False', 'Unknown'] } },
      },
    });
  });

  it('adds CEL rules, keeping the ones already there and the optional marker', () => {
    const once = KubeType.Validations(Type.Optional(Type.String()), [{ rule: 'self.size() > 1' }]);
    const twice = KubeType.Validations(once, [
      { rule: "self != 'x'", message: 'not x', reason: 'FieldValueForbidden' },
    ]);
    const object = Type.Object({ field: twice });
    expect(object.required ?? []).toEqual([]);
    expect(fieldSchema(twice)).toEqual({
      type: 'string',
      'x-kubernetes-validations': [
        { rule: 'self.size() > 1' },
        { rule: "self != 'x'", message: 'not x', reason: 'FieldValueForbidden' },
      ],
    });
  });

  it('drops additionalProperties: false (the apiserver prunes unknown fields) and keeps true as preserve', () => {
    expect(fieldSchema(Type.Object({ a: Type.String() }, { additionalProperties: false }))).toEqual({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' } },
    });
    expect(fieldSchema(Type.Object({}, { additionalProperties: true }))).toEqual({
      type: 'object',
      properties: {},
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });
});
