/** Opens a WebSocket through an undici dispatcher and runs it with read and write back-pressure. */
import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { statusErrorFromResponse } from '../rest/status-error.js';
import { StreamClosedError, StreamProtocolError } from './errors.js';
import { encodeFrame, FrameDecoder, Opcode } from './frames.js';

/** What a handshake needs: the dispatcher and headers of the RESTClient, and the subprotocols to offer. */
export interface WebSocketRequest {
  readonly dispatcher: Dispatcher;
  /** The http(s) URL of the subresource, query included. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** In order of preference; the server picks one. */
  readonly protocols: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/** How a connection ended. `error` is set unless both sides exchanged close frames. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly error?: Error;
}

/** What a connection tells its one consumer. */
export interface WebSocketHandlers {
  /** A complete message. Return false to stop reading from the socket until `resume()`. */
  message(data: Buffer): boolean;
  close(info: CloseInfo): void;
}

const acceptGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The apiserver sends frames of at most 32 KiB; 16 MiB bounds memory against a broken peer. */
const maxMessageBytes = 16 * 1024 * 1024;
/** How long to wait for the server's close frame after ours before dropping the socket. */
const closeGraceMs = 2_000;

/**
 * Performs the opening handshake on `request.dispatcher` (so TLS, client certificates and proxies are the
 * RESTClient's) and resolves with the open connection. A non-101 answer rejects with the StatusError it carries.
 */
export async function openWebSocket(request: WebSocketRequest): Promise<WebSocketConnection> {
  request.signal?.throwIfAborted();
  const key = randomBytes(16).toString('base64');
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value as string | string[];
  headers['sec-websocket-key'] = key;
  headers['sec-websocket-version'] = '13';
  headers['sec-websocket-protocol'] = request.protocols.join(', ');
  const { url } = request;
  const path = `${url.pathname}${url.search}`;
  const { socket, responseHeaders } = await new Promise<UpgradeResult>((resolve, reject) => {
    const handler = new UpgradeHandler(path, request.signal, resolve, reject);
    request.dispatcher.dispatch({ origin: url.origin, path, method: 'GET', headers, upgrade: 'websocket' }, handler);
  });
  const expected = createHash('sha1')
    .update(key + acceptGuid)
    .digest('base64');
  const protocol = single(responseHeaders['sec-websocket-protocol']) ?? '';
  if (single(responseHeaders['sec-websocket-accept']) !== expected || !request.protocols.includes(protocol)) {
    socket.destroy();
    const offered = request.protocols.join(', ');
    throw new StreamProtocolError(
      `the server answered the WebSocket handshake with protocol "${protocol}" (offered ${offered}) or a bad accept key`,
    );
  }
  return new WebSocketConnection(socket, protocol);
}

type UpgradeResult = { socket: Duplex; responseHeaders: Record<string, string | string[] | undefined> };

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Receives the upgrade, or the error response whose body becomes a StatusError. */
class UpgradeHandler implements Dispatcher.DispatchHandler {
  readonly #path: string;
  readonly #signal: AbortSignal | undefined;
  readonly #resolve: (result: UpgradeResult) => void;
  readonly #reject: (error: unknown) => void;
  #statusCode = 0;
  readonly #body: Buffer[] = [];
  #bodyBytes = 0;
  #onAbort: (() => void) | undefined;

