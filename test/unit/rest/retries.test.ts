import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/client/rest/errors.js';
import { maxRetries } from '../../../src/client/rest/request-executor.js';
import { isTooManyRequests, StatusError } from '../../../src/client/rest/status-error.js';
import { connectionReset, type MockServer, mockServer, statusBody } from './mock-server.js';

const path = '/api/v1/namespaces/ns/configmaps/cm';
const gv = { group: '', version: 'v1' };
let server: MockServer;

afterEach(async () => {
  await server.agent.close();
});

function getConfigMap() {
  return server.client.get().groupVersion(gv).namespace('ns').resource('configmaps').name('cm');
}

describe('retries', () => {
  it('retries a 429 after the Retry-After delay and returns the eventual success', async () => {
    server = mockServer();
    server.pool
      .intercept({ path, method: 'GET' })
      .reply(429, statusBody(429, 'TooManyRequests'), { headers: { 'retry-after': '3' } });
    server.pool.intercept({ path, method: 'GET' }).reply(200, { kind: 'ConfigMap', data: { a: '1' } });
    await expect(getConfigMap().do()).resolves.toEqual({ kind: 'ConfigMap', data: { a: '1' } });
    expect(server.clock.sleeps).toEqual([3000]);
  });

  it('retries a 5xx with Retry-After and sends a JSON body again', async () => {
    server = mockServer();
    const bodies: unknown[] = [];
    const record = (opts: { body?: unknown }) => {
      bodies.push(String(opts.body));
    };
    server.pool.intercept({ path: '/api/v1/namespaces/ns/configmaps', method: 'POST' }).reply((opts) => {
      record(opts);
      return { statusCode: 503, data: 'busy', responseOptions: { headers: { 'retry-after': '1' } } };
    });
    server.pool.intercept({ path: '/api/v1/namespaces/ns/configmaps', method: 'POST' }).reply((opts) => {
      record(opts);
      return { statusCode: 201, data: { kind: 'ConfigMap' } };
    });
    const created = server.client
      .post()
      .groupVersion(gv)
      .namespace('ns')
      .resource('configmaps')
      .body({ metadata: { name: 'cm' } })
      .do();
    await expect(created).resolves.toEqual({ kind: 'ConfigMap' });
    expect(bodies).toEqual(['{"metadata":{"name":"cm"}}', '{"metadata":{"name":"cm"}}']);
    expect(server.clock.sleeps).toEqual([1000]);
  });

  it('does not retry a 429 without an integer Retry-After', async () => {
    server = mockServer();
    server.pool
      .intercept({ path, method: 'GET' })
      .reply(429, statusBody(429, 'TooManyRequests'), { headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    const error = await getConfigMap()
      .do()
      .catch((e: unknown) => e);
    expect(isTooManyRequests(error)).toBe(true);
    expect(server.clock.sleeps).toEqual([]);
  });

  it('does not retry a 4xx other than 429 even with Retry-After', async () => {
    server = mockServer();
    server.pool.intercept({ path, method: 'GET' }).reply(404, statusBody(404, 'NotFound'), {
      headers: { 'retry-after': '1' },
    });
    await expect(getConfigMap().do()).rejects.toMatchObject({ reason: 'NotFound' });
    expect(server.clock.sleeps).toEqual([]);
  });

  it('gives up after 10 retries and throws the last StatusError with its retryAfterSeconds', async () => {
    server = mockServer();
    server.pool
      .intercept({ path, method: 'GET' })
      .reply(500, 'overloaded', { headers: { 'retry-after': '2' } })
      .times(maxRetries + 1);
    const error = await getConfigMap()
      .do()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect(error).toMatchObject({ statusCode: 500, reason: 'InternalError', retryAfterSeconds: 2 });
    expect(server.clock.sleeps).toEqual(Array(maxRetries).fill(2000));
    expect(server.limiterWaits()).toBe(maxRetries + 1);
  });

  it('does not retry a request whose body is a stream', async () => {
    server = mockServer();
    server.pool
      .intercept({ path: '/api/v1/namespaces/ns/configmaps', method: 'POST' })
      .reply(429, statusBody(429, 'TooManyRequests'), { headers: { 'retry-after': '1' } });
    const request = server.client
      .post()
      .groupVersion(gv)
      .namespace('ns')
      .resource('configmaps')
      .body(Readable.from([Buffer.from('{"metadata":{"name":"cm"}}')]))
      .do();
    await expect(request).rejects.toSatisfy(isTooManyRequests);
    expect(server.clock.sleeps).toEqual([]);
  });

  it('retries a GET whose connection was reset as a 500 with Retry-After 1', async () => {
    server = mockServer();
    server.pool.intercept({ path, method: 'GET' }).replyWithError(connectionReset());
    server.pool.intercept({ path, method: 'GET' }).reply(200, { kind: 'ConfigMap' });
    await expect(getConfigMap().do()).resolves.toEqual({ kind: 'ConfigMap' });
    expect(server.clock.sleeps).toEqual([1000]);
    expect(server.limiterWaits()).toBe(2);
  });

  it('does not retry a reset POST: it may have been applied', async () => {
    server = mockServer();
    server.pool
      .intercept({ path: '/api/v1/namespaces/ns/configmaps', method: 'POST' })
      .replyWithError(connectionReset());
    const request = server.client.post().groupVersion(gv).namespace('ns').resource('configmaps').body({}).do();
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TRANSPORT', verb: 'POST', path: '/api/v1/namespaces/ns/configmaps' });
    expect(server.clock.sleeps).toEqual([]);
  });

  it('does not retry other transport errors of a GET', async () => {
    server = mockServer();
    server.pool
      .intercept({ path, method: 'GET' })
      .replyWithError(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }));
    await expect(getConfigMap().do()).rejects.toBeInstanceOf(TransportError);
    expect(server.clock.sleeps).toEqual([]);
  });

  it('passes every retry through the rate limiter', async () => {
    server = mockServer();
    server.pool
      .intercept({ path, method: 'GET' })
      .reply(429, 'slow down', { headers: { 'retry-after': '1' } })
      .times(3);
    server.pool.intercept({ path, method: 'GET' }).reply(200, {});
    await getConfigMap().do();
    expect(server.limiterWaits()).toBe(4);
  });
});

