// Proves relative tokenFile and exec command paths resolve where kubectl resolves them, by running kubectl.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeConfigError } from '../../../src/client/config/errors.js';
import type { AuthInfo } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-config-paths-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Writes a kubeconfig for the shared apiserver in `<dir>/kube/config` whose user is `user`. */
async function writeKubeconfig(user: AuthInfo): Promise<string> {
  const { server } = inject('controlPlane');
  await mkdir(join(dir, 'kube', 'bin'), { recursive: true });
  const path = join(dir, 'kube', 'config');
  const config = {
    clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  await writeFile(path, dump(config));
  return path;
}

/** Runs `kubectl get --raw /version` from the filesystem root, so nothing resolves against the kubeconfig's folder by accident. */
async function kubectlGet(kubeconfig: string): Promise<string> {
  const { kubectl } = inject('controlPlane');
  const args = ['--kubeconfig', kubeconfig, 'get', '--raw', '/version', '--request-timeout=30s'];
  const result = await run(kubectl, args, { cwd: '/', env: { PATH: process.env.PATH ?? '', HOME: dir } }).catch(
    (error: { stderr?: string }) => ({ stdout: '', stderr: error.stderr ?? '' }),
  );
  return result.stdout + result.stderr;
}

describe('relative paths, checked against what kubectl does with them', () => {
  it('resolve an exec command with a path separator against the kubeconfig folder', async () => {
    const marker = join(dir, 'exec-ran');
    const plugin = join(dir, 'kube', 'bin', 'plugin');
    const credential =
      '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}';
    await mkdir(join(dir, 'kube', 'bin'), { recursive: true });
    await writeFile(plugin, `#!/bin/sh\nprintf '%s' "$0" > '${marker}'\necho '${credential}'\n`);
    await chmod(plugin, 0o755);
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'bin/plugin',
      interactiveMode: 'Never' as const,
    };
    const kubeconfig = await writeKubeconfig({ exec });
    await kubectlGet(kubeconfig);
    const ranAs = await readFile(marker, 'utf8');
    const ours = restConfigFromKubeConfig(await loadKubeConfig({ paths: [kubeconfig] }));
    expect(ranAs).toBe(plugin);
    expect(ours.exec?.command).toBe(ranAs);
  });

  it('resolve a tokenFile against the kubeconfig folder', async () => {
    await writeFile(join(dir, 'kube', 'token'), 'not-a-valid-token');
    const kubeconfig = await writeKubeconfig({ tokenFile: 'token' });
    // kubectl found and sent the file's token: the apiserver rejects it, rather than kubectl failing to read it.
    expect(await kubectlGet(kubeconfig)).toContain('Unauthorized');
    const ours = restConfigFromKubeConfig(await loadKubeConfig({ paths: [kubeconfig] }));
    expect(ours.bearerTokenFile).toBe(join(dir, 'kube', 'token'));
  });

  it('fail in kubectl too when the tokenFile is missing next to the kubeconfig', async () => {
    const kubeconfig = await writeKubeconfig({ tokenFile: 'absent-token' });
    expect(await kubectlGet(kubeconfig)).toContain(join(dir, 'kube', 'absent-token'));
  });

  it('fail in kubectl and in loadKubeConfig alike when an explicit kubeconfig is missing', async () => {
    const absent = join(dir, 'absent-kubeconfig');
    expect(await kubectlGet(absent)).toContain(`stat ${absent}: no such file or directory`);
    const error = await loadKubeConfig({ paths: [absent] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConfigError);
    expect(error).toMatchObject({ code: 'KUBECONFIG_NOT_FOUND', file: absent });
  });
});
