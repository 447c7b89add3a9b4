import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { type MockServer, mockServer, origin } from './mock-server.js';

let server: MockServer;

afterEach(async () => {
  await server.agent.close();
});

const document = { kind: 'List', items: Array.from({ length: 100 }, (_, i) => ({ metadata: { name: `n${i}` } })) };
const gzipped = gzipSync(Buffer.from(JSON.stringify(document)));

describe('response compression', () => {
  it('asks for gzip and decodes a gzipped JSON response', async () => {
    server = mockServer();
    const encodings: unknown[] = [];
    server.pool.intercept({ path: '/api/v1/pods' }).reply((opts) => {
      encodings.push((opts.headers as Record<string, string>)['accept-encoding']);
      return { statusCode: 200, data: gzipped, responseOptions: { headers: { 'content-encoding': 'gzip' } } };
    });
    const list = await server.client.get().groupVersion({ group: '', version: 'v1' }).resource('pods').do();
    expect(list).toEqual(document);
    expect(encodings).toEqual(['gzip']);
  });

  it('decodes a gzipped stream', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/openapi/v3' }).reply(200, gzipped, { headers: { 'content-encoding': 'gzip' } });
    const chunks: Uint8Array[] = [];
    for await (const chunk of await server.client.get().absPath('/openapi/v3').stream()) chunks.push(chunk);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual(document);
  });

  it('does not ask for gzip when the config disables compression', async () => {
    server = mockServer();
    const client = RESTClient.forConfig(
      { host: origin, disableCompression: true },
      { transport: { dispatcherFor: () => server.agent } },
    );
    const encodings: unknown[] = [];
    server.pool.intercept({ path: '/version' }).reply((opts) => {
      encodings.push((opts.headers as Record<string, string>)['accept-encoding']);
      return { statusCode: 200, data: {} };
    });
    await client.get().absPath('/version').do();
    expect(encodings).toEqual([undefined]);
  });
});
