import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { Agent, request } from 'undici';
import { describe, expect, inject, it } from 'vitest';
import type { KubeConfigFile } from '../../src/client/config/kubeconfig-file.js';

const run = promisify(execFile);
const plane = inject('controlPlane');

async function pinnedKubernetesVersion(): Promise<string> {
  const goMod = await readFile(new URL('../../hack/control-plane/kube/go.mod', import.meta.url), 'utf8');
  const version = /^require k8s\.io\/kubernetes (v\S+)$/m.exec(goMod)?.[1];
  if (!version) throw new Error('no k8s.io/kubernetes pin in hack/control-plane/kube/go.mod');
  return version;
}

async function agentFor(context: string): Promise<Agent> {
  const config = yaml.load(await readFile(plane.kubeconfigPath, 'utf8')) as KubeConfigFile;
  const user = config.users?.find((entry) => entry.name === context)?.user;
  const cluster = config.clusters?.[0]?.cluster;
  const decode = (data: string | undefined) => Buffer.from(data ?? '', 'base64').toString();
  return new Agent({
    connect: {
      ca: decode(cluster?.['certificate-authority-data']),
      cert: decode(user?.['client-certificate-data']),
      key: decode(user?.['client-key-data']),
    },
  });
}

describe('the local control plane', () => {
  it('is a real kube-apiserver reporting the pinned release on /version', async () => {
    const agent = await agentFor(plane.adminContext);
    const response = await request(`${plane.server}/version`, { dispatcher: agent });
    const version = (await response.body.json()) as { gitVersion: string; gitTreeState: string };
    expect(version.gitVersion).toBe(await pinnedKubernetesVersion());
    expect(version.gitTreeState).toBe('clean');
    await agent.close();
  });

  it('lets the built kubectl list namespaces with the generated kubeconfig', async () => {
    const { stdout } = await run(plane.kubectl, [
      '--kubeconfig',
      plane.kubeconfigPath,
      'get',
      'namespaces',
      '-o',
      'name',
    ]);
    expect(stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system']));
  });

  it('forbids the unprivileged user from listing secrets cluster-wide', async () => {
    const kubectl = run(plane.kubectl, [
      '--kubeconfig',
      plane.kubeconfigPath,
      '--context',
      plane.userContext,
      'get',
      'secrets',
      '--all-namespaces',
    ]);
    await expect(kubectl).rejects.toMatchObject({ stderr: expect.stringContaining('Forbidden') });

    const agent = await agentFor(plane.userContext);
    const response = await request(`${plane.server}/api/v1/secrets`, { dispatcher: agent });
    const status = (await response.body.json()) as { reason: string; code: number; message: string };
    expect(response.statusCode).toBe(403);
    expect(status).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(status.message).toContain('User "kubeloop-user" cannot list resource "secrets"');
    await agent.close();
  });

  it('exposes etcd on loopback only', () => {
    expect(new URL(plane.etcdEndpoint).hostname).toBe('127.0.0.1');
    expect(new URL(plane.server).hostname).toBe('127.0.0.1');
  });
});
