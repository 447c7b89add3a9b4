/** Encodes client WebSocket frames and decodes server frames (RFC 6455 §5), nothing more. */
import { randomFillSync } from 'node:crypto';
import { StreamProtocolError } from './errors.js';

/** The opcodes a Kubernetes stream uses. */
export const Opcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One decoded frame. `payload` is a view into the decoder's buffer, valid until the next `push`. */
export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Random bytes drawn in bulk: one 4-byte mask key per frame would otherwise cost a system call each. */
const maskPool = Buffer.alloc(4096);
let maskPoolOffset = maskPool.length;

function nextMask(): Buffer {
  if (maskPoolOffset === maskPool.length) {
    randomFillSync(maskPool);
    maskPoolOffset = 0;
  }
  maskPoolOffset += 4;
  return maskPool.subarray(maskPoolOffset - 4, maskPoolOffset);
}

/**
 * A masked client frame of `parts` concatenated (one copy, which masking needs anyway).
 *
 * @param parts - pieces of the payload, e.g. the channel byte and the data, so callers never concatenate.
 */
export function encodeFrame(opcode: number, parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const headerLength = (length < 126 ? 2 : length < 65_536 ? 4 : 10) + 4;
  // Place the payload on an 8-byte boundary of a fresh buffer so that it can be masked a word at a time.
  const lead = (8 - (headerLength % 8)) % 8;
  const frame = Buffer.from(new ArrayBuffer(lead + headerLength + length), lead);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = nextMask();
  mask.copy(frame, headerLength - 4);
  let offset = headerLength;
  for (const part of parts) {
    frame.set(part, offset);
    offset += part.byteLength;
  }
  applyMask(frame.subarray(headerLength), mask);
  return frame;
}

/** XORs `data` (which starts 8-byte aligned) with the repeating 4-byte `mask`, a 32-bit word at a time. */
function applyMask(data: Buffer, mask: Buffer): void {
  const words = data.length >>> 2;
  const view = new Uint32Array(data.buffer, data.byteOffset, words);
  // Both are read in the platform's byte order, so the XOR lines up byte for byte.
  const key = new Uint32Array(mask.buffer.slice(mask.byteOffset, mask.byteOffset + 4))[0] as number;
  for (let i = 0; i < words; i++) view[i] = (view[i] as number) ^ key;
  for (let i = words << 2; i < data.length; i++) data[i] = (data[i] as number) ^ (mask[i & 3] as number);
}

/**
 * Splits server bytes into frames.
 *
 * Guarantees: a frame is returned only once all its bytes arrived; bytes are copied only when a frame spans
 * chunks; a frame longer than `maxFrameBytes` throws StreamProtocolError before it is buffered.
 */
export class FrameDecoder {
  /** Unconsumed bytes; `#offset` marks where the next frame starts. */
  #buffer: Buffer = Buffer.alloc(0);
  #offset = 0;
  readonly #maxFrameBytes: number;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  push(chunk: Buffer): void {
    const rest = this.#buffer.subarray(this.#offset);
    this.#buffer = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.#offset = 0;
  }

  /** The next complete frame, or undefined until more bytes are pushed. */
  next(): Frame | undefined {
    const buffer = this.#buffer;
    const start = this.#offset;
    if (buffer.length - start < 2) return undefined;
    const second = buffer.readUInt8(start + 1);
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let cursor = start + 2;
    if (length === 126) {
      if (buffer.length - cursor < 2) return undefined;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length - cursor < 8) return undefined;
      const long = buffer.readBigUInt64BE(cursor);
      length = long > BigInt(this.#maxFrameBytes) ? Number.POSITIVE_INFINITY : Number(long);
      cursor += 8;
    }
    if (length > this.#maxFrameBytes) {
      throw new StreamProtocolError(`the server sent a WebSocket frame over ${this.#maxFrameBytes} bytes`);
    }
    const maskAt = cursor;
    if (masked) cursor += 4;
    if (buffer.length - cursor < length) return undefined;
    const payload = buffer.subarray(cursor, cursor + length);
    // Servers must not mask (RFC 6455 §5.1); unmasking anyway costs nothing and tolerates a lax peer.
    if (masked) for (let i = 0; i < length; i++) payload[i] = payload.readUInt8(i) ^ buffer.readUInt8(maskAt + (i & 3));
    this.#offset = cursor + length;
    const first = buffer.readUInt8(start);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }
}
