import { Writable } from 'node:stream';
import { Agent, EnvHttpProxyAgent, MockAgent, ProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { TransportCache } from '../../../src/client/rest/transport.js';
import { createLogger } from '../../../src/logger.js';

const identity = { origin: 'https://127.0.0.1:6443', ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' };

describe('TransportCache', () => {
  it('returns one dispatcher for equal identities and another for a different TLS identity', async () => {
    const cache = new TransportCache();
    const a = cache.dispatcherFor({ ...identity });
    expect(cache.dispatcherFor({ ...identity })).toBe(a);
    expect(cache.dispatcherFor({ ...identity, cert: 'OTHER' })).not.toBe(a);
    expect(cache.dispatcherFor({ ...identity, servername: 'kubernetes' })).not.toBe(a);
    expect(cache.dispatcherFor({ ...identity, origin: 'https://127.0.0.1:6444' })).not.toBe(a);
    expect(cache.size).toBe(4);
    await cache.close();
    expect(cache.size).toBe(0);
  });

  it('warns once per insecure identity, without the key material', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const cache = new TransportCache({ logger: createLogger({ destination }) });
    cache.dispatcherFor({ ...identity, insecureSkipTLSVerify: true });
    cache.dispatcherFor({ ...identity, insecureSkipTLSVerify: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('TLS certificate verification is disabled');
    expect(lines[0]).not.toContain('KEY-PEM');
    await cache.close();
  });

  it('uses the explicit proxy, else the environment proxy, but never for loopback servers', async () => {
    const env = { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'internal.example' };
    const cache = new TransportCache({ env });
    expect(cache.dispatcherFor({ ...identity, proxyUrl: 'http://127.0.0.1:8080' })).toBeInstanceOf(ProxyAgent);
    expect(cache.dispatcherFor({ ...identity, origin: 'https://api.cluster.example:6443' })).toBeInstanceOf(
      EnvHttpProxyAgent,
    );
    expect(cache.dispatcherFor(identity)).toBeInstanceOf(Agent);
    expect(cache.dispatcherFor({ ...identity, origin: 'https://[::1]:6443' })).toBeInstanceOf(Agent);
    expect(new TransportCache({ env: {} }).dispatcherFor({ ...identity, origin: 'https://x.example' })).toBeInstanceOf(
      Agent,
    );
    await cache.close();
  });
});

describe('the transport identity of a request', () => {
  it('carries the TLS material of the config, replaced by a client certificate from the authenticator', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://127.0.0.1:6443').intercept({ path: '/version' }).reply(200, {}).times(2);
    const identities: unknown[] = [];
    const transport = {
      dispatcherFor: (id: unknown) => {
        identities.push(id);
        return agent;
      },
    };
    const config = {
      host: 'https://127.0.0.1:6443',
      caData: 'CA',
      certData: 'CERT',
      keyData: 'KEY',
      tlsServerName: 'kubernetes',
    };
    await RESTClient.forConfig(config, { transport }).get().absPath('/version').do();
    const exec = {
      headers: async () => ({}),
      clientCertificate: async () => ({ cert: 'EXEC-CERT', key: 'EXEC-KEY' }),
      refresh: async () => false,
    };
    await RESTClient.forConfig(config, { transport, authenticator: exec }).get().absPath('/version').do();
    expect(identities).toEqual([
      { origin: 'https://127.0.0.1:6443', ca: 'CA', cert: 'CERT', key: 'KEY', servername: 'kubernetes' },
      { origin: 'https://127.0.0.1:6443', ca: 'CA', cert: 'EXEC-CERT', key: 'EXEC-KEY', servername: 'kubernetes' },
    ]);
    await agent.close();
  });
});
