/** Undoes the gzip Content-Encoding the apiserver applies to large responses when the client accepts it. */
import { pipeline, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import type { ResponseHeaders } from './request-executor.js';

const gunzipBytes = promisify(gunzip);

function isGzip(headers: ResponseHeaders): boolean {
  const value = headers['content-encoding'];
  const encoding = (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().toLowerCase();
  return encoding === 'gzip' || encoding === 'x-gzip';
}

/** The body bytes without their Content-Encoding (only gzip is requested, so only gzip is undone). */
export async function decodeBody(headers: ResponseHeaders, body: Uint8Array): Promise<Uint8Array> {
  return isGzip(headers) ? await gunzipBytes(body) : body;
}

/**
 * The body stream without its Content-Encoding. Errors of either side reach the returned stream; destroying it
 * destroys the response body (and so releases the connection).
 */
export function decodeStream(
  headers: ResponseHeaders,
  body: Readable & AsyncIterable<Uint8Array>,
): Readable & AsyncIterable<Uint8Array> {
  if (!isGzip(headers)) return body;
  return pipeline(body, createGunzip(), () => {
    // Errors surface on the returned stream; nothing else to do here.
  });
}
