// Proves a RestConfig built from kubeconfig reaches the real apiserver: inline data, relative files, overrides.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { isForbidden, RESTClient } from '../../../src/client/rest/index.js';

const core = { group: '', version: 'v1' };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-config-it-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const fromBase64 = (data: string | undefined) => Buffer.from(data ?? '', 'base64');

/** Rewrites the control plane's kubeconfig with its CA, certificate and key as files relative to the kubeconfig. */
async function kubeconfigWithRelativeFiles(): Promise<string> {
  const { kubeconfigPath, adminContext } = inject('controlPlane');
  const original = load(await readFile(kubeconfigPath, 'utf8')) as KubeConfigFile;
  const context = original.contexts?.find((c) => c.name === adminContext)?.context;
  const cluster = original.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = original.users?.find((u) => u.name === context?.user)?.user;
  await mkdir(join(dir, 'kube', 'pki'), { recursive: true });
  await writeFile(join(dir, 'kube', 'pki', 'ca.crt'), fromBase64(cluster?.['certificate-authority-data']));
  await writeFile(join(dir, 'kube', 'pki', 'admin.crt'), fromBase64(user?.['client-certificate-data']));
  await writeFile(join(dir, 'kube', 'pki', 'admin.key'), fromBase64(user?.['client-key-data']));
  const rewritten: KubeConfigFile = {
    clusters: [{ name: 'files', cluster: { server: cluster?.server ?? '', 'certificate-authority': 'pki/ca.crt' } }],
    users: [{ name: 'files', user: { 'client-certificate': 'pki/admin.crt', 'client-key': './pki/admin.key' } }],
    contexts: [{ name: 'files', context: { cluster: 'files', user: 'files', namespace: 'kube-system' } }],
    'current-context': 'files',
  };
  const path = join(dir, 'kube', 'config');
  await writeFile(path, dump(rewritten));
  return path;
}

describe('a RestConfig from kubeconfig', () => {
  it('reaches the apiserver as the admin with inline certificate data', async () => {
    const { kubeconfigPath, adminContext, kubernetesVersion } = inject('controlPlane');
    const loaded = await loadKubeConfig({ env: { KUBECONFIG: kubeconfigPath } });
    const client = RESTClient.forConfig(restConfigFromKubeConfig(loaded, { context: adminContext }));
    const version = await client.get().absPath('/version').do<{ gitVersion: string }>();
    expect(version.gitVersion).toContain(kubernetesVersion.replace(/^v/, ''));
  });

  it('is the unprivileged user with the user context override, and gets Forbidden', async () => {
    const { kubeconfigPath, userContext } = inject('controlPlane');
    const loaded = await loadKubeConfig({ paths: [kubeconfigPath] });
    const client = RESTClient.forConfig(restConfigFromKubeConfig(loaded, { context: userContext }));
    const error = await client
      .get()
      .groupVersion(core)
      .resource('namespaces')
      .do()
      .catch((e: unknown) => e);
    expect(isForbidden(error)).toBe(true);
  });

  it('reaches the apiserver with CA, certificate and key files given relative to the kubeconfig', async () => {
    const path = await kubeconfigWithRelativeFiles();
    // The kubeconfig lives outside the working directory: resolving against the cwd would miss the files.
    const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [path] }));
    expect(config).toMatchObject({
      caFile: join(dir, 'kube', 'pki', 'ca.crt'),
      certFile: join(dir, 'kube', 'pki', 'admin.crt'),
      keyFile: join(dir, 'kube', 'pki', 'admin.key'),
      namespace: 'kube-system',
    });
    const client = RESTClient.forConfig(config);
    const ns = await client.get().groupVersion(core).resource('namespaces').name('kube-system').do<{ kind: string }>();
    expect(ns.kind).toBe('Namespace');
  });
});
