import { afterEach, describe, expect, it } from 'vitest';
import type { RequestObserver } from '../../../src/client/rest/request-observer.js';
import { connectionReset, type MockServer, mockServer, statusBody } from './mock-server.js';

const gv = { group: 'apps', version: 'v1' };
let server: MockServer;

afterEach(async () => {
  await server.agent.close();
});

/** An observer writing each hook call as one line. */
function recording(): { observer: RequestObserver; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    observer: {
      onRateLimited: ({ verb, host }) => calls.push(`throttled ${verb} ${host}`),
      onAttempt: ({ verb, code }) => calls.push(`attempt ${verb} ${code}`),
      onRetry: ({ verb, code }) => calls.push(`retry ${verb} ${code}`),
      onDone: ({ verb }) => calls.push(`done ${verb}`),
      onWrite: (write) => calls.push(`write ${JSON.stringify(write)}`),
    },
  };
}

describe('RequestObserver', () => {
  it('hears each round trip, the retry between them and the end of a retried GET', async () => {
    const { observer, calls } = recording();
    server = mockServer({ observer });
    const path = '/apis/apps/v1/namespaces/ns/deployments/web';
    server.pool.intercept({ path, method: 'GET' }).replyWithError(connectionReset());
    server.pool
      .intercept({ path, method: 'GET' })
      .reply(429, statusBody(429, 'TooManyRequests'), { headers: { 'retry-after': '1' } });
    server.pool.intercept({ path, method: 'GET' }).reply(200, { kind: 'Deployment' });

    await server.client.get().groupVersion(gv).namespace('ns').resource('deployments').name('web').do();

    expect(calls).toEqual([
      'throttled GET 127.0.0.1:6443',
      'attempt GET <error>',
      'retry GET <error>',
      'throttled GET 127.0.0.1:6443',
      'attempt GET 429',
      'retry GET 429',
      'throttled GET 127.0.0.1:6443',
      'attempt GET 200',
      'done GET',
    ]);
  });

  it('reports a successful write with its target and the answered object, and no write for a failed one', async () => {
    const { observer, calls } = recording();
    server = mockServer({ observer });
    const created = { kind: 'Deployment', metadata: { name: 'web-x1', namespace: 'ns', resourceVersion: '7' } };
    server.pool.intercept({ path: '/apis/apps/v1/namespaces/ns/deployments', method: 'POST' }).reply(201, created);
    server.pool
      .intercept({ path: '/apis/apps/v1/namespaces/ns/deployments/web/status', method: 'PUT' })
      .reply(409, statusBody(409, 'Conflict'));

    await server.client.post().groupVersion(gv).namespace('ns').resource('deployments').body({}).do();
    const update = server.client.put().groupVersion(gv).namespace('ns').resource('deployments').name('web');
    await expect(update.subresource('status').body({}).do()).rejects.toThrow();

    const writes = calls.filter((call) => call.startsWith('write ')).map((call) => JSON.parse(call.slice(6)));
    expect(writes).toEqual([
      {
        verb: 'POST',
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
        subresource: '',
        namespace: 'ns',
        name: '',
        response: created,
      },
    ]);
    expect(calls.filter((call) => call.startsWith('attempt'))).toEqual(['attempt POST 201', 'attempt PUT 409']);
  });
});
