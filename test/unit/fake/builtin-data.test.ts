// The fake API server's built-in data modules must equal what the saved API data under hack/ generates.
// Regenerate both after updating hack/codegen/api: UPDATE_FAKE_DATA=1 npx vitest run --project unit <this file>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreDiscovery, groupsDiscovery } from '../../../src/testing/fake/builtin-discovery.js';
import { builtinKinds, builtinSchemas } from '../../../src/testing/fake/builtin-schemas.js';

const apiDir = 'hack/codegen/api/v1.37.2';
const fakeDir = 'src/testing/fake';

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** An aggregated discovery document without its empty list metadata. */
function discoveryDocument(file: string): Json {
  const { metadata: _metadata, ...rest } = readJson(join(apiDir, file));
  return rest;
}

/** Types the fake treats as scalars when merging (they have no fields of their own to merge). */
const scalarTypes = new Set([
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
]);

function refOf(property: Json): string | undefined {
  const direct = property.$ref;
  if (typeof direct === 'string') return direct.split('/').pop();
  for (const part of (property.allOf ?? []) as Json[])
    if (typeof part.$ref === 'string') return part.$ref.split('/').pop();
  return undefined;
}

/** Per definition, its mergeable fields: a nested definition, or `items|listType|keys|strategy|mergeKey` for a list. */
function mergeTables(): { kinds: Record<string, number>; schemas: Record<string, number | string>[] } {
  const defs: Record<string, Json> = {};
  for (const file of readdirSync(join(apiDir, 'openapi-schemas')).sort())
    Object.assign(defs, readJson(join(apiDir, 'openapi-schemas', file)));
  const fields = new Map<string, Record<string, string>>();
  const kinds = new Map<string, string>();
  for (const [name, schema] of Object.entries(defs)) {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    for (const gvk of (schema['x-kubernetes-group-version-kind'] ?? []) as Json[]) {
      if ('metadata' in properties) kinds.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
    const out: Record<string, string> = {};
    for (const [field, property] of Object.entries(properties)) {
      const ref = refOf(property);
      if (ref && !scalarTypes.has(ref) && defs[ref]?.properties) out[field] = ref;
      else if (property.type === 'array') {
        let items = refOf((property.items ?? {}) as Json);
        if (items && scalarTypes.has(items)) items = undefined;
        const listType = (property['x-kubernetes-list-type'] as string | undefined) ?? (items ? 'atomic' : '');
        const keys = ((property['x-kubernetes-list-map-keys'] ?? []) as string[]).join(',');
        out[field] =
          `[]${[items ?? '', listType, keys, property['x-kubernetes-patch-strategy'] ?? '', property['x-kubernetes-patch-merge-key'] ?? ''].join('|')}`;
      }
    }
    if (Object.keys(out).length > 0) fields.set(name, out);
  }
  const targetOf = (value: string): string => (value.startsWith('[]') ? (value.slice(2).split('|')[0] ?? '') : value);
  const reachable = new Set<string>();
  const stack = [...kinds.values()];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (reachable.has(name)) continue;
    reachable.add(name);
    for (const value of Object.values(fields.get(name) ?? {})) if (targetOf(value)) stack.push(targetOf(value));
  }
  const names = new Set<string>([...kinds.values()]);
  for (const name of reachable) {
    if (!fields.has(name)) continue;
    names.add(name);
    for (const value of Object.values(fields.get(name) ?? {})) if (targetOf(value)) names.add(targetOf(value));
  }
  const order = [...names].sort();
  const index = new Map(order.map((name, i) => [name, i]));
  const schemas = order.map((name) => {
    const out: Record<string, number | string> = {};
    for (const [field, value] of Object.entries(reachable.has(name) ? (fields.get(name) ?? {}) : {})) {
      if (!value.startsWith('[]')) out[field] = index.get(value) as number;
      else {
        const [items, ...rest] = value.slice(2).split('|');
        out[field] = [items ? String(index.get(items)) : '', ...rest].join('|');
      }
    }
    return out;
  });
  const sortedKinds = Object.fromEntries(
    [...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, index.get(v) as number]),
  );
  return { kinds: sortedKinds, schemas };
}

function writeModules(): void {
  const head = (what: string, from: string) =>
    `/** ${what} */\n// Generated from ${from} (not shipped in the package) by\n// test/unit/fake/builtin-data.test.ts, which fails when they drift: UPDATE_FAKE_DATA=1 npx vitest run <that file>.\n// biome-ignore-all format: generated data, one line per table.\n`;
  writeFileSync(
    join(fakeDir, 'builtin-discovery.ts'),
    `${head('Holds the built-in API surface of Kubernetes v1.37.2 (aggregated discovery) that the fake API server serves.', `${apiDir}/discovery-{api,apis}.json`)}import type { APIGroupDiscoveryList } from '../../client/discovery/types.js';\n\n/** \`GET /api\` (the core group) as aggregated discovery. */\nexport const coreDiscovery: APIGroupDiscoveryList = ${JSON.stringify(discoveryDocument('discovery-api.json'))};\n\n/** \`GET /apis\` (every built-in named group) as aggregated discovery. */\nexport const groupsDiscovery: APIGroupDiscoveryList = ${JSON.stringify(discoveryDocument('discovery-apis.json'))};\n`,
  );
  const { kinds, schemas } = mergeTables();
  writeFileSync(
    join(fakeDir, 'builtin-schemas.ts'),
    `${head('Holds the list semantics of the built-in kinds (list type, map keys, patch strategy) for patches and apply.', `${apiDir}/openapi-schemas`)}\n/** \`group/version/Kind\` → index of its schema in {@link builtinSchemas}. */\nexport const builtinKinds: Readonly<Record<string, number>> = ${JSON.stringify(kinds)};\n\n/**\n * Per schema, the fields that matter for merging: a number is the index of a nested object's schema; a string\n * \`items|listType|mapKeys|patchStrategy|patchMergeKey\` describes a list (\`items\` empty for scalars).\n */\nexport const builtinSchemas: readonly Readonly<Record<string, number | string>>[] = ${JSON.stringify(schemas)};\n`,
  );
}

describe('the fake API server built-in data', () => {
  if (process.env.UPDATE_FAKE_DATA === '1') writeModules();

  it('serves exactly the saved aggregated discovery of Kubernetes v1.37.2', () => {
    expect(coreDiscovery).toEqual(discoveryDocument('discovery-api.json'));
    expect(groupsDiscovery).toEqual(discoveryDocument('discovery-apis.json'));
  });

  it('merges lists by the saved OpenAPI list types and patch strategies', () => {
    const { kinds, schemas } = mergeTables();
    expect(builtinKinds).toEqual(kinds);
    expect(builtinSchemas).toEqual(schemas);
  });

  it('knows that Pod containers merge by name and Deployment is a kind', () => {
    const pod = builtinSchemas[builtinKinds['/v1/Pod'] as number];
    const podSpec = builtinSchemas[pod?.spec as number];
    expect(podSpec?.containers).toMatch(/^\d+\|map\|name\|merge\|name$/);
    expect(builtinKinds['apps/v1/Deployment']).toEqual(expect.any(Number));
  });
});
