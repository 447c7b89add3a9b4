import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import type { LoadedKubeConfig } from '../../../src/client/config/merge.js';
import { mergeKubeConfigs } from '../../../src/client/config/merge.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { generatePki } from '../../../src/testing/pki.js';
import { tempFiles } from './temp-files.js';

const pki = generatePki({ admin: { name: 'admin', groups: ['system:masters'] }, user: { name: 'u', groups: [] } });
const b64 = (text: string) => Buffer.from(text).toString('base64');
const secretToken = 'fixture-bearer-token-9f8e7d';
const secretPassword = 'fixture-password-1a2b3c';

/** A kubeconfig as if loaded from /kube/config. */
function loaded(config: KubeConfigFile): LoadedKubeConfig {
  return mergeKubeConfigs([{ file: '/kube/config', config }]);
}

const base: KubeConfigFile = {
  clusters: [
    { name: 'prod', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(pki.ca.certPem) } },
    { name: 'staging', cluster: { server: 'https://127.0.0.2:6443', 'insecure-skip-tls-verify': true } },
  ],
  users: [
    {
      name: 'cert',
      user: { 'client-certificate-data': b64(pki.admin.certPem), 'client-key-data': b64(pki.admin.keyPem) },
    },
    { name: 'token', user: { token: secretToken } },
  ],
  contexts: [
    { name: 'prod', context: { cluster: 'prod', user: 'cert', namespace: 'apps' } },
    { name: 'staging', context: { cluster: 'staging', user: 'token' } },
  ],
  'current-context': 'prod',
};

