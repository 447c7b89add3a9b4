/** Forwards local TCP ports to pod ports, one WebSocket per connection, as kubectl's WebSocket port-forward. */
import { setMaxListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { RESTClient } from '../rest/rest-client.js';
import { ChannelSession, channelHighWaterMark, v4Protocol } from './channels.js';
import { connect } from './connection.js';
import { PortForwardError, StreamClosedError } from './errors.js';

/** Per forwarded port: data on channel 2i, errors on 2i+1; we open one port per connection, so 0 and 1. */
const dataChannel = 0;
const errorChannel = 1;
/** The server starts each channel with the port number, 2 bytes little-endian. */
const portHeaderBytes = 2;

/** Options of openPortForwardStream. */
export interface PortForwardStreamOptions {
  readonly namespace: string;
  readonly pod: string;
  /** The port in the pod. */
  readonly port: number;
  /** Destroys the stream (with the signal's reason) and drops its connection. */
  readonly signal?: AbortSignal;
}

/**
 * Opens one connection to a pod port and returns it as a Duplex.
 *
 * Guarantees: bytes flow both ways with back-pressure (the WebSocket is not read while the duplex's buffer is
 * full); the duplex ends when the pod side closed, or is destroyed with PortForwardError carrying the server's
 * message (nothing listening, pod gone) or StreamClosedError when the connection broke; ending the writable side
 * cannot half-close the pod side (the v4 protocol has no such signal): destroy the duplex to close it.
 */
export async function openPortForwardStream(rest: RESTClient, options: PortForwardStreamOptions): Promise<Duplex> {
  const path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods/${encodeURIComponent(options.pod)}/portforward`;
  const target = {
    path,
    query: [['ports', String(options.port)]] as const,
    protocols: [v4Protocol],
    signal: options.signal,
  };
  const ws = await connect(rest, target);
  const session = new ChannelSession(ws, { headerBytes: portHeaderBytes });
  const stream = new PortForwardStream(session);
  session.route(dataChannel, (data) => data === null || stream.push(data));
  session.collect(errorChannel);
  const onAbort = () => stream.destroy(options.signal?.reason as Error);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  void session.closed.then((info) => {
    options.signal?.removeEventListener('abort', onAbort);
    const message = session.text(errorChannel).trim();
    if (message) stream.destroy(new PortForwardError(options.port, message));
    else if (info.error && !stream.destroyed)
      stream.destroy(
        new StreamClosedError(`port-forward to pod port ${options.port} broke: ${info.error.message}`, {
          cause: info.error,
        }),
      );
    else stream.push(null);
  });
  return stream;
}

/** The Duplex face of one port-forward session. */
class PortForwardStream extends Duplex {
  readonly #session: ChannelSession;

  constructor(session: ChannelSession) {
    super({ allowHalfOpen: true, readableHighWaterMark: channelHighWaterMark });
    this.#session = session;
  }

  override _read(): void {
    this.#session.ready(dataChannel);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#session.write(dataChannel, chunk, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error && !(error instanceof PortForwardError)) this.#session.abort(error);
    else this.#session.close();
    callback(error);
  }
}

/** One port to forward. */
export interface PortMapping {
  /** The port in the pod. */
  readonly remote: number;
  /** The local port; 0 or absent picks a free one (read it from `PortForwarder.ports`). */
  readonly local?: number;
}

/** Options of portForward. */
export interface PortForwardOptions {
  readonly namespace: string;
  readonly pod: string;
  readonly ports: readonly PortMapping[];
  /** The local address to listen on; default `127.0.0.1` (as kubectl's default `localhost`, IPv4 only). */
  readonly address?: string;
  /** Closes the forwarder: listeners and every open connection. */
  readonly signal?: AbortSignal;
  /**
   * Told of each connection that failed (the pod side refused, the pod is gone, the stream broke); that local
   * connection is then closed. Default: a warning on `rest.config.logger`, if any.
   */
  readonly onError?: (error: Error, connection: { readonly localPort: number; readonly remotePort: number }) => void;
}

/**
 * Running local listeners forwarding to a pod.
 *
 * Guarantees: each accepted local connection gets its own WebSocket, so connections are independent (one
 * failing closes only itself); `close()` stops listening, closes every open connection and resolves once the
 * listeners are closed, leaving no socket or timer behind.
 */
export interface PortForwarder {
  /** The actual local ports, in the order of `options.ports`. */
  readonly ports: readonly { readonly local: number; readonly remote: number }[];
  /** Stops listening and closes every open connection; resolves once nothing is left open. */
  close(): Promise<void>;
}

/**
 * Listens on local ports and forwards every connection to the pod's ports (`kubectl port-forward`).
 *
 * @example
 * const forwarder = await portForward(rest, { namespace: 'default', pod: 'db', ports: [{ remote: 5432 }] });
 * connectTo(forwarder.ports[0].local);
 * await forwarder.close();
 */
export async function portForward(rest: RESTClient, options: PortForwardOptions): Promise<PortForwarder> {
  options.signal?.throwIfAborted();
  const address = options.address ?? '127.0.0.1';
  const state: Forwarding = {
    rest,
    options,
    open: new Set(),
    // Aborted by close(): ends handshakes still in flight, not only open connections.
    stop: new AbortController(),
    onError:
      options.onError ??
      ((error, connection) =>
        rest.config.logger?.warn({ err: error, ...connection }, 'port-forward connection failed')),
  };
  // Every open connection listens on `stop`: as many listeners as connections is expected, not a leak.
  setMaxListeners(0, state.stop.signal);
  const servers: Server[] = [];
  const ports: { local: number; remote: number }[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= closeAll(servers, state);
    return closing;
  };
  try {
    for (const mapping of options.ports) {
      const server = createServer((socket) => forward(state, socket, mapping.remote));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(mapping.local ?? 0, address, () => resolve());
      });
      const bound = server.address();
      ports.push({ local: typeof bound === 'object' && bound ? bound.port : 0, remote: mapping.remote });
    }
  } catch (error) {
    await close();
    throw error;
  }
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  return { ports, close };
}

/** What every connection of one forwarder shares. */
interface Forwarding {
  readonly rest: RESTClient;
  readonly options: PortForwardOptions;
  /** Local sockets and pod streams still open; close() destroys them. */
  readonly open: Set<Socket | Duplex>;
  readonly stop: AbortController;
  readonly onError: NonNullable<PortForwardOptions['onError']>;
}

async function closeAll(servers: readonly Server[], state: Forwarding): Promise<void> {
  state.stop.abort();
  const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  for (const stream of state.open) stream.destroy();
  state.open.clear();
  await Promise.all(closed);
}

function forward(state: Forwarding, socket: Socket, remotePort: number): void {
  const { open, stop } = state;
  open.add(socket);
  const connection = { localPort: socket.localPort ?? 0, remotePort };
  const failed = (error: Error) => {
    // Errors caused by closing the forwarder are not failures of the connection.
    if (!stop.signal.aborted) state.onError(error, connection);
    socket.destroy();
  };
  socket.on('error', () => undefined);
  socket.once('close', () => open.delete(socket));
  // Hold local bytes until the pod side is connected.
  socket.pause();
  const { namespace, pod } = state.options;
  openPortForwardStream(state.rest, { namespace, pod, port: remotePort, signal: stop.signal }).then((stream) => {
    if (socket.destroyed) return void stream.destroy();
    open.add(stream);
    stream.once('close', () => open.delete(stream));
    stream.on('error', failed);
    socket.once('close', () => stream.destroy());
    socket.pipe(stream).pipe(socket);
    socket.resume();
  }, failed);
}
