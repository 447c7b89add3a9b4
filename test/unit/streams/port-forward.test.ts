import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient, StatusError } from '../../../src/client/index.js';
import { openPortForwardStream, PortForwardError, portForward } from '../../../src/client/streams/index.js';
import { type ServerSocket, startTestServer, type TestServer, type TestServerOptions } from './support/ws-server.js';

let server: TestServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await server?.close();
  server = undefined;
  agent = undefined;
});

async function clientFor(options: Omit<TestServerOptions, 'protocols'>): Promise<RESTClient> {
  server = await startTestServer({ protocols: ['v4.channel.k8s.io'], ...options });
  agent = new Agent();
  return RESTClient.forConfig({ host: server.host, bearerToken: 'secret-token', dispatcher: agent });
}

/** Starts both channels with the port header, as the kubelet does, each in a message of its own. */
function sendPortHeaders(ws: ServerSocket): void {
  const port = Number(ws.url.searchParams.get('ports'));
  const header = Buffer.alloc(2);
  header.writeUInt16LE(port);
  ws.send(0, header);
  ws.send(1, header);
}

/** A pod port that echoes what it receives. */
function echo(ws: ServerSocket): void {
  sendPortHeaders(ws);
  ws.onMessage((message) => {
    if (message.readUInt8(0) === 0) ws.send(0, message.subarray(1));
  });
}

const target = { namespace: 'default', pod: 'db' };

describe('openPortForwardStream', () => {
  it('asks for the port, strips the port headers and carries bytes both ways', async () => {
    const rest = await clientFor({ onSocket: echo });

    const stream = await openPortForwardStream(rest, { ...target, port: 5432 });
    stream.write('ping');
    const [data] = (await once(stream, 'data')) as [Buffer];

    expect(data.toString()).toBe('ping');
    expect(server?.requests[0]?.url.pathname).toBe('/api/v1/namespaces/default/pods/db/portforward');
    expect(server?.requests[0]?.url.searchParams.getAll('ports')).toEqual(['5432']);
    expect(server?.requests[0]?.headers.authorization).toBe('Bearer secret-token');
    stream.destroy();
  });

  it('fails the stream with the error channel message', async () => {
    const rest = await clientFor({
      onSocket: (ws) => {
        sendPortHeaders(ws);
        ws.send(1, 'an error occurred forwarding 5432 -> 5432: connection refused');
        ws.close();
      },
    });

    const stream = await openPortForwardStream(rest, { ...target, port: 5432 });
    const [error] = (await once(stream, 'error').catch((e: unknown) => [e])) as [unknown];

    expect(error).toBeInstanceOf(PortForwardError);
    expect(error).toMatchObject({ code: 'PORT_FORWARD', remotePort: 5432 });
    expect((error as Error).message).toContain('connection refused');
  });

  it('ends the stream when the pod side closes cleanly', async () => {
    const rest = await clientFor({
      onSocket: (ws) => {
        sendPortHeaders(ws);
        ws.send(0, 'bye');
        ws.close();
      },
    });

    const stream = await openPortForwardStream(rest, { ...target, port: 80 });
    let received = '';
    for await (const chunk of stream) received += String(chunk);

    expect(received).toBe('bye');
  });

  it('rejects with the StatusError when the pod does not exist', async () => {
    const notFound = {
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'pods "db" not found',
    };
    const rest = await clientFor({
      reject: (_request, respond) => {
        respond(404, notFound);
        return true;
      },
    });

    await expect(openPortForwardStream(rest, { ...target, port: 80 })).rejects.toBeInstanceOf(StatusError);
  });
});

describe('portForward', () => {
  it('forwards many concurrent local connections, each over its own WebSocket', async () => {
    const rest = await clientFor({ onSocket: echo });
    const forwarder = await portForward(rest, { ...target, ports: [{ remote: 8080 }] });
    const local = forwarder.ports[0]?.local ?? 0;

    const roundTrips = Array.from({ length: 8 }, async () => {
      const payload = randomBytes(1024 * 1024);
      const socket = connect(local, '127.0.0.1');
      socket.write(payload);
      const received = await readBytes(socket, payload.length);
      socket.destroy();
      return digest(received) === digest(payload);
    });

    expect(await Promise.all(roundTrips)).toEqual(Array(8).fill(true));
    expect(forwarder.ports).toEqual([{ local, remote: 8080 }]);
    expect(local).toBeGreaterThan(0);
    expect(server?.requests).toHaveLength(8);
    await forwarder.close();
  });

  it('surfaces a remote error on the connection it belongs to and closes only that one', async () => {
    const rest = await clientFor({
      onSocket: (ws) => {
        if (ws.url.searchParams.get('ports') === '8080') return echo(ws);
        sendPortHeaders(ws);
        ws.send(1, 'nothing listens on 9090');
        ws.close();
      },
    });
    const errors: { error: Error; connection: { localPort: number; remotePort: number } }[] = [];
    const forwarder = await portForward(rest, {
      ...target,
      ports: [{ remote: 8080 }, { remote: 9090 }],
      onError: (error, connection) => errors.push({ error, connection }),
    });
    const [good, bad] = forwarder.ports.map((port) => connect(port.local, '127.0.0.1'));

    bad?.write('hello');
    await once(bad as Socket, 'close');
    good?.write('still fine');
    const received = await readBytes(good as Socket, 'still fine'.length);

    expect(received.toString()).toBe('still fine');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(PortForwardError);
    expect(errors[0]?.connection).toEqual({ localPort: forwarder.ports[1]?.local, remotePort: 9090 });
    good?.destroy();
    await forwarder.close();
  });

  it('closes listeners and open connections on abort', async () => {
    const serverSides: ServerSocket[] = [];
    const rest = await clientFor({
      onSocket: (ws) => {
        serverSides.push(ws);
        echo(ws);
      },
    });
    const controller = new AbortController();
    const forwarder = await portForward(rest, { ...target, ports: [{ remote: 8080 }], signal: controller.signal });
    const socket = connect(forwarder.ports[0]?.local ?? 0, '127.0.0.1');
    socket.write('x');
    await once(socket, 'data');

    controller.abort();

    await once(socket, 'close');
    await serverSides[0]?.closed;
    await forwarder.close();
    const refused = connect(forwarder.ports[0]?.local ?? 0, '127.0.0.1');
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});

async function readBytes(socket: Socket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of socket) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= length) break;
  }
  return Buffer.concat(chunks);
}

function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