function withUser(user: NonNullable<KubeConfigFile['users']>[number]['user'], cluster = base.clusters?.[0]?.cluster) {
  return loaded({
    clusters: [{ name: 'c', cluster: cluster ?? {} }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
}

describe('restConfigFromKubeConfig', () => {
  it('uses the current context, decoding inline PEM data', () => {
    expect(restConfigFromKubeConfig(loaded(base))).toEqual({
      host: 'https://127.0.0.1:6443',
      namespace: 'apps',
      caData: pki.ca.certPem,
      certData: pki.admin.certPem,
      keyData: pki.admin.keyPem,
      source: { context: 'prod', cluster: 'prod', user: 'cert', clusterFile: '/kube/config', userFile: '/kube/config' },
    });
  });

  it('applies context, cluster, user and namespace overrides like kubectl flags', () => {
    expect(restConfigFromKubeConfig(loaded(base), { context: 'staging' })).toEqual({
      host: 'https://127.0.0.2:6443',
      namespace: 'default',
      insecureSkipTLSVerify: true,
      bearerToken: secretToken,
      source: {
        context: 'staging',
        cluster: 'staging',
        user: 'token',
        clusterFile: '/kube/config',
        userFile: '/kube/config',
      },
    });
    const mixed = restConfigFromKubeConfig(loaded(base), { cluster: 'staging', user: 'token', namespace: 'ops' });
    expect(mixed).toMatchObject({ host: 'https://127.0.0.2:6443', bearerToken: secretToken, namespace: 'ops' });
    expect(mixed.certData).toBeUndefined();
  });

  it('defaults the namespace to "default" like kubectl', () => {
    expect(restConfigFromKubeConfig(loaded(base), { context: 'staging' }).namespace).toBe('default');
  });

  it('works with a cluster override when no context is set', () => {
    const config = restConfigFromKubeConfig(loaded({ ...base, 'current-context': '' }), { cluster: 'staging' });
    expect(config).toEqual({
      host: 'https://127.0.0.2:6443',
      namespace: 'default',
      insecureSkipTLSVerify: true,
      source: { cluster: 'staging', clusterFile: '/kube/config' },
    });
  });

  it('copies file fields as absolute paths, resolving ones left relative against their file', async () => {
    const dir = await tempFiles({
      'kube/config': [
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", certificate-authority: pki/ca.crt}}]',
        'users: [{name: u, user: {client-certificate: pki/u.crt, client-key: /abs/u.key, tokenFile: tok}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    });
    const raw = await loadKubeConfig({ paths: [join(dir, 'kube/config')], resolvePaths: false });
    expect(restConfigFromKubeConfig(raw)).toEqual({
      host: 'https://127.0.0.1:1',
      namespace: 'default',
      caFile: join(dir, 'kube/pki/ca.crt'),
      certFile: join(dir, 'kube/pki/u.crt'),
      keyFile: '/abs/u.key',
      bearerTokenFile: join(dir, 'kube/tok'),
      source: {
        context: 'x',
        cluster: 'c',
        user: 'u',
        clusterFile: join(dir, 'kube/config'),
        userFile: join(dir, 'kube/config'),
      },
    });
  });

  it('copies token and tokenFile together, basic auth, proxy-url, tls-server-name and disable-compression', () => {
    const cluster = {
      server: 'https://127.0.0.1:6443/prefix',
      'proxy-url': 'http://127.0.0.1:3128',
      'tls-server-name': 'kubernetes.default.svc',
      'disable-compression': true,
    };
    expect(restConfigFromKubeConfig(withUser({ token: 't', tokenFile: '/var/tok' }, cluster))).toEqual({
      host: 'https://127.0.0.1:6443/prefix',
      namespace: 'default',
      tlsServerName: 'kubernetes.default.svc',
      proxyUrl: 'http://127.0.0.1:3128',
      disableCompression: true,
      bearerToken: 't',
      bearerTokenFile: '/var/tok',
      source: { context: 'x', cluster: 'c', user: 'u', clusterFile: '/kube/config', userFile: '/kube/config' },
    });
    expect(restConfigFromKubeConfig(withUser({ username: 'admin', password: secretPassword }))).toMatchObject({
      username: 'admin',
      password: secretPassword,
    });
  });

  it('copies impersonation: user, uid, groups and extras', () => {
    const user = { as: 'jane', 'as-uid': '42', 'as-groups': ['devs', 'ops'], 'as-user-extra': { scopes: ['view'] } };
    expect(restConfigFromKubeConfig(withUser(user)).impersonate).toEqual({
      userName: 'jane',
      uid: '42',
      groups: ['devs', 'ops'],
      extra: { scopes: ['view'] },
    });
  });

  it('gives an exec plugin the cluster info and the cluster’s exec extension when provideClusterInfo is set', () => {
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: '/bin/plugin',
      provideClusterInfo: true,
      interactiveMode: 'Never' as const,
    };
    const cluster = {
      server: 'https://127.0.0.1:6443',
      'tls-server-name': 'k8s',
      'certificate-authority-data': b64(pki.ca.certPem),
      'proxy-url': 'socks5://127.0.0.1:1080',
      extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'kubeloop' } }],
    };
    expect(restConfigFromKubeConfig(withUser({ exec }, cluster)).exec).toEqual({
      ...exec,
      cluster: {
        server: 'https://127.0.0.1:6443',
        'tls-server-name': 'k8s',
        'certificate-authority-data': b64(pki.ca.certPem),
        'proxy-url': 'socks5://127.0.0.1:1080',
        config: { audience: 'kubeloop' },
      },
    });
    const without = restConfigFromKubeConfig(withUser({ exec: { ...exec, provideClusterInfo: false } }, cluster));
    expect(without.exec).toEqual({ ...exec, provideClusterInfo: false });
  });

  it('reads the CA file into the exec cluster info, as client-go does', async () => {
    const dir = await tempFiles({ 'ca.crt': pki.ca.certPem });
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: 'p', provideClusterInfo: true };
    const cluster = { server: 'https://127.0.0.1:6443', 'certificate-authority': join(dir, 'ca.crt') };
    expect(restConfigFromKubeConfig(withUser({ exec }, cluster)).exec?.cluster).toEqual({
      server: 'https://127.0.0.1:6443',
      'certificate-authority-data': b64(pki.ca.certPem),
    });
  });

  it('adds https:// to a server given as host:port, as kubectl does', () => {
    expect(restConfigFromKubeConfig(withUser({}, { server: '127.0.0.1:6443' })).host).toBe('https://127.0.0.1:6443');
  });

  it('treats a context without a user as anonymous', () => {
    const config = loaded({ ...base, contexts: [{ name: 'anon', context: { cluster: 'staging', user: '' } }] });
    expect(restConfigFromKubeConfig(config, { context: 'anon' })).toEqual({
      host: 'https://127.0.0.2:6443',
      namespace: 'default',
      insecureSkipTLSVerify: true,
      source: { context: 'anon', cluster: 'staging', clusterFile: '/kube/config' },
    });
  });
});

describe('restConfigFromKubeConfig on a kubeconfig built in memory', () => {
  it('accepts a KubeConfigFile directly, resolving relative paths against the working directory', () => {
    const config: KubeConfigFile = {
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority': 'ca.crt' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: '' } }],
      'current-context': 'x',
    };
    expect(restConfigFromKubeConfig(config)).toEqual({
      host: 'https://127.0.0.1:6443',
      namespace: 'default',
      caFile: join(process.cwd(), 'ca.crt'),
      source: { context: 'x', cluster: 'c' },
    });
  });
});
