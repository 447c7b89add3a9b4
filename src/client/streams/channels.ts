/** Multiplexes numbered channels over one WebSocket, as Kubernetes' channel.k8s.io protocols do. */
import { Readable, Writable } from 'node:stream';
import type { CloseInfo, WebSocketConnection } from './websocket.js';

/** The exec/attach subprotocols we speak, best first. v5 adds the close channel (stdin EOF). */
export const v5Protocol = 'v5.channel.k8s.io';
export const v4Protocol = 'v4.channel.k8s.io';
/** v5's channel for "this channel is done" messages (payload: the channel number). */
const closeChannel = 255;
/** The apiserver reads and writes 32 KiB at a time; larger writes are split so no frame dwarfs that. */
const maxFramePayload = 32 * 1024;
/**
 * How much a writable may queue on the socket before it waits for a drain. The socket's own 16 KiB mark would make
 * every 32 KiB frame wait for the kernel; a quarter MiB keeps the pipe full and memory bounded per stream.
 */
const writeBudgetBytes = 256 * 1024;
/** The buffer of each readable channel, for the same reason: enough for several frames before the socket pauses. */
export const channelHighWaterMark = 256 * 1024;
/** An error or status channel carries a short JSON Status or message; more is a broken peer. */
const maxCollectedBytes = 64 * 1024;

/** Options of a ChannelSession. */
export interface ChannelSessionOptions {
  /** Bytes to drop at the start of each incoming channel (port-forward's 2-byte port header). */
  readonly headerBytes?: number;
}

/**
 * The channels of one WebSocket: readables fed by incoming channels, writables sending on outgoing ones, and
 * collected text channels (error, status).
 *
 * Guarantees: data reaches each readable in order; when any readable's buffer is full the socket stops being read
 * until that readable is read from (a slow consumer holds at most its highWaterMark plus one socket chunk);
 * writables call back once the socket accepted the data with at most 256 KiB queued before it (so a peer that never
 * reads stalls the writer instead of growing memory); after the connection ends every readable ends,
 * writes are dropped, and `closed` resolves (it never rejects: callers read `error`).
 */
export class ChannelSession {
  readonly protocol: string;
  readonly closed: Promise<CloseInfo>;
  readonly #ws: WebSocketConnection;
  /** Where each routed channel's data goes; `null` is pushed once the connection ended. */
  readonly #routes = new Map<number, (data: Buffer | null) => boolean>();
  readonly #collected = new Map<number, Buffer[]>();
  /** Header bytes still to drop, per channel; absent = none left. */
  readonly #headerLeft = new Map<number, number>();
  readonly #headerBytes: number;
  /** Channels whose readable refused data; the socket is paused while this is non-empty. */
  readonly #full = new Set<number>();
  #ended = false;

  constructor(ws: WebSocketConnection, options: ChannelSessionOptions = {}) {
    this.#ws = ws;
    this.protocol = ws.protocol;
    this.#headerBytes = options.headerBytes ?? 0;
    this.closed = new Promise((resolve) => {
      ws.start({
        message: (data) => this.#onMessage(data),
        close: (info) => {
          this.#ended = true;
          for (const push of this.#routes.values()) push(null);
          resolve(info);
        },
      });
    });
  }

  /** A readable of the bytes arriving on `channel`. Call before data may arrive (right after connecting). */
  readable(channel: number): Readable {
    const readable = new Readable({ highWaterMark: channelHighWaterMark, read: () => this.ready(channel) });
    this.route(channel, (data) => readable.destroyed || readable.push(data));
    return readable;
  }

  /**
   * Sends `channel`'s data to `push` (and `null` once the connection ended). When `push` returns false the socket
   * stops being read until `ready(channel)`.
   */
  route(channel: number, push: (data: Buffer | null) => boolean): void {
    this.#routes.set(channel, push);
  }

  /** The consumer of `channel` wants data again. */
  ready(channel: number): void {
    if (!this.#full.delete(channel)) return;
    if (this.#full.size === 0) this.#ws.resume();
  }

  /** Starts collecting `channel` (up to 64 KiB); read it with `text`. */
  collect(channel: number): void {
    this.#collected.set(channel, []);
  }

  /** What arrived on a collected channel so far, as UTF-8. */
  text(channel: number): string {
    return Buffer.concat(this.#collected.get(channel) ?? []).toString('utf8');
  }

  /** A writable sending on `channel`; ending it sends v5's close signal (v4 cannot signal end of input). */
  writable(channel: number): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => this.write(channel, chunk, callback),
      final: (callback) => {
        if (this.protocol === v5Protocol) this.#ws.send([Uint8Array.of(closeChannel, channel)]);
        callback();
      },
    });
  }

  /** Sends `chunk` on `channel`, calling back once the socket accepted it; dropped after the connection ended. */
  write(channel: number, chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.#write(channel, chunk, callback);
  }

  /** Sends one message on `channel` (resize events); dropped after the connection ended. */
  send(channel: number, data: Uint8Array): void {
    if (!this.#ended) this.#ws.send([Uint8Array.of(channel), data]);
  }

  /** Closes the WebSocket cleanly (the server ends the remote side). */
  close(): void {
    this.#ws.close();
  }

  /** Drops the connection; `closed` resolves with `reason` as its error. */
  abort(reason: Error): void {
    this.#ws.destroy(reason);
  }

  #write(channel: number, chunk: Buffer, callback: (error?: Error | null) => void): void {
    let ok = true;
    const header = Uint8Array.of(channel);
    for (let offset = 0; offset < chunk.length && !this.#ended; offset += maxFramePayload) {
      ok = this.#ws.send([header, chunk.subarray(offset, offset + maxFramePayload)]);
    }
    if (ok || this.#ws.bufferedAmount < writeBudgetBytes) callback();
    else void this.#ws.drained().then(() => callback());
  }

  #onMessage(data: Buffer): boolean {
    if (data.length === 0) return true;
    const channel = data.readUInt8(0);
    let payload = data.subarray(1);
    if (this.#headerBytes > 0) {
      const left = this.#headerLeft.get(channel) ?? this.#headerBytes;
      const skipped = Math.min(left, payload.length);
      this.#headerLeft.set(channel, left - skipped);
      payload = payload.subarray(skipped);
    }
    if (payload.length === 0) return true;
    const collected = this.#collected.get(channel);
    if (collected) {
      const size = collected.reduce((sum, part) => sum + part.length, 0);
      if (size < maxCollectedBytes) collected.push(Buffer.from(payload));
      return true;
    }
    const push = this.#routes.get(channel);
    if (push === undefined || push(payload)) return true;
    this.#full.add(channel);
    return false;
  }
}
