/** A loopback WebSocket server (RFC 6455 over node:http 'upgrade') that speaks Kubernetes' channel protocols. */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** One accepted WebSocket, server side. Written independently of src/client/streams/frames.ts on purpose. */
export class ServerSocket {
  readonly protocol: string;
  readonly url: URL;
  readonly socket: Duplex;
  #buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #onMessage: (data: Buffer) => void = () => undefined;
  /** Resolves when the client sent a close frame or the TCP connection closed. */
  readonly closed: Promise<{ code: number | undefined }>;

  constructor(socket: Duplex, protocol: string, url: URL) {
    this.socket = socket;
    this.protocol = protocol;
    this.url = url;
    this.closed = new Promise((resolve) => {
      socket.on('data', (chunk: Buffer) => this.#onData(chunk, resolve));
      socket.on('close', () => resolve({ code: undefined }));
      // node:http sockets allow half-open connections: answer the client's FIN so the socket closes.
      socket.on('end', () => socket.end());
      socket.on('error', () => undefined);
    });
  }

  /** Receives each complete client message (channel byte first). */
  onMessage(handler: (data: Buffer) => void): void {
    this.#onMessage = handler;
  }

  /** Sends a binary message: the channel byte, then `data`. Returns what socket.write returned. */
  send(channel: number, data: Uint8Array | string = new Uint8Array(0)): boolean {
    return this.sendFrame(0x2, Buffer.concat([Buffer.of(channel), Buffer.from(data)]));
  }

  /** Sends one unmasked frame. */
  sendFrame(opcode: number, payload: Buffer, fin = true): boolean {
    const length = payload.length;
    const header =
      length < 126
        ? Buffer.of((fin ? 0x80 : 0) | opcode, length)
        : length < 65_536
          ? Buffer.of((fin ? 0x80 : 0) | opcode, 126, length >> 8, length & 0xff)
          : Buffer.concat([Buffer.of((fin ? 0x80 : 0) | opcode, 127), bigEndian64(length)]);
    return this.socket.write(Buffer.concat([header, payload]));
  }

  /** Sends a close frame and ends the TCP connection. */
  close(code = 1000): void {
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.sendFrame(0x8, body);
    this.socket.end();
  }

  #onData(chunk: Buffer, resolveClosed: (value: { code: number | undefined }) => void): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const frame = parseClientFrame(this.#buffer);
      if (!frame) return;
      this.#buffer = this.#buffer.subarray(frame.size);
      if (frame.opcode === 0x8) {
        resolveClosed({ code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined });
        if (!this.socket.destroyed) this.close();
        return;
      }
      if (frame.opcode === 0x9 || frame.opcode === 0xa) continue;
      this.#fragments.push(frame.payload);
      if (frame.fin) {
        const message = Buffer.concat(this.#fragments);
        this.#fragments = [];
        this.#onMessage(message);
      }
    }
  }
}

function bigEndian64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(value));
  return buffer;
}

function parseClientFrame(buffer: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  const first = buffer.readUInt8(0);
  const second = buffer.readUInt8(1);
  if ((second & 0x80) === 0) throw new Error('test server: a client frame was not masked');
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + 4 + length) return undefined;
  const mask = buffer.subarray(offset, offset + 4);
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = buffer.readUInt8(offset + 4 + i) ^ mask.readUInt8(i & 3);
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload, size: offset + 4 + length };
}

/** What the test server does. */
export interface TestServerOptions {
  /** Subprotocols the server accepts, in its order of preference among those the client offers. */
  readonly protocols: readonly string[];
  /** Called for each WebSocket accepted. */
  readonly onSocket?: (socket: ServerSocket, request: IncomingMessage) => void;
  /** Answers an upgrade request with an HTTP response instead (return true when it did). */
  readonly reject?: (
    request: IncomingMessage,
    respond: (status: number, body: unknown) => void,
    socket: Duplex,
  ) => boolean;
  /** Plain HTTP requests (logs). */
  readonly onRequest?: (request: IncomingMessage, response: ServerResponse) => void;
}

/** A running test server; `requests` lists each upgrade's URL and headers. */
export interface TestServer {
  readonly host: string;
  readonly requests: { url: URL; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Duplex>();
  const server = createServer((request, response) => {
    if (options.onRequest) options.onRequest(request, response);
    else response.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ url, headers: request.headers });
    const respond = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    if (options.reject?.(request, respond, socket)) return;
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const protocol = options.protocols.find((p) => offered.includes(p));
    if (protocol === undefined) return respond(400, { kind: 'Status', status: 'Failure', message: 'no protocol' });
    const accept = createHash('sha1')
      .update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\nsec-websocket-protocol: ${protocol}\r\n\r\n`,
    );
    options.onSocket?.(new ServerSocket(socket, protocol, url), request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
