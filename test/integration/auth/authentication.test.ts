import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticator } from '../../../src/client/rest/auth/index.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { isUnauthorized, RESTClient } from '../../../src/client/rest/index.js';
import { execRestConfig, pluginWorkspace } from '../../fixtures/exec-plugin/exec-config.js';
import { capturingLogger } from '../../unit/auth/log-capture.js';
import { tempDir } from '../../unit/support/temp-dir.js';
import { createNamespace, deleteNamespace } from '../support.js';
import { type ClusterConfig, configsFor, serviceAccountToken, whoAmI } from './cluster.js';

const plane = inject('controlPlane');
const execOptions = { stdinIsTerminal: false, env: { PATH: process.env.PATH ?? '' } };

let cluster: ClusterConfig;
let admin: RESTClient;
let namespace: string;
let readerToken: string;
let writerToken: string;

/** A client with its own authenticator, so the test can reach refresh() and the exec test options. */
function clientWith(config: RestConfig, options: Parameters<typeof createAuthenticator>[1] = {}) {
  const authenticator = createAuthenticator(config, options);
  return { authenticator, client: RESTClient.forConfig(config, { authenticator }) };
}

beforeAll(async () => {
  const configs = await configsFor(plane.kubeconfigPath, plane.adminContext);
  cluster = configs.cluster;
  admin = RESTClient.forConfig(configs.admin);
  namespace = await createNamespace('auth');
  readerToken = await serviceAccountToken(admin, namespace, 'reader');
  writerToken = await serviceAccountToken(admin, namespace, 'writer');
});

afterAll(async () => {
  await deleteNamespace(namespace);
});

describe('authentication against the real apiserver', () => {
  it('authenticates a bearer token as its service account', async () => {
    const client = RESTClient.forConfig({ ...cluster, bearerToken: readerToken });
    const user = await whoAmI(client);
    expect(user.username).toBe(`system:serviceaccount:${namespace}:reader`);
    expect(user.groups).toContain(`system:serviceaccounts:${namespace}`);
  });

  it('rejects an invalid static token with Unauthorized and does not retry', async () => {
    const { client, authenticator } = clientWith({ ...cluster, bearerToken: 'not-a-valid-token' });
    const error = await whoAmI(client).catch((e: unknown) => e);
    expect(isUnauthorized(error)).toBe(true);
    expect(await authenticator.refresh()).toBe(false);
  });

  it('reads a token file, and picks up a rewritten file after refresh', async () => {
    const path = join(await tempDir('kubeloop-token-'), 'token');
    await writeFile(path, `${readerToken}\n`);
    const { client, authenticator } = clientWith({ ...cluster, bearerTokenFile: path });
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:reader`);
    await writeFile(path, writerToken);
    // Within the re-read period the cached token is still used.
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:reader`);
    expect(await authenticator.refresh()).toBe(true);
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:writer`);
  });

  it('recovers from a 401 when the token file was rotated since it was read', async () => {
    const path = join(await tempDir('kubeloop-token-'), 'token');
    await writeFile(path, 'revoked-token');
    const { client, authenticator } = clientWith({ ...cluster, bearerTokenFile: path });
    await authenticator.headers();
    await writeFile(path, readerToken);
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:reader`);
  });

  it('authenticates with the token an exec plugin prints', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: readerToken }, {}, cluster);
    const { client } = clientWith(config, execOptions);
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:reader`);
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:reader`);
    expect(await ws.runs()).toHaveLength(1);
  });

  it('refreshes once after an exec token is rejected, succeeds, and logs no token', async () => {
    const ws = await pluginWorkspace();
    const { logger, lines } = capturingLogger();
    const config = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: `invalid-exec-token,${writerToken}` },
      {},
      { ...cluster, logger },
    );
    const { client } = clientWith(config, execOptions);
    expect((await whoAmI(client)).username).toBe(`system:serviceaccount:${namespace}:writer`);
    expect(await ws.runs()).toHaveLength(2);
    expect(lines.join('')).not.toContain('invalid-exec-token');
    expect(lines.join('')).not.toContain(writerToken);
  });

  it('authenticates with a client certificate an exec plugin prints', async () => {
    const { admin: userConfig } = await configsFor(plane.kubeconfigPath, plane.userContext);
    const ws = await pluginWorkspace();
    await writeFile(join(ws.dir, 'cert.pem'), userConfig.certData ?? '');
    await writeFile(join(ws.dir, 'key.pem'), userConfig.keyData ?? '');
    const config = execRestConfig(
      { PLUGIN_CERT_FILE: join(ws.dir, 'cert.pem'), PLUGIN_KEY_FILE: join(ws.dir, 'key.pem') },
      {},
      cluster,
    );
    const { client } = clientWith(config, execOptions);
    const user = await whoAmI(client);
    const adminUser = await whoAmI(admin);
    expect(user.username).not.toBe(adminUser.username);
    expect(user.username).toBe(await whoAmI(RESTClient.forConfig(userConfig)).then((u) => u.username));
  });

  it('impersonates a user, uid, groups and extras, as the server sees it', async () => {
    const { admin: adminConfig } = await configsFor(plane.kubeconfigPath, plane.adminContext);
    const client = RESTClient.forConfig({
      ...adminConfig,
      impersonate: {
        userName: 'jane@example.com',
        uid: 'uid-1234',
        groups: ['developers', 'on-call'],
        extra: { scopes: ['view', 'edit'], 'example.com/team': ['blue team'] },
      },
    });
    const user = await whoAmI(client);
    expect(user.username).toBe('jane@example.com');
    expect(user.uid).toBe('uid-1234');
    expect(user.groups).toEqual(expect.arrayContaining(['developers', 'on-call']));
    expect(user.extra).toEqual({ scopes: ['view', 'edit'], 'example.com/team': ['blue team'] });
  });
});
