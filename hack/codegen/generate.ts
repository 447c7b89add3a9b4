// Generates src/client/kubernetes/** (types and typed clients) from the saved discovery and OpenAPI v3 data.
// Run: npx node hack/codegen/generate.ts   (deterministic, no network; formats its output with the repo's biome)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, cmp, release, type Schema, typeRefOf } from './model.ts';
import { renderClient, renderClientSet, renderIndex } from './render-client.ts';
import { renderTypes } from './render-types.ts';

/** Reads the saved component schemas (one file per schema package) into one map. */
export function readSchemas(dir: string): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  for (const file of readdirSync(dir).sort(cmp)) {
    Object.assign(schemas, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, Schema>);
  }
  return schemas;
}

/** Reads the saved data and writes every module under `out`; returns the paths written, relative to `out`. */
export function generate(dataDir: string, out: string): string[] {
  const read = <T>(name: string): T => JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as T;
  const schemas = readSchemas(join(dataDir, 'openapi-schemas'));
  const models = buildModel([read('discovery-api.json'), read('discovery-apis.json')], schemas);
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
  for (const [module, names] of [...byModule.entries()].sort(([a], [b]) => cmp(a, b))) {
    write(`${module}/types.ts`, renderTypes(module, names, schemas));
    write(`${module}/index.ts`, renderIndex(module, clients.has(module)));
  }
  for (const model of models) write(`${model.module}/client.ts`, renderClient(model));
  write('clientset.ts', renderClientSet(models));
  return written;
}

/** Generates into `out` from the repo's saved data, then formats with the repo's biome; returns the paths written. */
export function generateFormatted(root: string, out: string): string[] {
  const written = generate(join(root, 'hack/codegen/api', release), out);
  // Biome sorts the imports and wraps long lines the way the repo's own code is written.
  const biome = spawnSync(join(root, 'node_modules/.bin/biome'), ['check', '--write', out], {
    cwd: root,
    encoding: 'utf8',
  });
  if (biome.status !== 0) throw new Error(`codegen: biome failed on the output:\n${biome.stdout}${biome.stderr}`);
  return written;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && resolve(process.argv[1]) === self) {
  const root = resolve(dirname(self), '../..');
  const written = generateFormatted(root, join(root, 'src/client/kubernetes'));
  console.log(`wrote ${written.length} files under src/client/kubernetes`);
}
