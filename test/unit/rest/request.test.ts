import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  RequestTimeoutError,
  ResponseDecodeError,
  RestConfigError,
} from '../../../src/client/rest/errors.js';
import type { PatchType } from '../../../src/client/rest/request.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import { type MockServer, mockServer, origin, statusBody } from './mock-server.js';

let server: MockServer;

afterEach(async () => {
  await server.agent.close();
});

type Seen = { path: string; method: string; headers: Record<string, string>; body: string };

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  return body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body);
}

function recordOnce(seen: Seen[], statusCode = 200, data: object | string = {}, headers = {}) {
  server.pool.intercept({ path: () => true, method: () => true }).reply((opts) => {
    seen.push({
      path: opts.path,
      method: opts.method,
      headers: opts.headers as Record<string, string>,
      body: bodyText(opts.body),
    });
    return { statusCode, data, responseOptions: { headers } };
  });
}

describe('the request builder', () => {
  it('builds core, group and non-resource paths with query parameters in order', async () => {
    server = mockServer();
    const seen: Seen[] = [];
    for (let i = 0; i < 4; i++) recordOnce(seen);
    await server.client
      .get()
      .groupVersion({ group: '', version: 'v1' })
      .namespace('ns')
      .resource('Pods')
      .name('web-0')
      .subresource('log')
      .param('follow', false)
      .param('container', 'app')
      .param('tailLines', 10)
      .param('skipped', undefined)
      .do();
    await server.client
      .get()
      .groupVersion({ group: 'apps', version: 'v1' })
      .resource('deployments')
      .param('labelSelector', 'a in (x,y),b!=c')
      .do();
    await server.client.get().absPath('/openapi/v3/').do();
    await server.client.get().groupVersion({ group: '', version: 'v1' }).namespace('').resource('pods').do();
    expect(seen.map((s) => s.path)).toEqual([
      '/api/v1/namespaces/ns/pods/web-0/log?follow=false&container=app&tailLines=10',
      '/apis/apps/v1/deployments?labelSelector=a+in+%28x%2Cy%29%2Cb%21%3Dc',
      '/openapi/v3',
      '/api/v1/pods',
    ]);
  });

  it('sends the User-Agent, Accept and the authenticator headers, with caller headers winning', async () => {
    server = mockServer({
      authenticator: {
        headers: async () => ({ Authorization: 'Bearer t', 'Impersonate-Group': ['a', 'b'] }),
        clientCertificate: async () => undefined,
        refresh: async () => false,
      },
    });
    const seen: Seen[] = [];
    recordOnce(seen);
    await server.client.get().absPath('/version').setHeader('Accept', 'application/yaml').do();
    const headers = seen[0]?.headers ?? {};
    expect(headers['user-agent']).toMatch(/^kubeloop\/\d+\.\d+\.\d+ \(\w+\/\w+\) node\/v\d+/);
    expect(headers.authorization).toBe('Bearer t');
    expect(headers.accept).toBe('application/yaml');
  });

  it.each([
    ['json', 'application/json-patch+json'],
    ['merge', 'application/merge-patch+json'],
    ['strategic', 'application/strategic-merge-patch+json'],
    ['apply', 'application/apply-patch+yaml'],
  ] as [PatchType, string][])('sends a %s patch as %s', async (type, contentType) => {
    server = mockServer();
    const seen: Seen[] = [];
    recordOnce(seen);
    await server.client
      .patch(type)
      .groupVersion({ group: '', version: 'v1' })
      .namespace('ns')
      .resource('configmaps')
      .name('cm')
      .body({ data: { a: '1' } })
      .do();
    expect(seen[0]).toMatchObject({ method: 'PATCH', body: '{"data":{"a":"1"}}' });
    expect(seen[0]?.headers['content-type']).toBe(contentType);
  });

  it('sends bytes and strings as they are with a JSON content type by default', async () => {
    server = mockServer();
    const seen: Seen[] = [];
    recordOnce(seen);
    recordOnce(seen);
    await server.client.post().absPath('/x').body('{"raw":true}').do();
    await server.client
      .post()
      .absPath('/x')
      .body(new TextEncoder().encode('bytes'))
      .setHeader('content-type', 'text/plain')
      .doRaw();
    expect(seen.map((s) => [s.body, s.headers['content-type']])).toEqual([
      ['{"raw":true}', 'application/json'],
      ['bytes', 'text/plain'],
    ]);
  });

  it('returns the JSON exactly as sent: timestamps stay strings, unknown fields kept', async () => {
    server = mockServer();
    const text = '{"metadata":{"creationTimestamp":"2026-01-02T03:04:05Z"},"spec":{"x-new":[1,{"y":null}]}}';
    server.pool.intercept({ path: '/api/v1/x' }).reply(200, text);
    const value = await server.client.get().groupVersion({ group: '', version: 'v1' }).resource('x').do();
    expect(value).toEqual(JSON.parse(text));
  });

  it('returns raw bytes, status and headers from doRaw', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/openapi/v3' }).reply(200, 'plain', { headers: { 'x-extra': 'yes' } });
    const raw = await server.client.get().absPath('/openapi/v3').doRaw();
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['x-extra']).toBe('yes');
    expect(new TextDecoder().decode(raw.body)).toBe('plain');
  });

  it('rejects a non-2xx doRaw with a StatusError', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/x' }).reply(403, statusBody(403, 'Forbidden'));
    await expect(server.client.get().absPath('/x').doRaw()).rejects.toBeInstanceOf(StatusError);
  });

  it('rejects a 2xx Status of Failure as a StatusError, as client-go does', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/x' }).reply(200, statusBody(500, 'InternalError'));
    await expect(server.client.get().absPath('/x').do()).rejects.toMatchObject({ reason: 'InternalError' });
  });

  it('rejects a body that is not JSON without quoting it', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/x' }).reply(200, 'secret-token-in-html');
    const error = await server.client
      .get()
      .absPath('/x')
      .do()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseDecodeError);
    expect((error as Error).message).not.toContain('secret');
  });

  it.each([
    ['a name with a slash', (r: ReturnType<MockServer['client']['get']>) => r.name('a/b')],
    ['the name ..', (r: ReturnType<MockServer['client']['get']>) => r.name('..')],
    ['an empty name', (r: ReturnType<MockServer['client']['get']>) => r.name('')],
    ['a namespace with a slash', (r: ReturnType<MockServer['client']['get']>) => r.namespace('x/y')],
  ])('rejects %s before sending anything', async (_, configure) => {
    server = mockServer();
    const request = configure(server.client.get().groupVersion({ group: '', version: 'v1' }).resource('pods'));
    await expect(request.do()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.limiterWaits()).toBe(0);
  });

  it('rejects a request with neither groupVersion nor absPath', async () => {
    server = mockServer();
    await expect(server.client.get().resource('pods').do()).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('tells the server its timeout and ends a request that outlives it with RequestTimeoutError', async () => {
    server = mockServer();
    const paths: string[] = [];
    server.pool
      .intercept({ path: (path) => paths.push(path) > 0 })
      .reply(200, {})
      .delay(5_000);
    const error = await server.client
      .get()
      .absPath('/slow')
      .timeout(20)
      .do()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', verb: 'GET', path: '/slow', timeoutMs: 20 });
    expect(paths).toEqual(['/slow?timeout=20ms']);
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/slow' }).reply(200, {}).delay(5_000);
    const controller = new AbortController();
    const request = server.client.get().absPath('/slow').signal(controller.signal).do();
    controller.abort(new Error('caller gave up'));
    await expect(request).rejects.toThrow('caller gave up');
  });

  it('keeps the host path prefix of the config', async () => {
    server = mockServer();
    const client = RESTClient.forConfig(
      { host: `${origin}/k8s/clusters/c1/` },
      { transport: { dispatcherFor: () => server.agent } },
    );
    server.pool.intercept({ path: '/k8s/clusters/c1/api/v1/namespaces' }).reply(200, { items: [] });
    await expect(client.get().groupVersion({ group: '', version: 'v1' }).resource('namespaces').do()).resolves.toEqual({
      items: [],
    });
  });
});

