import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import {
  CustomResourceDefinitionError,
  type CustomResourceOptions,
  type CustomResourceVersionOptions,
  defineCustomResource,
  KubeType,
} from '../../../src/crd/index.js';
import { KubeloopError } from '../../../src/errors.js';

const spec = Type.Object({
  replicas: Type.Integer(),
  color: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
});
const status = Type.Object({ replicas: Type.Optional(Type.Integer()), selector: Type.Optional(Type.String()) });
const v1: CustomResourceVersionOptions = { name: 'v1', served: true, storage: true, schema: { spec, status } };
const valid: CustomResourceOptions = { group: 'example.com', kind: 'Widget', scope: 'Namespaced', versions: [v1] };

/** The error defining `options` throws (a failure if it throws none). */
function definitionError(options: CustomResourceOptions): CustomResourceDefinitionError {
  try {
    defineCustomResource(options);
  } catch (error) {
    if (error instanceof CustomResourceDefinitionError) return error;
    throw error;
  }
  throw new Error('expected defineCustomResource to throw');
}

const withVersion = (version: Partial<CustomResourceVersionOptions>): CustomResourceOptions => ({
  ...valid,
  versions: [{ ...v1, ...version }],
});
const withSpecField = (field: Parameters<typeof Type.Object>[0][string]): CustomResourceOptions =>
  withVersion({ schema: { spec: Type.Object({ field }) } });

