import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RESTClient, TransportCache } from '../../../src/client/rest/index.js';
import { restConfigFor } from '../support.js';

const plane = inject('controlPlane');

/** A real HTTP CONNECT proxy on loopback that only tunnels to loopback, recording each tunnel target. */
function startConnectProxy(): Promise<{ server: Server; url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_, response) => response.writeHead(405).end());
  server.on('connect', (request, client: Socket, head) => {
    const target = new URL(`http://${request.url ?? ''}`);
    tunnels.push(request.url ?? '');
    if (target.hostname !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(target.port), target.hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
  });
  server.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}`, tunnels });
    });
  });
}

let proxy: Awaited<ReturnType<typeof startConnectProxy>>;

beforeAll(async () => {
  proxy = await startConnectProxy();
});

afterAll(async () => {
  proxy.server.closeAllConnections();
  await new Promise((resolve) => proxy.server.close(resolve));
});

describe('proxies', () => {
  it('tunnels requests through the configured proxyUrl with the TLS identity intact', async () => {
    const transport = new TransportCache();
    const config = { ...(await restConfigFor(plane.kubeconfigPath, plane.adminContext)), proxyUrl: proxy.url };
    const client = RESTClient.forConfig(config, { transport });
    const version = await client.get().absPath('/version').do<{ gitVersion: string }>();
    const user = await client
      .post()
      .groupVersion({ group: 'authentication.k8s.io', version: 'v1' })
      .resource('selfsubjectreviews')
      .body({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })
      .do<{ status: { userInfo: { username: string } } }>();
    expect(version.gitVersion).toBe(plane.kubernetesVersion);
    expect(user.status.userInfo.username).toBe('kubeloop-admin');
    expect(proxy.tunnels).toContain(new URL(plane.server).host);
    await transport.close();
  });
});
