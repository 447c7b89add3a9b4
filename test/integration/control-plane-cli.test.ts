import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const plane = inject('controlPlane');
const cli = new URL('../../dist/testing/cli.js', import.meta.url).pathname;

describe('the kubeloop-control-plane CLI', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'kubeloop-cli-'));
  const bin = dirname(plane.kubectl);
  // The envtest variables point at the already built binaries, so this private cache folder needs no build.
  const env = { ...process.env, XDG_CACHE_HOME: cache, KUBEBUILDER_ASSETS: bin };
  const kubeloop = (command: string) => run(process.execPath, [cli, command], { env });
  afterAll(async () => {
    await kubeloop('down');
    await rm(cache, { recursive: true, force: true });
  });

  it('brings a control plane up in the background, tells its KUBECONFIG, and takes it down', async () => {
    const { stdout: up } = await kubeloop('up');
    const kubeconfigPath = up.trim();
    expect(existsSync(kubeconfigPath)).toBe(true);

    const { stdout: envLine } = await kubeloop('env');
    expect(envLine).toBe(`export KUBECONFIG=${kubeconfigPath}\nexport PATH=${bin}:$PATH\n`);
    const { stdout: again } = await kubeloop('up');
    expect(again.trim()).toBe(kubeconfigPath);

    const { stdout: namespaces } = await run(plane.kubectl, [
      '--kubeconfig',
      kubeconfigPath,
      'get',
      'ns',
      '-o',
      'name',
    ]);
    expect(namespaces).toContain('namespace/default');

    await kubeloop('down');
    expect(existsSync(kubeconfigPath)).toBe(false);
    await expect(kubeloop('env')).rejects.toMatchObject({ stderr: expect.stringContaining('no local control plane') });
  });
});
