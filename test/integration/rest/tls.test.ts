import { Writable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { RESTClient, TransportCache, TransportError } from '../../../src/client/rest/index.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor } from '../support.js';

const plane = inject('controlPlane');

async function adminConfig(): Promise<RestConfig> {
  return await restConfigFor(plane.kubeconfigPath, plane.adminContext);
}

function whoAmI(client: RESTClient): Promise<{ status: { userInfo: { username: string } } }> {
  return client
    .post()
    .groupVersion({ group: 'authentication.k8s.io', version: 'v1' })
    .resource('selfsubjectreviews')
    .body({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })
    .do();
}

describe('TLS identity', () => {
  it('authenticates with the client certificate of the config', async () => {
    const admin = RESTClient.forConfig(await adminConfig());
    const user = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.userContext));
    expect((await whoAmI(admin)).status.userInfo.username).toBe('kubeloop-admin');
    expect((await whoAmI(user)).status.userInfo.username).toBe('kubeloop-user');
  });

  it('verifies the server against tlsServerName', async () => {
    const transport = new TransportCache();
    const good = RESTClient.forConfig({ ...(await adminConfig()), tlsServerName: 'kubernetes.default' }, { transport });
    await expect(good.get().absPath('/version').do()).resolves.toHaveProperty('gitVersion');
    const bad = RESTClient.forConfig(
      { ...(await adminConfig()), tlsServerName: 'not-the-server.example' },
      { transport },
    );
    await expect(bad.get().absPath('/version').do()).rejects.toBeInstanceOf(TransportError);
    await transport.close();
  });

  it('rejects a server its CA does not vouch for', async () => {
    const { caData: _, ...withoutCa } = await adminConfig();
    const transport = new TransportCache();
    const client = RESTClient.forConfig(withoutCa, { transport });
    await expect(client.get().absPath('/version').do()).rejects.toBeInstanceOf(TransportError);
    await transport.close();
  });

  it('skips verification when insecureSkipTLSVerify is set, warning once through the logger', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const { caData: _, ...withoutCa } = await adminConfig();
    const config = { ...withoutCa, insecureSkipTLSVerify: true, logger: createLogger({ destination }) };
    const transport = new TransportCache();
    const client = RESTClient.forConfig(config, { transport });
    await client.get().absPath('/version').do();
    await client.get().absPath('/version').do();
    expect((await whoAmI(client)).status.userInfo.username).toBe('kubeloop-admin');
    expect(lines.filter((line) => line.includes('TLS certificate verification is disabled'))).toHaveLength(1);
    expect(lines.join('')).not.toContain('PRIVATE KEY');
    await transport.close();
  });
});
