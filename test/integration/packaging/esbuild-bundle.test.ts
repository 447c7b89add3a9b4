// Bundles a small controller with esbuild and runs the bundle, alone in a directory, against the control plane.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clientFor, testNamespace } from '../support.js';

const run = promisify(execFile);
const plane = inject('controlPlane');
const core = { group: '', version: 'v1' };

describe('an esbuild bundle of a controller', () => {
  let dir = '';
  let bundle = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeloop-bundle-'));
    bundle = join(dir, 'controller.mjs');
    // esbuild resolves `kubeloop/*` through the package's own exports map, to dist/ as users' installs do.
    await build({
      entryPoints: [fileURLToPath(new URL('./bundled-controller.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile: bundle,
      logLevel: 'error',
      // esbuild's documented recipe for an ESM bundle of CommonJS dependencies (pino, undici) that require builtins.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps the Node.js version check, which package.json marks as a side effect', async () => {
    expect(await readFile(bundle, 'utf8')).toContain('UNSUPPORTED_NODE');
  });

  it('runs with no package.json or node_modules beside it and reconciles', async () => {
    const namespace = await testNamespace('bundle');
    const admin = await clientFor('admin');
    await admin
      .post()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .body({ metadata: { name: 'ping' } })
      .do();
    // The bundle exits once it has applied `pong`; the timeout only bounds a hang.
    await run(process.execPath, [bundle, plane.kubeconfigPath, plane.adminContext, namespace], {
      cwd: dir,
      timeout: 90_000,
    });
    const pong = await admin.get().groupVersion(core).namespace(namespace).resource('configmaps').name('pong').do();
    expect(pong).toMatchObject({ data: { from: 'bundle' } });
  });
});