  constructor(
    path: string,
    signal: AbortSignal | undefined,
    resolve: (r: UpgradeResult) => void,
    reject: (e: unknown) => void,
  ) {
    this.#path = path.split('?')[0] ?? path;
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    const signal = this.#signal;
    if (!signal) return;
    this.#onAbort = () => controller.abort(signal.reason as Error);
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  onRequestUpgrade(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    socket: Duplex,
  ): void {
    this.#detach();
    if (statusCode !== 101) {
      socket.destroy();
      this.#reject(new StreamProtocolError(`the server upgraded with status ${statusCode} instead of 101`));
      return;
    }
    // Header names arrive as the server spelled them (Go canonicalizes: Sec-Websocket-Accept).
    const lowered: UpgradeResult['responseHeaders'] = {};
    for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
    this.#resolve({ socket, responseHeaders: lowered });
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.#statusCode = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // An error Status is small; keep at most 64 KiB of whatever else a proxy may send.
    if (this.#bodyBytes < 65_536) this.#body.push(chunk);
    this.#bodyBytes += chunk.length;
  }

  onResponseEnd(): void {
    this.#detach();
    const body = Buffer.concat(this.#body);
    this.#reject(statusErrorFromResponse(this.#statusCode, body, { verb: 'GET', path: this.#path }));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#detach();
    this.#reject(this.#signal?.aborted ? this.#signal.reason : error);
  }

  #detach(): void {
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}

/**
 * An open client WebSocket on a raw socket.
 *
 * Guarantees: messages reach the one handler in order; after `message` returns false no further socket data is
 * read until `resume()` (at most the rest of the chunk in hand is delivered), so a slow consumer bounds memory;
 * pings are answered; `close` is called exactly once, after which the socket is destroyed and no timer remains.
 */
export class WebSocketConnection {
  /** The subprotocol the server chose. */
  readonly protocol: string;
  readonly #socket: Duplex;
  readonly #decoder = new FrameDecoder(maxMessageBytes);
  #handlers: WebSocketHandlers | undefined;
  /** Fragments of a message whose final frame has not arrived. */
  #fragments: Buffer[] = [];
  #closed = false;
  #closeSent = false;
  #closeTimer: NodeJS.Timeout | undefined;
  /** Whether the consumer asked to stop reading. */
  #paused = false;

  constructor(socket: Duplex, protocol: string) {
    this.#socket = socket;
    this.protocol = protocol;
  }

  /** Installs the handlers and starts reading. Call once. */
  start(handlers: WebSocketHandlers): void {
    this.#handlers = handlers;
    const socket = this.#socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#finish({ code: 1006, reason: '', error }));
    socket.on('close', () =>
      this.#finish({
        code: 1006,
        reason: '',
        error: new StreamClosedError('the connection closed without a WebSocket close frame'),
      }),
    );
    socket.on('end', () => socket.end());
    socket.resume();
  }

  /** Sends one binary message of `parts`. Returns false when the socket's buffer is full: wait for `drained()`. */
  send(parts: readonly Uint8Array[]): boolean {
    if (this.#closeSent || this.#closed) return true;
    return this.#socket.write(encodeFrame(Opcode.binary, parts));
  }

  /** Bytes accepted by `send` and not yet handed to the operating system. */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /** Resolves once the socket's write buffer drained (at once when it is not full or the connection is gone). */
  drained(): Promise<void> {
    const socket = this.#socket;
    if (!socket.writableNeedDrain || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  /** Starts reading again after a `message` handler returned false. */
  resume(): void {
    if (!this.#paused || this.#closed) return;
    this.#paused = false;
    this.#socket.resume();
  }

  /** Sends a close frame and ends the socket once the server answers (or after a short grace). */
  close(code = 1000, reason = ''): void {
    if (this.#closed || this.#closeSent) return;
    this.#closeSent = true;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.#socket.write(encodeFrame(Opcode.close, [body, Buffer.from(reason)]));
    this.#closeTimer = setTimeout(() => this.#socket.destroy(), closeGraceMs);
    this.#closeTimer.unref();
  }

  /** Drops the connection at once; `close` reports `error`. */
  destroy(error: Error): void {
    this.#finish({ code: 1006, reason: '', error });
  }

  #onData(chunk: Buffer): void {
    this.#decoder.push(chunk);
    try {
      for (let frame = this.#decoder.next(); frame && !this.#closed; frame = this.#decoder.next()) {
        this.#onFrame(frame.fin, frame.opcode, frame.payload);
      }
    } catch (error) {
      this.#finish({ code: 1002, reason: '', error: error as Error });
    }
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === Opcode.ping) {
      if (!this.#closeSent) this.#socket.write(encodeFrame(Opcode.pong, [payload]));
      return;
    }
    if (opcode === Opcode.pong) return;
    if (opcode === Opcode.close) {
      this.#onClose(payload);
      return;
    }
    if (!fin || this.#fragments.length > 0) {
      // Copy: the decoder's buffer is reused once more bytes arrive.
      this.#fragments.push(Buffer.from(payload));
      if (!fin) return;
      payload = Buffer.concat(this.#fragments);
      this.#fragments = [];
    }
    if (this.#handlers?.message(payload) === false && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #onClose(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    const reason = payload.subarray(2).toString('utf8');
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.#socket.write(encodeFrame(Opcode.close, [payload.subarray(0, 2)]));
    }
    this.#socket.end();
    this.#finish({ code, reason });
  }

  #finish(info: CloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#closeTimer);
    // After a clean close the server closes the TCP connection; ending ours is enough. Otherwise drop it.
    if (info.error) this.#socket.destroy();
    else setImmediate(() => this.#socket.destroy());
    this.#handlers?.close(info);
  }
}
