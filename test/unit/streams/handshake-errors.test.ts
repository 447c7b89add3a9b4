// Stream handshakes explain a final 401 and a failed TLS connection exactly as requests of the same client do.
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuthInfo, ExecConfig, KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { StatusError, TransportError } from '../../../src/client/rest/index.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { TransportCache } from '../../../src/client/rest/transport.js';
import { execCommand, openPortForwardStream } from '../../../src/client/streams/index.js';
import { generatePki } from '../../../src/testing/pki.js';
import { pluginScript, pluginWorkspace, v1 } from '../../fixtures/exec-plugin/exec-config.js';
import { capturingLogger } from '../auth/log-capture.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestServer, type TestServer } from './support/ws-server.js';

const pod = { namespace: 'default', pod: 'web' };
const unauthorized = { kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

/** Each stream that opens a WebSocket, with the subresource path its handshake uses. */
const streams = [
  [
    'execCommand',
    `/api/v1/namespaces/default/pods/web/exec`,
    (rest: RESTClient) => execCommand(rest, { ...pod, command: ['true'] }),
  ],
  [
    'openPortForwardStream',
    `/api/v1/namespaces/default/pods/web/portforward`,
    (rest: RESTClient) => openPortForwardStream(rest, { ...pod, port: 8080 }),
  ],
] as const;

let closeServer: (() => Promise<void>) | undefined;
const transport = new TransportCache();

afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

afterAll(() => transport.close());

/** Writes a one-context kubeconfig (context "edge-ctx", cluster "edge", user "edge-user") and loads it. */
async function kubeconfig(server: string, cluster: Record<string, unknown>, user: AuthInfo) {
  const path = join(await tempDir('kubeloop-handshake-'), 'kubeconfig');
  const file: KubeConfigFile = {
    clusters: [{ name: 'edge', cluster: { server, ...cluster } }],
    users: [{ name: 'edge-user', user }],
    contexts: [{ name: 'edge-ctx', context: { cluster: 'edge', user: 'edge-user' } }],
    'current-context': 'edge-ctx',
  };
  await writeFile(path, dump(file));
  return { path, config: restConfigFromKubeConfig(await loadKubeConfig({ paths: [path] })) };
}

/** The request path's failure and the stream's, on one client, and what a log of both shows. */
async function failures(config: RestConfig, open: (rest: RESTClient) => Promise<unknown>) {
  const { logger, lines } = capturingLogger();
  const rest = RESTClient.forConfig(config, { transport, logger });
  const caught = (e: unknown) => e as Error;
  const stream = await open(rest).then(() => new Error('expected the handshake to fail'), caught);
  const request = await rest
    .get()
    .absPath('/api/v1/namespaces')
    .do()
    .then(() => new Error('expected a failure'), caught);
  logger.warn({ err: stream }, 'stream failed');
  return { stream, request, log: lines.join('') };
}

describe('a stream handshake answered 401 after the refresh', () => {
  it.each(streams)(
    '%s names the server, kubeconfig user, context, file and exec plugin, never the token',
    async (_, path, open) => {
      const server = await rejectingServer();
      const ws = await pluginWorkspace();
      const env = { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'stale-secret-1,fresh-secret-2' };
      const exec: ExecConfig = {
        apiVersion: v1,
        command: process.execPath,
        args: [pluginScript],
        interactiveMode: 'Never',
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
      };
      const { path: file, config } = await kubeconfig(server.host, {}, { exec });

      const { stream, request, log } = await failures(config, open);

      expect(stream).toBeInstanceOf(StatusError);
      expect(stream).toMatchObject({ statusCode: 401, reason: 'Unauthorized', path });
      expect(stream.message).toBe(
        `Unauthorized: the server ${server.host} rejected the credential printed by the exec plugin ${process.execPath} ` +
          `(kubeconfig user "edge-user", context "edge-ctx", in ${file})`,
      );
      expect(stream.message).toBe(request.message);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([
        'Bearer stale-secret-1',
        'Bearer fresh-secret-2',
      ]);
      expect(log).not.toContain('secret-');
    },
  );
});

describe('a stream handshake to a server whose certificate no trusted CA signed', () => {
  it.each(streams)(
    '%s fails with the TransportError a request gets, naming what the client trusts',
    async (_, path, open) => {
      const host = await tlsServer();
      const dir = await tempDir('kubeloop-ca-');
      const caFile = join(dir, 'other-ca.crt');
      await writeFile(caFile, otherPki.ca.certPem);
      const { path: file, config } = await kubeconfig(
        host,
        { 'certificate-authority': caFile },
        { token: 'tls-secret-5e1' },
      );

      const { stream, request, log } = await failures(config, open);

      expect(stream).toBeInstanceOf(TransportError);
      expect(request).toBeInstanceOf(TransportError);
      expect(stream.message).toBe(request.message.replace('GET /api/v1/namespaces failed', `GET ${path} failed`));
      expect(stream.message).toContain(
        `the TLS certificate of the server ${host} is not signed by a certificate authority`,
      );
      expect(stream.message).toContain(`It trusts the certificate-authority file ${caFile}`);
      expect(stream.message).toContain(`kubeconfig cluster "edge", context "edge-ctx", in ${file}`);
      expect(log).not.toContain('--use-system-ca');
      expect(log).not.toContain('tls-secret-5e1');
    },
  );
});

describe('a stream handshake that cannot connect', () => {
  it.each(streams)('%s fails with the TransportError a request gets, keeping the cause', async (_, path, open) => {
    const host = await closedPort();

    const { stream, request } = await failures({ host }, open);

    expect(stream).toBeInstanceOf(TransportError);
    expect(stream.message).toBe(request.message.replace('GET /api/v1/namespaces failed', `GET ${path} failed`));
    expect(stream.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

/** A WebSocket test server that answers every upgrade and every request with 401. */
async function rejectingServer(): Promise<TestServer> {
  const server = await startTestServer({
    protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
    reject: (_, respond) => {
      respond(401, unauthorized);
      return true;
    },
    onRequest: (_, response) =>
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(unauthorized)),
  });
  closeServer = () => server.close();
  return server;
}

const identities = { admin: { name: 'admin', groups: [] }, user: { name: 'u', groups: [] } };
const serverPki = generatePki(identities);
const otherPki = generatePki(identities);

/** An https server serving a certificate of serverPki's CA; the handshakes never get past TLS. */
async function tlsServer(): Promise<string> {
  const server: Server = createServer({ cert: serverPki.serving.certPem, key: serverPki.serving.keyPem }, (_, res) =>
    res.writeHead(500).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The URL of a port nothing listens on (one just released). */
async function closedPort(): Promise<string> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