describe('defineCustomResource refuses what the apiserver would', () => {
  it('throws a KubeloopError with a literal code, the kind, the field and the problem', () => {
    const error = definitionError({ ...valid, plural: 'Widgets' });
    expect(error).toBeInstanceOf(KubeloopError);
    expect(error.code).toBe('INVALID_CUSTOM_RESOURCE');
    expect(error.kind).toBe('Widget');
    expect(error.field).toBe('plural');
    expect(error.message).toMatch(
      /^kubeloop: custom resource Widget: plural: "Widgets" must be a lowercase DNS-1035 label/,
    );
  });

  it.each<[string, CustomResourceOptions, string, RegExp]>([
    ['a group without a dot', { ...valid, group: 'widgets' }, 'group', /at least one dot/],
    ['a group with capitals', { ...valid, group: 'Example.com' }, 'group', /DNS subdomain/],
    ['a kind with a dash', { ...valid, kind: 'My-Widget_' }, 'kind', /CamelCase/],
    ['an upper-case singular', { ...valid, singular: 'Widget' }, 'singular', /lowercase/],
    ['a short name with a dot', { ...valid, shortNames: ['wd', 'w.d'] }, 'shortNames[1]', /lowercase/],
    ['a category with a capital', { ...valid, categories: ['All'] }, 'categories[0]', /lowercase/],
    ['a listKind equal to kind', { ...valid, listKind: 'Widget' }, 'listKind', /differ from kind/],
    ['an unknown scope', { ...valid, scope: 'Global' as 'Cluster' }, 'scope', /Namespaced or Cluster/],
    ['no versions', { ...valid, versions: [] }, 'versions', /at least one version/],
    ['no storage version', withVersion({ storage: false }), 'versions', /no version has storage: true/],
    [
      'two storage versions',
      { ...valid, versions: [v1, { ...v1, name: 'v2' }] },
      'versions[1].storage',
      /v1 and v2 both have storage: true/,
    ],
    ['a version listed twice', { ...valid, versions: [v1, { ...v1, storage: false }] }, 'versions[1].name', /twice/],
    ['a version name with a capital', withVersion({ name: 'V1' }), 'versions[0].name', /DNS-1035/],
    [
      'a warning on a version not deprecated',
      withVersion({ deprecationWarning: 'x' }),
      'versions[0].deprecationWarning',
      /deprecated: true/,
    ],
  ])('refuses %s', (_, options, field, problem) => {
    const error = definitionError(options);
    expect(error.field).toBe(field);
    expect(error.problem).toMatch(problem);
  });

  it.each<[string, CustomResourceOptions, string, RegExp]>([
    [
      'a scale spec path the schema lacks',
      withVersion({ scale: { specReplicasPath: '.spec.count', statusReplicasPath: '.status.replicas' } }),
      'versions[0].scale.specReplicasPath',
      /\.spec\.count is not a field of the schema/,
    ],
    [
      'a scale path of a string',
      withVersion({ scale: { specReplicasPath: '.spec.color', statusReplicasPath: '.status.replicas' } }),
      'versions[0].scale.specReplicasPath',
      /is string; it must be integer/,
    ],
    [
      'a scale status path without a status schema',
      withVersion({
        schema: { spec },
        scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
      }),
      'versions[0].scale.statusReplicasPath',
      /not a field/,
    ],
    [
      'a label selector path of an integer',
      withVersion({
        scale: {
          specReplicasPath: '.spec.replicas',
          statusReplicasPath: '.status.replicas',
          labelSelectorPath: '.status.replicas',
        },
      }),
      'versions[0].scale.labelSelectorPath',
      /must be string/,
    ],
    [
      'a printer column of a field the schema lacks',
      withVersion({ printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }),
      'versions[0].printerColumns[0].jsonPath',
      /not a field/,
    ],
    [
      'a printer column path without the leading dot',
      withVersion({ printerColumns: [{ name: 'Replicas', type: 'integer', jsonPath: 'spec.replicas' }] }),
      'versions[0].printerColumns[0].jsonPath',
      /starting with \./,
    ],
    [
      'a selectable array field',
      withVersion({ selectableFields: ['.spec.tags'] }),
      'versions[0].selectableFields[0]',
      /is array; it must be string or integer or boolean/,
    ],
    [
      'a selectable metadata field',
      withVersion({ selectableFields: ['.metadata.name'] }),
      'versions[0].selectableFields[0]',
      /under \.spec or \.status/,
    ],
    [
      'nine selectable fields',
      withVersion({ selectableFields: Array.from({ length: 9 }, () => '.spec.color') }),
      'versions[0].selectableFields',
      /at most 8/,
    ],
  ])('refuses %s', (_, options, field, problem) => {
    const error = definitionError(options);
    expect(error.field).toBe(field);
    expect(error.problem).toMatch(problem);
  });

  it.each<[string, CustomResourceOptions, string, RegExp]>([
    [
      'a spec that is not an object',
      withVersion({ schema: { spec: Type.String() as never } }),
      'versions[0].schema.spec',
      /must be an object/,
    ],
    [
      'a union of objects',
      withSpecField(Type.Union([Type.Object({ a: Type.String() }), Type.Object({ b: Type.String() })])),
      'versions[0].schema.spec.properties.field',
      /union is not structural/,
    ],
    [
      'an intersection',
      withSpecField(Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.String() })])),
      'versions[0].schema.spec.properties.field.allOf',
      /intersections/,
    ],
    [
      'a tuple',
      withSpecField(Type.Tuple([Type.String()])),
      'versions[0].schema.spec.properties.field.additionalItems',
      /tuples/,
    ],
    [
      'a record keyed by a pattern',
      withSpecField(Type.Record(Type.String({ pattern: '^a' }), Type.String())),
      'versions[0].schema.spec.properties.field.patternProperties',
      /only Type.Record\(Type.String\(\), V\)/,
    ],
    [
      'uniqueItems',
      withSpecField(Type.Array(Type.String(), { uniqueItems: true })),
      'versions[0].schema.spec.properties.field.uniqueItems',
      /KubeType.ListSet/,
    ],
    ['a bare null', withSpecField(Type.Null()), 'versions[0].schema.spec.properties.field.type', /nullable/],
    [
      'an enum of mixed types',
      withSpecField(Type.Union([Type.Literal('a'), Type.Literal(1)])),
      'versions[0].schema.spec.properties.field',
      /one scalar type/,
    ],
    [
      'a set of objects',
      withSpecField(KubeType.ListSet(Type.Object({}))),
      'versions[0].schema.spec.properties.field',
      /set list holds scalars/,
    ],
    [
      'a map list keyed by an optional field',
      withSpecField(KubeType.ListMap(Type.Object({ name: Type.Optional(Type.String()) }), ['name'])),
      'versions[0].schema.spec.properties.field',
      /required or have a default/,
    ],
    [
      'a map list keyed by an object',
      withSpecField(KubeType.ListMap(Type.Object({ key: Type.Object({}) }), ['key'])),
      'versions[0].schema.spec.properties.field',
      /must be a scalar/,
    ],
    ['a $ref', withSpecField(Type.Ref('Other')), 'versions[0].schema.spec.properties.field.$ref', /not supported/],
  ])('refuses a schema with %s', (_, options, field, problem) => {
    const error = definitionError(options);
    expect(error.field).toBe(field);
    expect(error.problem).toMatch(problem);
  });

  it('refuses a version it was not defined with', () => {
    const widgets = defineCustomResource(valid);
    expect(() => widgets.forVersion('v9')).toThrow(CustomResourceDefinitionError);
  });
});
