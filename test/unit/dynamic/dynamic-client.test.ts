import { describe, expect, it } from 'vitest';
import { DynamicClient } from '../../../src/client/dynamic/dynamic-client.js';
import { MissingNameError } from '../../../src/client/typed/errors.js';
import { type MockApiserver, mockApiserver } from '../discovery/mock-apiserver.js';

const widgets = { group: 'example.test', version: 'v1', resource: 'widgets' };
const base = '/apis/example.test/v1/namespaces/ns/widgets';
const widget = { apiVersion: 'example.test/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } };

function echoServer(): MockApiserver {
  const mock = mockApiserver();
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    mock.answer(method, (path) => path.startsWith('/api'), { body: widget });
  }
  return mock;
}

function lastRequest(mock: MockApiserver) {
  const seen = mock.seen.at(-1);
  if (!seen) throw new Error('no request was sent');
  const url = new URL(seen.path, 'https://x');
  return { ...seen, pathname: url.pathname, query: [...url.searchParams] };
}

describe('DynamicClient', () => {
  it('addresses namespaced objects, subresources and cluster-scoped resources', async () => {
    const mock = echoServer();
    const dynamic = new DynamicClient(mock.client);
    await dynamic.resource(widgets).namespace('ns').get('w');
    expect(lastRequest(mock).pathname).toBe(`${base}/w`);
    await dynamic.resource(widgets).namespace('ns').get('w', { subresource: 'scale', resourceVersion: '0' });
    expect(lastRequest(mock)).toMatchObject({ pathname: `${base}/w/scale`, query: [['resourceVersion', '0']] });
    await dynamic.resource(widgets).list();
    expect(lastRequest(mock).pathname).toBe('/apis/example.test/v1/widgets');
    await dynamic.resource({ group: '', version: 'v1', resource: 'nodes' }).get('n1');
    expect(lastRequest(mock).pathname).toBe('/api/v1/nodes/n1');
  });

  it('sends list selectors and paging as query parameters', async () => {
    const mock = echoServer();
    await new DynamicClient(mock.client).resource(widgets).namespace('ns').list({
      labelSelector: 'a=b',
      fieldSelector: 'metadata.name=w',
      limit: 5,
      continue: 'token',
      resourceVersion: '10',
      resourceVersionMatch: 'NotOlderThan',
      timeoutSeconds: 3,
    });
    expect(lastRequest(mock).query).toEqual([
      ['labelSelector', 'a=b'],
      ['fieldSelector', 'metadata.name=w'],
      ['limit', '5'],
      ['continue', 'token'],
      ['resourceVersion', '10'],
      ['resourceVersionMatch', 'NotOlderThan'],
      ['timeoutSeconds', '3'],
    ]);
  });

  it('sends one watch=true with the watch options', async () => {
    const mock = echoServer();
    const stream = await new DynamicClient(mock.client)
      .resource(widgets)
      .namespace('ns')
      .watch({ resourceVersion: '7', allowWatchBookmarks: true, sendInitialEvents: true });
    stream.close();
    const query = lastRequest(mock).query;
    expect(query.filter(([key]) => key === 'watch')).toEqual([['watch', 'true']]);
    expect(query).toEqual(
      expect.arrayContaining([
        ['resourceVersion', '7'],
        ['allowWatchBookmarks', 'true'],
        ['sendInitialEvents', 'true'],
      ]),
    );
  });

  it('updates status and applies with the field manager, force and the apply content type', async () => {
    const mock = echoServer();
    const client = new DynamicClient(mock.client).resource(widgets).namespace('ns');
    await client.updateStatus({ ...widget, status: { ok: true } }, { dryRun: true });
    expect(lastRequest(mock)).toMatchObject({
      method: 'PUT',
      pathname: `${base}/w/status`,
      query: [['dryRun', 'All']],
    });
    await client.applyStatus(widget, { fieldManager: 'me', force: true });
    const applied = lastRequest(mock);
    expect(applied).toMatchObject({ method: 'PATCH', pathname: `${base}/w/status` });
    expect(applied.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(applied.query).toEqual([
      ['fieldManager', 'me'],
      ['force', 'true'],
    ]);
    await client.patch('w', 'json', [{ op: 'replace', path: '/spec/size', value: 2 }]);
    expect(lastRequest(mock).headers['content-type']).toBe('application/json-patch+json');
  });

  it('sends delete options as a DeleteOptions body', async () => {
    const mock = echoServer();
    const client = new DynamicClient(mock.client).resource(widgets).namespace('ns');
    await client.delete('w', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
    expect(lastRequest(mock)).toMatchObject({
      method: 'DELETE',
      pathname: `${base}/w`,
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground', gracePeriodSeconds: 0 },
    });
    await client.deleteCollection({ labelSelector: 'a=b', dryRun: true });
    expect(lastRequest(mock)).toMatchObject({
      pathname: base,
      query: [['labelSelector', 'a=b']],
      body: { kind: 'DeleteOptions', dryRun: ['All'] },
    });
  });

  it('throws MissingNameError before sending an object without a name', async () => {
    const mock = echoServer();
    const client = new DynamicClient(mock.client).resource(widgets).namespace('ns');
    const nameless = { apiVersion: 'example.test/v1', kind: 'Widget', metadata: {} };
    expect(() => client.update(nameless)).toThrow(MissingNameError);
    expect(() => client.apply(nameless, { fieldManager: 'me' })).toThrow(MissingNameError);
    expect(() => client.create(nameless, { subresource: 'eviction' })).toThrow(MissingNameError);
    expect(mock.seen).toEqual([]);
  });
});
