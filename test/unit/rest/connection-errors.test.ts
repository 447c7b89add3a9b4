// Issue 9: TLS and 401 errors must say which server, kubeconfig entry and auth method are involved.
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { createAuthenticator } from '../../../src/client/rest/auth/index.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { StatusError, TransportError } from '../../../src/client/rest/index.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { TransportCache } from '../../../src/client/rest/transport.js';
import { generatePki } from '../../../src/testing/pki.js';
import { execRestConfig } from '../../fixtures/exec-plugin/exec-config.js';
import { capturingLogger } from '../auth/log-capture.js';
import { tempDir } from '../support/temp-dir.js';
import { origin, statusBody } from './mock-server.js';

const identities = { admin: { name: 'admin', groups: [] }, user: { name: 'u', groups: [] } };
const serverPki = generatePki(identities);
const otherPki = generatePki(identities);
const b64 = (text: string) => Buffer.from(text).toString('base64');

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer({ cert: serverPki.serving.certPem, key: serverPki.serving.keyPem }, (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"NamespaceList","items":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Writes a one-context kubeconfig (context "edge-ctx", cluster "edge", user "edge-user") and loads it. */
async function kubeconfigWith(cluster: Record<string, unknown>): Promise<{ path: string; config: RestConfig }> {
  const dir = await tempDir('kubeloop-edge-');
  const path = join(dir, 'kubeconfig');
  const file: KubeConfigFile = {
    clusters: [{ name: 'edge', cluster: { server: url, ...cluster } }],
    users: [{ name: 'edge-user', user: { token: 'edge-secret-token-31c7' } }],
    contexts: [{ name: 'edge-ctx', context: { cluster: 'edge', user: 'edge-user' } }],
    'current-context': 'edge-ctx',
  };
  await writeFile(path, dump(file));
  return { path, config: restConfigFromKubeConfig(await loadKubeConfig({ paths: [path] })) };
}

/** Lists namespaces with a private connection pool; resolves to the error (and what a log of it shows). */
async function failure(config: RestConfig): Promise<{ error: Error; log: string }> {
  const transport = new TransportCache();
  const { logger, lines } = capturingLogger();
  const error = await RESTClient.forConfig(config, { transport, logger })
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

describe('a TLS verification failure (issue 9)', () => {
  it('names the server, kubeconfig cluster, context and file and suggests certificate-authority', async () => {
    const dir = await tempDir('kubeloop-ca-');
    const caFile = join(dir, 'other-ca.crt');
    await writeFile(caFile, otherPki.ca.certPem);
    const { path, config } = await kubeconfigWith({ 'certificate-authority': caFile });
    const { error, log } = await failure(config);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain(
      `the TLS certificate of the server ${url} is not signed by a certificate authority`,
    );
    expect(error.message).toContain(`kubeconfig cluster "edge", context "edge-ctx", in ${path}`);
    expect(error.message).toContain(`It trusts the certificate-authority file ${caFile}`);
    expect(error.message).toContain('certificate-authority');
    expect(log).not.toContain('--use-system-ca');
    expect(log).not.toContain('edge-secret-token-31c7');
  });

  it("replaces Node's --use-system-ca hint when no CA is configured at all", async () => {
    const { config } = await kubeconfigWith({});
    const { error, log } = await failure(config);
    expect(error.message).toContain("It trusts only the system's root certificates");
    expect(error.message).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(error.message).toContain('certificate-authority-data');
    expect(log).not.toContain('--use-system-ca');
  });

  it('suggests tls-server-name when the certificate does not cover the name', async () => {
    const { config } = await kubeconfigWith({
      'certificate-authority-data': b64(serverPki.ca.certPem),
      'tls-server-name': 'elsewhere.example',
    });
    const { error } = await failure(config);
    expect(error.message).toContain('does not cover tls-server-name "elsewhere.example"');
    expect(error.message).toContain('kubeconfig cluster "edge"');
  });

  it('names the server and the configured CA for a hand-built RestConfig too', async () => {
    const { error } = await failure({ host: url, caData: otherPki.ca.certPem });
    expect(error.message).toContain(`the TLS certificate of the server ${url} is not signed`);
    expect(error.message).toContain('It trusts the inline certificate-authority-data');
    expect(error.message).not.toContain('kubeconfig');
  });

  it('keeps succeeding with the right CA', async () => {
    const { config } = await kubeconfigWith({ 'certificate-authority-data': b64(serverPki.ca.certPem) });
    const transport = new TransportCache();
    await expect(RESTClient.forConfig(config, { transport }).get().absPath('/api/v1/namespaces').do()).resolves.toEqual(
      { kind: 'NamespaceList', items: [] },
    );
    await transport.close();
  });
});

describe('a 401 (issue 9)', () => {
  const secret = 'rejected-secret-8d2a';
  const source = { context: 'prod', cluster: 'prod-cluster', user: 'ops', userFile: '/home/ops/.kube/config' };
  const execOptions = { stdinIsTerminal: false, env: { PATH: process.env.PATH ?? '' } };

  /** Sends a GET that the server answers with 401 every time; resolves to the error and the log of it. */
  async function unauthorized(config: RestConfig): Promise<{ error: Error; log: string }> {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(origin)
      .intercept({ path: '/api/v1/namespaces', method: 'GET' })
      .reply(401, statusBody(401, 'Unauthorized'))
      .persist();
    const { logger, lines } = capturingLogger();
    const error = await RESTClient.forConfig(config, { transport: { dispatcherFor: () => agent }, logger })
      .get()
      .absPath('/api/v1/namespaces')
      .do()
      .then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
    logger.warn({ err: error }, 'list failed');
    await agent.close();
    return { error, log: lines.join('') };
  }

  it.each([
    ['a bearer token', { bearerToken: secret }, 'rejected the bearer token of the config'],
    ['basic auth', { username: 'ops', password: secret }, 'rejected the basic-auth password of user "ops"'],
    [
      'a client certificate',
      { certData: serverPki.user.certPem, keyData: serverPki.user.keyPem },
      'rejected the client certificate (inline client-certificate-data)',
    ],
    ['no credentials', {}, 'rejected an anonymous request: the config has no credentials'],
  ] as const)(
    'names %s as the rejected auth method and the kubeconfig user, never the secret',
    async (_, auth, says) => {
      const { error, log } = await unauthorized({ host: origin, ...auth, source });
      expect(error).toBeInstanceOf(StatusError);
      expect((error as StatusError).reason).toBe('Unauthorized');
      expect(error.message).toBe(
        `Unauthorized: the server ${origin} ${says} (kubeconfig user "ops", context "prod", in /home/ops/.kube/config)`,
      );
      expect(log).not.toContain(secret);
    },
  );

  it('names the token file it read, never the token', async () => {
    const dir = await tempDir('kubeloop-token-');
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, secret);
    const { error, log } = await unauthorized({ host: origin, bearerTokenFile: tokenFile });
    expect(error.message).toBe(
      `Unauthorized: the server ${origin} rejected the bearer token read from the token file ${tokenFile}`,
    );
    expect(log).not.toContain(secret);
  });

  it('names the exec plugin whose credential was rejected, never the credential', async () => {
    const config = execRestConfig({ PLUGIN_TOKENS: secret }, {}, { host: origin, source });
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(origin)
      .intercept({ path: '/api/v1/namespaces', method: 'GET' })
      .reply(401, statusBody(401, 'Unauthorized'))
      .persist();
    const { logger, lines } = capturingLogger();
    const authenticator = createAuthenticator(config, execOptions);
    const transport = { dispatcherFor: () => agent };
    const error = await RESTClient.forConfig(config, { transport, logger, authenticator })
      .get()
      .absPath('/api/v1/namespaces')
      .do()
      .catch((e: unknown) => e as Error);
    await agent.close();
    logger.warn({ err: error }, 'list failed');
    expect(error).toBeInstanceOf(StatusError);
    expect((error as Error).message).toContain('the credentials of the authenticator passed to RESTClient.forConfig');
    const { error: byDefault, log } = await unauthorized(config);
    expect(byDefault.message).toContain(`rejected the credential printed by the exec plugin ${process.execPath}`);
    expect(byDefault.message).toContain('(kubeconfig user "ops", context "prod", in /home/ops/.kube/config)');
    expect(log + lines.join('')).not.toContain(secret);
  });
});
