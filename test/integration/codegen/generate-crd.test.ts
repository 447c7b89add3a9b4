import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CustomResourceDefinition } from '../../../src/client/kubernetes/apiextensions-v1/types.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { installCRDs, uninstallCRDs } from '../../../src/testing/crds.js';
import { restConfigFor, testNamespace } from '../support.js';
import { type GeneratedClient, roundTrips } from './round-trips.js';

const plane = inject('controlPlane');
const root = resolve(import.meta.dirname, '../../..');
const fixtures = join(root, 'test/fixtures/crds');
const cli = join(root, 'dist/cli/kubeloop.js');
const files = readdirSync(fixtures)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => join(fixtures, f));
const crds = files.flatMap((f) => loadAll(readFileSync(f, 'utf8')) as CustomResourceDefinition[]);

let config: RestConfig;
let generated: ReturnType<typeof kubeloop>;
// Inside the repo, so the generated `kubeloop/client` imports resolve to this package (package self-reference).
let work: string;

/** Runs the built CLI as a user does, with Node 24. */
function kubeloop(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: plane.kubeconfigPath },
  });
}

/** Loads a generated module the way a program importing it does. */
async function load(module: string): Promise<Record<string, unknown>> {
  return (await import(join(work, 'out', module, 'index.ts'))) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -p tsconfig.build.json)`);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  work = mkdtempSync(join(root, 'test-results', 'codegen-'));
  config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  generated = kubeloop('generate', 'crd', ...files, '--out', join(work, 'out'));
  await installCRDs(config, crds);
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await uninstallCRDs(config, crds);
});

describe('kubeloop generate crd on the fixture CRDs', () => {
  it('generates one module per served group/version from the files', () => {
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
    expect(generated.stdout).toContain(`for ${crds.length} CRD(s)`);
    expect(readdirSync(join(work, 'out')).sort()).toEqual([
      'apiextensions-kubeloop-test-v1',
      'argo-kubeloop-test-v1alpha1',
      'backup-kubeloop-test-v1',
      'certs-kubeloop-test-v1',
      'db-kubeloop-test-v1alpha1',
      'db-kubeloop-test-v1beta1',
      'deploy-kubeloop-test-v1alpha1',
      'gateway-kubeloop-test-v1',
      'kafka-kubeloop-test-v1beta2',
      'monitoring-kubeloop-test-v1',
    ]);
  });

  it('type-checks the generated modules and a program using them', () => {
    copyFileSync(join(import.meta.dirname, 'usage.ts.txt'), join(work, 'usage.ts'));
    const tsconfig = { extends: '../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['**/*.ts'] };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', work], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it.each(roundTrips)('creates, gets and watches a $kind through its generated client in $module', async (trip) => {
    const namespace = await testNamespace('codegen');
    const group = (await load(trip.module))[trip.groupClient] as {
      forConfig(config: RestConfig): Record<string, (namespace?: string) => unknown>;
    };
    const client = group.forConfig(config);
    const accessor = client[trip.accessor];
    if (accessor === undefined) throw new Error(`${trip.groupClient} has no ${trip.accessor}()`);
    await trip.exercise(accessor.call(client, trip.namespaced ? namespace : undefined) as GeneratedClient, expect);
  });

  it('generates the same types from the CRDs on the cluster with --from-cluster', () => {
    const run = kubeloop(
      'generate',
      'crd',
      '--from-cluster',
      '--group',
      'certs.kubeloop.test',
      '--context',
      plane.adminContext,
      '--out',
      join(work, 'cluster'),
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(join(work, 'cluster'))).toEqual(['certs-kubeloop-test-v1']);
    for (const file of ['types.ts', 'client.ts', 'index.ts']) {
      const fromCluster = readFileSync(join(work, 'cluster/certs-kubeloop-test-v1', file), 'utf8').split('\n');
      const fromFiles = readFileSync(join(work, 'out/certs-kubeloop-test-v1', file), 'utf8').split('\n');
      expect(fromCluster[0]).toMatch(/^\/\/ Code generated by `kubeloop generate crd` from cluster https:/);
      expect(fromCluster.slice(1)).toEqual(fromFiles.slice(1));
    }
  });

  it('exits 1 naming the group when the cluster has no CRD of it', () => {
    const context = ['--context', plane.adminContext];
    const run = kubeloop(
      'generate',
      'crd',
      '--from-cluster',
      '--group',
      'absent.kubeloop.test',
      ...context,
      '--out',
      work,
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no CRD of group absent.kubeloop.test');
  });
});
