import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InClusterConfigError, InferConfigError, KubeConfigError } from '../../../src/client/config/errors.js';
import { inClusterConfig } from '../../../src/client/config/in-cluster.js';
import { inferConfig } from '../../../src/client/config/infer.js';
import { generatePki } from '../../../src/testing/pki.js';
import { tempFiles } from './temp-files.js';

const pki = generatePki({ admin: { name: 'a', groups: [] }, user: { name: 'u', groups: [] } });
const token = 'service-account-token-abc123';

async function serviceAccount(files: Record<string, string> = {}) {
  const dir = await tempFiles({ token, 'ca.crt': pki.ca.certPem, namespace: 'team-a\n', ...files });
  return {
    dir,
    tokenFile: join(dir, 'token'),
    caFile: join(dir, 'ca.crt'),
    namespaceFile: join(dir, 'namespace'),
  };
}

const podEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('inClusterConfig', () => {
  it('builds the config from the service env and the mounted files, the token as a file to re-read', async () => {
    const sa = await serviceAccount();
    expect(await inClusterConfig({ env: podEnv, ...sa })).toEqual({
      host: 'https://10.96.0.1:443',
      namespace: 'team-a',
      bearerTokenFile: sa.tokenFile,
      caFile: sa.caFile,
    });
  });

  it('brackets an IPv6 service host', async () => {
    const sa = await serviceAccount();
    const config = await inClusterConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      ...sa,
    });
    expect(config.host).toBe('https://[fd00::1]:443');
  });

  it('falls back to the default namespace and skips a CA file that holds no certificate', async () => {
    const sa = await serviceAccount({ 'ca.crt': 'not a certificate' });
    const config = await inClusterConfig({ env: podEnv, ...sa, namespaceFile: join(sa.dir, 'absent') });
    expect(config).toEqual({ host: 'https://10.96.0.1:443', namespace: 'default', bearerTokenFile: sa.tokenFile });
  });

  it.each([
    ['KUBERNETES_SERVICE_HOST', { KUBERNETES_SERVICE_PORT: '443' }],
    ['KUBERNETES_SERVICE_PORT', { KUBERNETES_SERVICE_HOST: '10.96.0.1' }],
  ])('says it is not in a cluster when %s is unset', async (_name, env) => {
    const sa = await serviceAccount();
    const error = await inClusterConfig({ env, ...sa }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InClusterConfigError);
    expect(String(error)).toContain('not running in a cluster');
  });

  it('names the token file, never the token, when the token cannot be read', async () => {
    const sa = await serviceAccount({ 'token-dir/x': token });
    const tokenFile = join(sa.dir, 'token-dir');
    const error = await inClusterConfig({ env: podEnv, ...sa, tokenFile }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IN_CLUSTER_CONFIG' });
    expect(String(error)).toContain(`${tokenFile} (EISDIR)`);
    expect(String(error)).not.toContain(token);
  });
});

const kubeconfig = `
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: kubeconfig-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}, {name: ns-y, context: {cluster: c, user: u, namespace: ns-y}}]
current-context: x
`;

describe('inferConfig', () => {
  it('prefers ~/.kube/config over in-cluster config, with overrides', async () => {
    const sa = await serviceAccount({ 'home/.kube/config': kubeconfig });
    const home = join(sa.dir, 'home');
    const config = await inferConfig({ env: podEnv, homeDir: home, ...sa, overrides: { context: 'ns-y' } });
    expect(config).toEqual({
      host: 'https://127.0.0.1:6443',
      namespace: 'ns-y',
      bearerToken: 'kubeconfig-token',
      source: {
        context: 'ns-y',
        cluster: 'c',
        user: 'u',
        clusterFile: join(home, '.kube/config'),
        userFile: join(home, '.kube/config'),
      },
    });
  });

  it('reads KUBECONFIG when it is set', async () => {
    const sa = await serviceAccount({ 'elsewhere.yaml': kubeconfig });
    const env = { ...podEnv, KUBECONFIG: join(sa.dir, 'elsewhere.yaml') };
    expect(await inferConfig({ env, homeDir: join(sa.dir, 'no-home'), ...sa })).toMatchObject({ namespace: 'default' });
  });

  it('uses in-cluster config when there is no kubeconfig', async () => {
    const sa = await serviceAccount();
    const config = await inferConfig({ env: podEnv, homeDir: join(sa.dir, 'no-home'), ...sa });
    expect(config).toEqual({
      host: 'https://10.96.0.1:443',
      namespace: 'team-a',
      bearerTokenFile: sa.tokenFile,
      caFile: sa.caFile,
    });
  });

  it('lists both failures when neither works', async () => {
    const sa = await serviceAccount();
    const home = join(sa.dir, 'no-home');
    const error = await inferConfig({ env: {}, homeDir: home, ...sa }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferConfigError);
    const infer = error as InferConfigError;
    expect(infer.kubeConfigError).toBeInstanceOf(KubeConfigError);
    expect(infer.inClusterError).toBeInstanceOf(InClusterConfigError);
    expect(infer.message).toContain(`KUBECONFIG is not set and ${join(home, '.kube', 'config')} does not exist`);
    expect(infer.message).toContain('not running in a cluster');
  });
});
