// Issue 9: against the real apiserver, a TLS mismatch names the kubeconfig cluster and context and suggests
// certificate-authority, and a 401 names the auth method that was rejected, never the credential.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { isUnauthorized, RESTClient, TransportError } from '../../../src/client/rest/index.js';
import { TransportCache } from '../../../src/client/rest/transport.js';
import { generatePki } from '../../../src/testing/pki.js';
import { pluginScript } from '../../fixtures/exec-plugin/exec-config.js';
import { capturingLogger } from '../../unit/auth/log-capture.js';
import { tempDir } from '../../unit/support/temp-dir.js';
import { restConfigFor } from '../support.js';
import { type ClusterConfig, configsFor } from './cluster.js';

const plane = inject('controlPlane');
const wrongToken = 'wrong-token-ab12cd34ef56';
let cluster: ClusterConfig;

beforeAll(async () => {
  cluster = (await configsFor(plane.kubeconfigPath, plane.adminContext)).cluster;
});

/** Writes a kubeconfig with one context per user, all on cluster `name` with the given CA settings. */
async function kubeconfig(
  name: string,
  ca: Record<string, string>,
  users: Record<string, NonNullable<KubeConfigFile['users']>[number]['user']>,
): Promise<string> {
  const dir = await tempDir('kubeloop-edge-');
  const file: KubeConfigFile = {
    clusters: [{ name, cluster: { server: cluster.host, ...ca } }],
    users: Object.entries(users).map(([user, spec]) => ({ name: user, user: spec })),
    contexts: Object.keys(users).map((user) => ({ name: `${user}-ctx`, context: { cluster: name, user } })),
  };
  const path = join(dir, 'kubeconfig');
  await writeFile(path, dump(file));
  return path;
}

/** Lists namespaces as `context`; resolves to the error and what a warn log of it shows. */
async function listFails(path: string, context: string): Promise<{ error: Error; log: string }> {
  const { logger, lines } = capturingLogger();
  const transport = new TransportCache();
  const client = RESTClient.forConfig(await restConfigFor(path, context), { transport, logger });
  const error = await client
    .get()
    .absPath('/api/v1/namespaces')
    .do()
    .then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
  await transport.close();
  logger.warn({ err: error }, 'list failed');
  return { error, log: lines.join('') };
}

describe('connection and auth errors against the real apiserver (issue 9)', () => {
  it('names the server, kubeconfig cluster and context of a TLS mismatch and suggests certificate-authority', async () => {
    const other = generatePki({ admin: { name: 'a', groups: [] }, user: { name: 'u', groups: [] } });
    const dir = await tempDir('kubeloop-ca-');
    const caFile = join(dir, 'other-ca.crt');
    await writeFile(caFile, other.ca.certPem);
    const path = await kubeconfig('wrong-ca', { 'certificate-authority': caFile }, { tls: { token: wrongToken } });
    const { error, log } = await listFails(path, 'tls-ctx');
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain(`the TLS certificate of the server ${cluster.host} is not signed`);
    expect(error.message).toContain(`(kubeconfig cluster "wrong-ca", context "tls-ctx", in ${path})`);
    expect(error.message).toContain(`It trusts the certificate-authority file ${caFile}`);
    expect(error.message).toContain("Set the cluster's certificate-authority");
    expect(log).not.toContain('--use-system-ca');
    expect(log).not.toContain(wrongToken);
  });

  it('names a rejected token, token file or exec plugin in the 401, never the token', async () => {
    const dir = await tempDir('kubeloop-token-');
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, wrongToken);
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [pluginScript],
      env: [{ name: 'PLUGIN_TOKENS', value: wrongToken }],
      interactiveMode: 'Never' as const,
    };
    const ca = { 'certificate-authority-data': Buffer.from(cluster.caData ?? '').toString('base64') };
    const path = await kubeconfig('local', ca, { token: { token: wrongToken }, file: { tokenFile }, plugin: { exec } });
    const cases = [
      ['token-ctx', 'the bearer token of the config', 'token'],
      ['file-ctx', `the bearer token read from the token file ${tokenFile}`, 'file'],
      ['plugin-ctx', `the credential printed by the exec plugin ${process.execPath}`, 'plugin'],
    ] as const;
    for (const [context, method, user] of cases) {
      const { error, log } = await listFails(path, context);
      expect(isUnauthorized(error)).toBe(true);
      expect(error.message).toBe(
        `Unauthorized: the server ${cluster.host} rejected ${method} (kubeconfig user "${user}", context "${context}", in ${path})`,
      );
      expect(log).not.toContain(wrongToken);
    }
  });
});
