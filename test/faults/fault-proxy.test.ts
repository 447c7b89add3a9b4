import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './support/fault-proxy.js';

/** A server that sends `hello` on connect, then echoes what it reads. */
let server: Server;
let proxy: FaultProxy;

/** A client of the proxy that keeps everything it receives and how the connection ended. */
async function client(): Promise<{ socket: Socket; received: () => string; ended: Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port: proxy.port });
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const ended = new Promise<string>((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.once('end', () => resolve('end'));
  });
  await once(socket, 'connect');
  return { socket, received: () => text, ended };
}

beforeEach(async () => {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write('hello');
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  proxy = await FaultProxy.start({
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
  });
});

afterEach(async () => {
  await proxy.close();
  server.close();
});

describe('the fault proxy', () => {
  it('forwards both ways unchanged while no fault is active', async () => {
    const c = await client();
    c.socket.write(' world');
    await expect.poll(c.received).toBe('hello world');
    c.socket.end();
  });

  it('resets open connections, and only those', async () => {
    const c = await client();
    await expect.poll(c.received).toBe('hello');
    expect(proxy.resetAll()).toBe(1);
    expect(await c.ended).toBe('ECONNRESET');
    const next = await client();
    await expect.poll(next.received).toBe('hello');
    next.socket.destroy();
  });

  it('cuts a connection after the given count of server bytes, mid-message', async () => {
    const c = await client();
    await expect.poll(c.received).toBe('hello');
    proxy.cutAfter(3);
    c.socket.write('abcdef');
    expect(await c.ended).toBe('end');
    expect(c.received()).toBe('helloabc');
  });

  it('holds data during a stall and delivers it all afterwards', async () => {
    const c = await client();
    await expect.poll(c.received).toBe('hello');
    const stalled = proxy.stall(300);
    c.socket.write('late');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.received()).toBe('hello');
    await stalled;
    await expect.poll(c.received).toBe('hellolate');
    c.socket.destroy();
  });

  it('swallows open and new connections in a black hole, and resets them once restored', async () => {
    const open = await client();
    await expect.poll(open.received).toBe('hello');
    proxy.blackHole();
    open.socket.write('lost');
    const swallowed = await client();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([open.received(), swallowed.received()]).toEqual(['hello', '']);
    await proxy.restore();
    expect(await open.ended).toBe('ECONNRESET');
    expect(await swallowed.ended).toBe('ECONNRESET');
    const after = await client();
    await expect.poll(after.received).toBe('hello');
    after.socket.destroy();
  });

  it('keeps black-holed connections silent when only the route is reopened', async () => {
    const open = await client();
    await expect.poll(open.received).toBe('hello');
    proxy.blackHole();
    proxy.reopen();
    open.socket.write('lost');
    const after = await client();
    await expect.poll(after.received).toBe('hello');
    expect(open.received()).toBe('hello');
    open.socket.destroy();
    after.socket.destroy();
  });

  it('resets open connections and refuses new ones while unreachable, then listens again on its port', async () => {
    const open = await client();
    await expect.poll(open.received).toBe('hello');
    expect(proxy.refuse()).toBe(1);
    expect(await open.ended).toBe('ECONNRESET');
    const refused = connect({ host: '127.0.0.1', port: proxy.port });
    const [error] = (await once(refused, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    await proxy.restore();
    const after = await client();
    await expect.poll(after.received).toBe('hello');
    after.socket.destroy();
  });
});
