/** Generates the built-in typed clients (src/client/kubernetes) from a release's saved discovery and OpenAPI data. */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildModel, type DiscoveryList, hand, typeRefOf } from './builtin-model.ts';
import { cmp, type Schema } from './model.ts';
import { type ClientLayout, renderClient, renderClientSet, renderIndex } from './render-client.ts';
import { type Provenance, renderTypes, type TypeScope } from './render-types.ts';

/** The built-ins' types: OpenAPI refs by package, every module a sibling folder; enums stay `string`. */
export const builtinTypes: TypeScope = {
  refOf: typeRefOf,
  typesPath: (from, target) => (from === target ? './types.js' : `../${target}/types.js`),
  // The server may add enum values in a later release: a literal union would reject objects it sends.
  literalEnums: false,
  defaults: false,
  hand,
};

/** The built-ins import kubeloop by relative path: they are part of it. */
export function builtinLayout(provenance: Provenance): ClientLayout {
  return {
    provenance,
    types: builtinTypes,
    library: {
      resourceClient: '../../typed/resource-client.js',
      options: '../../typed/options.js',
      applyConfiguration: '../../typed/apply-configuration.js',
      query: '../../typed/query.js',
      meta: '../../meta.js',
      restClient: '../../rest/rest-client.js',
      restConfig: '../../rest/config.js',
    },
  };
}

/** Reads the saved component schemas (one file per schema package) into one map. */
export function readSchemas(dir: string): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  for (const file of readdirSync(dir).sort(cmp)) {
    Object.assign(schemas, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, Schema>);
  }
  return schemas;
}

/** Reads a release's saved data (`dataDir`) and writes every module under `out`; returns the paths written. */
export function generateBuiltins(dataDir: string, out: string, provenance: Provenance): string[] {
  const read = <T>(name: string): T => JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as T;
  const schemas = readSchemas(join(dataDir, 'openapi-schemas'));
  const discovery = [read<DiscoveryList>('discovery-api.json'), read<DiscoveryList>('discovery-apis.json')];
  const models = buildModel(discovery, schemas);
  const byModule = new Map<string, string[]>();
  for (const name of Object.keys(schemas).sort(cmp)) {
    const { module } = typeRefOf(name);
    byModule.set(module, [...(byModule.get(module) ?? []), name]);
  }
  rmSync(out, { recursive: true, force: true });
  const written: string[] = [];
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
    written.push(path);
  };
  const clients = new Set(models.map((m) => m.module));
  const layout = builtinLayout(provenance);
  for (const [module, names] of [...byModule.entries()].sort(([a], [b]) => cmp(a, b))) {
    write(`${module}/types.ts`, renderTypes(module, names, schemas, builtinTypes, provenance));
    write(
      `${module}/index.ts`,
      renderIndex(module, clients.has(module), provenance, `kubeloop/client/kubernetes/${module}`),
    );
  }
  for (const model of models) write(`${model.module}/client.ts`, renderClient(model, layout));
  write('clientset.ts', renderClientSet(models, provenance));
  return written;
}