describe('warning headers', () => {
  it('delivers each warning of a response to the warning handler', async () => {
    server = mockServer();
    server.pool.intercept({ path: '/x' }).reply(
      200,
      {},
      {
        headers: { warning: '299 - "policy/v1beta1 PodSecurityPolicy is deprecated", 299 - "second \\"quoted\\""' },
      },
    );
    await server.client.get().absPath('/x').do();
    expect(server.warnings).toEqual([
      { code: 299, agent: '-', text: 'policy/v1beta1 PodSecurityPolicy is deprecated' },
      { code: 299, agent: '-', text: 'second "quoted"' },
    ]);
  });

  it('delivers warnings of failed responses too', async () => {
    server = mockServer();
    server.pool
      .intercept({ path: '/x' })
      .reply(404, statusBody(404, 'NotFound'), { headers: { warning: '299 - "w"' } });
    await server.client
      .get()
      .absPath('/x')
      .do()
      .catch(() => undefined);
    expect(server.warnings.map((w) => w.text)).toEqual(['w']);
  });
});

describe('the server URL of a config', () => {
  it('adds https to a bare host:port when TLS is configured, as client-go does', async () => {
    server = mockServer();
    const client = RESTClient.forConfig(
      { host: '127.0.0.1:6443', caData: 'CA' },
      { transport: { dispatcherFor: () => server.agent } },
    );
    server.pool.intercept({ path: '/version' }).reply(200, { gitVersion: 'v1' });
    await expect(client.get().absPath('/version').do()).resolves.toEqual({ gitVersion: 'v1' });
  });

  it.each(['ftp://127.0.0.1', 'https://', '::::'])('rejects the host %j with RestConfigError', (host) => {
    server = mockServer();
    expect(() => RESTClient.forConfig({ host })).toThrow(RestConfigError);
  });
});