describe('401 handling', () => {
  it('refreshes credentials once and retries once when refresh() says a retry may succeed', async () => {
    const tokens = ['old', 'new'];
    const rejectedWith: unknown[] = [];
    let refreshes = 0;
    server = mockServer({
      authenticator: {
        headers: async () => ({ Authorization: `Bearer ${tokens[refreshes]}` }),
        clientCertificate: async () => undefined,
        refresh: async (rejected) => {
          rejectedWith.push(rejected);
          refreshes++;
          return true;
        },
      },
    });
    const seen: string[] = [];
    server.pool
      .intercept({ path, method: 'GET' })
      .reply((opts) => {
        seen.push((opts.headers as Record<string, string>).authorization ?? '');
        return { statusCode: 401, data: statusBody(401, 'Unauthorized') };
      })
      .times(2);
    const error = await getConfigMap()
      .do()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'Unauthorized', statusCode: 401 });
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(refreshes).toBe(1);
    expect(rejectedWith).toEqual([{ Authorization: 'Bearer old' }]);
  });

  it('does not retry a 401 when refresh() resolves false', async () => {
    let refreshes = 0;
    server = mockServer({
      authenticator: {
        headers: async () => ({}),
        clientCertificate: async () => undefined,
        refresh: async () => {
          refreshes++;
          return false;
        },
      },
    });
    server.pool.intercept({ path, method: 'GET' }).reply(401, statusBody(401, 'Unauthorized'));
    await expect(getConfigMap().do()).rejects.toMatchObject({ reason: 'Unauthorized' });
    expect(refreshes).toBe(1);
  });
});
