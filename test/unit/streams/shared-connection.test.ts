import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient, type Transport, type TransportIdentity } from '../../../src/client/index.js';
import type { Authenticator } from '../../../src/client/rest/auth/authenticator.js';
import { execCommand, openPortForwardStream } from '../../../src/client/streams/index.js';
import { execRestConfig, pluginWorkspace } from '../../fixtures/exec-plugin/exec-config.js';
import { exitStatus } from './support/local-exec.js';
import { type ServerSocket, startTestServer, type TestServer } from './support/ws-server.js';

let server: TestServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await server?.close();
  server = undefined;
  agent = undefined;
});

/** Authorization headers of the plain requests and of the WebSocket upgrades, in arrival order. */
const seen: string[] = [];

/** Answers exec with exit code 0, echoes port-forward data, and answers any plain request with `{}`. */
async function apiServer(): Promise<TestServer> {
  seen.length = 0;
  server = await startTestServer({
    protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
    reject: (request, respond) => {
      seen.push(String(request.headers.authorization));
      if (request.headers.authorization !== 'Bearer stale') return false;
      respond(401, { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
      return true;
    },
    onSocket: (ws) => (ws.url.pathname.endsWith('/portforward') ? echoPort(ws) : exitAtOnce(ws)),
    onRequest: (request: IncomingMessage, response: ServerResponse) => {
      seen.push(String(request.headers.authorization));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    },
  });
  return server;
}

function exitAtOnce(ws: ServerSocket): void {
  ws.send(3, JSON.stringify(exitStatus(0)));
  ws.close();
}

function echoPort(ws: ServerSocket): void {
  const header = Buffer.alloc(2);
  header.writeUInt16LE(Number(ws.url.searchParams.get('ports')));
  ws.send(0, header);
  ws.send(1, header);
  ws.onMessage((message) => {
    if (message.readUInt8(0) === 0) ws.send(0, message.subarray(1));
  });
}

const pod = { namespace: 'default', pod: 'web' };

describe('streams of a RESTClient', () => {
  it('open their connections with the transport and authenticator given to forConfig, not passed again', async () => {
    const { host } = await apiServer();
    agent = new Agent();
    const identities: TransportIdentity[] = [];
    const transport: Transport = {
      dispatcherFor: (identity) => {
        identities.push(identity);
        return agent as Agent;
      },
    };
    let headerCalls = 0;
    const authenticator: Authenticator = {
      headers: async () => ({ Authorization: `Bearer custom-${++headerCalls}` }),
      clientCertificate: async () => undefined,
      refresh: async () => false,
    };
    const rest = RESTClient.forConfig({ host }, { transport, authenticator });

    await rest.get().absPath('/version').do();
    await execCommand(rest, { ...pod, command: ['true'] });
    const stream = await openPortForwardStream(rest, { ...pod, port: 8080 });
    stream.write('ping');
    const [data] = (await once(stream, 'data')) as [Buffer];
    stream.destroy();

    expect(data.toString()).toBe('ping');
    expect(seen).toEqual(['Bearer custom-1', 'Bearer custom-2', 'Bearer custom-3']);
    expect(headerCalls).toBe(3);
    expect(identities).toEqual([{ origin: host }, { origin: host }, { origin: host }]);
  });

  it('share one exec-plugin run between requests and streams', async () => {
    const { host } = await apiServer();
    agent = new Agent();
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'first,second' }, {}, { host });
    const rest = RESTClient.forConfig({ ...config, dispatcher: agent });

    await rest.get().absPath('/version').do();
    await execCommand(rest, { ...pod, command: ['true'] });

    expect(seen).toEqual(['Bearer first', 'Bearer first']);
    expect(await ws.runs()).toHaveLength(1);
  });

  it('share the credentials a stream refreshed after a 401 with the next request', async () => {
    const { host } = await apiServer();
    agent = new Agent();
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'stale,fresh' }, {}, { host });
    const rest = RESTClient.forConfig({ ...config, dispatcher: agent });

    await execCommand(rest, { ...pod, command: ['true'] });
    await rest.get().absPath('/version').do();

    expect(seen).toEqual(['Bearer stale', 'Bearer fresh', 'Bearer fresh']);
    expect(await ws.runs()).toHaveLength(2);
  });

  it('keep the path prefix of the host', async () => {
    const { host } = await apiServer();
    agent = new Agent();
    const rest = RESTClient.forConfig({ host: `${host}/prefix/`, dispatcher: agent });

    await execCommand(rest, { ...pod, command: ['true'] });

    expect(server?.requests[0]?.url.pathname).toBe('/prefix/api/v1/namespaces/default/pods/web/exec');
  });
});
