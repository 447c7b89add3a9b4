/** Reads a JSON request body under a size cap, refusing wrong content types, oversize bodies and bad JSON. */
import type { IncomingMessage } from 'node:http';
import { WebhookRequestError } from './errors.js';

/**
 * The parsed JSON body of `request`.
 *
 * Guarantees: rejects with a WebhookRequestError: 415 unless the content type is JSON, 413 as soon as the declared
 * length or the bytes received pass `maxBytes` (buffering at most `maxBytes`), 400 for a body that is not JSON.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new WebhookRequestError(415, `expected content-type application/json, got ${type || 'none'}`);
  }
  const tooLarge = () => new WebhookRequestError(413, `the request body is larger than ${maxBytes} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: Error): void => {
      request.off('data', onData).off('end', onEnd).off('error', settle);
      if (error === undefined) resolve(Buffer.concat(chunks, size).toString('utf8'));
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Paused, not destroyed: destroying the request would cut the socket before the 413 is written.
      request.pause();
      settle(tooLarge());
    };
    const onEnd = (): void => settle();
    request.on('data', onData).on('end', onEnd).on('error', settle);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WebhookRequestError(400, `the request body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
