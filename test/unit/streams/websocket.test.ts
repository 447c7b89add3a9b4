import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient, type RESTClientOptions, StatusError } from '../../../src/client/index.js';
import type { Authenticator } from '../../../src/client/rest/auth/authenticator.js';
import { execCommand, StreamProtocolError } from '../../../src/client/streams/index.js';
import { exitStatus } from './support/local-exec.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/ws-server.js';

let server: TestServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await server?.close();
  server = undefined;
  agent = undefined;
});

async function clientFor(
  options: Omit<TestServerOptions, 'protocols'>,
  restOptions: RESTClientOptions = {},
): Promise<RESTClient> {
  server = await startTestServer({ protocols: ['v5.channel.k8s.io'], ...options });
  agent = new Agent();
  return RESTClient.forConfig({ host: server.host, dispatcher: agent }, restOptions);
}

const target = { namespace: 'default', pod: 'web', command: ['run'] };

describe('the WebSocket framing', () => {
  it('reassembles fragmented messages, reads 16- and 64-bit lengths and answers pings', async () => {
    const big = Buffer.alloc(70_000, 'b');
    const pongs: Buffer[] = [];
    let serverClosed: Promise<unknown> | undefined;
    const rest = await clientFor({
      onSocket: (ws) => {
        serverClosed = ws.closed;
        ws.socket.on('data', (chunk: Buffer) => {
          // A masked pong: opcode 0xA with the mask bit, as the client must send it.
          if (chunk.readUInt8(0) === 0x8a) pongs.push(chunk);
        });
        ws.sendFrame(0x9, Buffer.from('are you there'));
        ws.sendFrame(0x2, Buffer.from([1, ...Buffer.from('frag')]), false);
        ws.sendFrame(0x0, Buffer.from('mented'), false);
        ws.sendFrame(0x0, Buffer.from(' message\n'));
        ws.send(1, Buffer.alloc(300, 'm'));
        ws.send(1, big);
        ws.send(3, JSON.stringify(exitStatus(0)));
        ws.close();
      },
    });

    const result = await execCommand(rest, target);
    await serverClosed;

    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toBe(`fragmented message\n${'m'.repeat(300)}${big.toString()}`);
    expect(pongs).toHaveLength(1);
  });

  it('refuses a handshake whose accept key does not answer ours', async () => {
    const rest = await clientFor({
      reject: (_request, _respond, socket) => {
        socket.end(
          'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
            'sec-websocket-accept: bm90IHRoZSByaWdodCBrZXk=\r\nsec-websocket-protocol: v5.channel.k8s.io\r\n\r\n',
        );
        return true;
      },
    });

    await expect(execCommand(rest, target)).rejects.toBeInstanceOf(StreamProtocolError);
  });

  it('reports a server that speaks none of the offered subprotocols with the Status it answered', async () => {
    server = await startTestServer({ protocols: ['v1.channel.k8s.io'] });
    agent = new Agent();
    const rest = RESTClient.forConfig({ host: server.host, dispatcher: agent });

    const error = await execCommand(rest, target).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StatusError);
    expect(error).toMatchObject({ statusCode: 400 });
  });

  it('refreshes the credentials after a 401 and retries the handshake once', async () => {
    const tokens = ['stale', 'fresh'];
    const authenticator: Authenticator = {
      headers: async () => ({ Authorization: `Bearer ${tokens[0]}` }),
      clientCertificate: async () => undefined,
      refresh: async () => {
        tokens.shift();
        return true;
      },
    };
    const rest = await clientFor(
      {
        reject: (request, respond) => {
          if (request.headers.authorization === 'Bearer fresh') return false;
          respond(401, { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
          return true;
        },
        onSocket: (ws) => {
          ws.send(3, JSON.stringify(exitStatus(0)));
          ws.close();
        },
      },
      { authenticator },
    );

    const result = await execCommand(rest, target);

    expect(result.exitCode).toBe(0);
    expect(server?.requests.map((request) => request.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
  });
});
