// Saves the pinned apiserver's aggregated discovery and OpenAPI v3 as the generator's input data.
// Run: npx tsc -p tsconfig.build.json && npx node hack/codegen/fetch.mjs
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startControlPlane } from '../../dist/testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const discoveryAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Returns a GET function authenticated as the control plane's admin. */
function adminGet(plane) {
  const user = plane.kubeconfig.users.find((u) => u.name === plane.adminContext).user;
  const cluster = plane.kubeconfig.clusters[0].cluster;
  const b64 = (text) => Buffer.from(text, 'base64').toString();
  const agent = new Agent({
    connect: {
      ca: b64(cluster['certificate-authority-data']),
      cert: b64(user['client-certificate-data']),
      key: b64(user['client-key-data']),
    },
  });
  return async (path, accept = 'application/json') => {
    const res = await request(plane.server + path, { dispatcher: agent, headers: { accept } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  };
}

/** Merges two copies of a shared schema: they differ only in which group-versions list them as a kind. */
function mergeSchema(a, b) {
  const gvks = [...(a['x-kubernetes-group-version-kind'] ?? []), ...(b['x-kubernetes-group-version-kind'] ?? [])];
  const unique = [...new Map(gvks.map((g) => [`${g.group}/${g.version}/${g.kind}`, g])).entries()];
  unique.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return { ...a, 'x-kubernetes-group-version-kind': unique.map(([, g]) => g) };
}

/** Sorts an object's keys, so the saved data does not depend on the server's map order. */
const sorted = (record) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

async function main() {
  const plane = await startControlPlane();
  try {
    const get = adminGet(plane);
    const version = (await get('/version')).gitVersion;
    const out = join(here, 'api', version);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const save = (name, value) => writeFile(join(out, name), `${JSON.stringify(value, null, 2)}\n`);
    await save('version.json', { gitVersion: version });
    await save('discovery-api.json', await get('/api', discoveryAccept));
    await save('discovery-apis.json', await get('/apis', discoveryAccept));
    const index = await get('/openapi/v3');
    // Every group-version document repeats meta/v1 and the types it references: keep each schema once.
    const schemas = {};
    const groupVersions = {};
    for (const path of Object.keys(index.paths).sort()) {
      if (!/^(api\/v1|apis\/[^/]+\/[^/]+)$/.test(path)) continue;
      const doc = await get(`/openapi/v3/${path}`);
      const own = doc.components?.schemas ?? {};
      for (const [name, schema] of Object.entries(own)) {
        schemas[name] = schemas[name] ? mergeSchema(schemas[name], schema) : schema;
      }
      groupVersions[path] = { paths: Object.keys(doc.paths ?? {}).sort(), schemas: Object.keys(own).sort() };
    }
    await save('openapi-paths.json', {
      index: Object.keys(index.paths).sort(),
      groupVersions,
    });
    // One file per schema package keeps each file small enough for biome (1 MiB) and diffs readable.
    const packages = {};
    for (const [name, schema] of Object.entries(sorted(schemas))) {
      const pkg = name.slice(0, name.lastIndexOf('.'));
      packages[pkg] = { ...packages[pkg], [name]: schema };
    }
    await mkdir(join(out, 'openapi-schemas'), { recursive: true });
    for (const [pkg, members] of Object.entries(packages)) await save(`openapi-schemas/${pkg}.json`, members);
    // Saved as biome formats JSON, so `biome check` stays clean after a re-fetch.
    const biome = spawnSync(join(here, '../../node_modules/.bin/biome'), ['format', '--write', out], {
      stdio: 'inherit',
    });
    if (biome.status !== 0) throw new Error('biome format failed on the saved data');
    console.log(`saved ${out}`);
  } finally {
    await plane.stop();
  }
}

await main();
