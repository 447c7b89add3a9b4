// Writes the throwaway consumer projects: one per module system and TypeScript module setting users pick.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One kind of consumer project: its package.json type, its tsconfig (TypeScript only) and its entry file. */
export interface Consumer {
  readonly name: string;
  readonly packageType: 'module' | 'commonjs';
  /** compilerOptions for tsc; absent for plain JavaScript. */
  readonly compilerOptions?: Readonly<Record<string, unknown>>;
  readonly file: string;
  readonly source: string;
}

/** Every entry point, each checked by one export it must have at run time. */
const entryPoints = {
  kubeloop: 'Controller',
  'kubeloop/client': 'RESTClient',
  'kubeloop/client/kubernetes/core-v1': 'PodsClient',
  'kubeloop/cache': 'newSharedInformerFactory',
  'kubeloop/controller': 'newManager',
  'kubeloop/crd': 'defineCustomResource',
  'kubeloop/webhook': 'deny',
  'kubeloop/testing': 'installCRDs',
} as const;

/** What every consumer prints: the inlined User-Agent and, per entry point, the type of its checked export. */
const report = `console.log(JSON.stringify({ userAgent: client.defaultUserAgent, exports: loaded }));`;

const esm = [
  ...Object.keys(entryPoints).map((spec, i) => `import * as m${i} from '${spec}';`),
  `const client = m1;`,
  `const loaded = { ${Object.entries(entryPoints).map(([spec, name], i) => `'${spec}': typeof m${i}.${name}`)} };`,
  report,
].join('\n');

const cjs = [
  `const client = require('kubeloop/client');`,
  `const loaded = {};`,
  `for (const [spec, name] of Object.entries(${JSON.stringify(entryPoints)})) loaded[spec] = typeof require(spec)[name];`,
  report,
].join('\n');

/** TypeScript: the same imports, plus lines that fail to compile unless the declarations resolved (not `any`). */
const typescript = [
  esm,
  `import type { RestConfig } from 'kubeloop/client';`,
  `import type { Pod } from 'kubeloop/client/kubernetes/core-v1';`,
  `import type { Reconciler } from 'kubeloop/controller';`,
  `export const config: RestConfig = { host: 'https://127.0.0.1:6443' };`,
  `export const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };`,
  `export const reconcile: Reconciler = async () => ({ requeueAfterMs: 1000 });`,
  `// @ts-expect-error -- a RestConfig needs a host: this line fails to compile only if the types resolved.`,
  `export const wrong: RestConfig = { namespace: 'default' };`,
].join('\n');

const strict = { strict: true, skipLibCheck: true, target: 'ES2023', outDir: 'out', types: ['node'] };

export const consumers: readonly Consumer[] = [
  { name: 'esm-js', packageType: 'module', file: 'main.js', source: esm },
  { name: 'cjs-js', packageType: 'commonjs', file: 'main.js', source: cjs },
  {
    name: 'ts-nodenext',
    packageType: 'module',
    compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' },
    file: 'main.ts',
    source: typescript,
  },
  {
    // A CommonJS project on the node16 setting, which predates require(esm): the `require` types must still work.
    name: 'ts-node16-cjs',
    packageType: 'commonjs',
    // skipLibCheck off: the `.d.cts` files themselves must compile (they silence TS1479 for node16).
    compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', skipLibCheck: false },
    file: 'main.ts',
    source: typescript,
  },
  {
    // `module: commonjs` resolves with node10 rules, which ignore `exports`: typesVersions serves the subpaths.
    name: 'ts-commonjs',
    packageType: 'commonjs',
    compilerOptions: { ...strict, module: 'commonjs', esModuleInterop: true },
    file: 'main.ts',
    source: typescript,
  },
  {
    name: 'ts-bundler',
    packageType: 'module',
    compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler' },
    file: 'main.ts',
    source: typescript,
  },
];

/** Writes `consumer`'s project under `root`; returns its directory. */
export async function writeConsumer(root: string, consumer: Consumer, typeRoots: string): Promise<string> {
  const dir = join(root, consumer.name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: consumer.name, type: consumer.packageType }));
  await writeFile(join(dir, consumer.file), `${consumer.source}\n`);
  if (consumer.compilerOptions !== undefined) {
    const compilerOptions = { ...consumer.compilerOptions, typeRoots: [typeRoots] };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [consumer.file] }));
  }
  return dir;
}

/** The expected report: every entry point's checked export is there. */
export const expectedExports: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(entryPoints).map((spec) => [spec, 'function']),
);
