import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { KindMismatchError, MissingNameError } from '../../../src/client/typed/errors.js';
import { ResourceClient, type ResourceDescriptor } from '../../../src/client/typed/resource-client.js';
import { type MockApiserver, mockApiserver } from '../discovery/mock-apiserver.js';

const widgets: ResourceDescriptor = {
  group: 'example.test',
  version: 'v1',
  resource: 'widgets',
  kind: 'Widget',
  namespaced: true,
};
const configMaps: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};

interface Widget {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: { size?: number };
  status?: { ready?: boolean };
}

/** Exposes the protected subresource writes the generated clients build their status and scale methods on. */
class WidgetsClient extends ResourceClient<Widget> {
  updateStatus(object: Widget) {
    return this.updateSubresource<Widget>(object, 'status', object, {});
  }
  applyStatus(object: Widget) {
    return this.applySubresource<Widget>(object, ['status'], { fieldManager: 'me' });
  }
  updateScale(name: string, scale: object) {
    return this.updateSubresource<object>(name, 'scale', scale, {});
  }
  evict(name: string, body: object) {
    return this.createSubresource<object>(name, 'eviction', body, {});
  }
}

function echoServer(): MockApiserver {
  const mock = mockApiserver();
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    mock.answer(
      method,
      (path) => path.startsWith('/api'),
      (request) => ({ body: request.body ?? {} }),
    );
  }
  return mock;
}

const sentBody = (mock: MockApiserver) => mock.seen.at(-1)?.body;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('ResourceClient fills apiVersion and kind', () => {
  it('sends the core group as apiVersion v1 and a named group as group/version', async () => {
    const mock = echoServer();
    await new ResourceClient<ConfigMap>(mock.client, configMaps, 'ns').create({ metadata: { name: 'c' } });
    expect(sentBody(mock)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    await new ResourceClient<Widget>(mock.client, widgets, 'ns').create({ metadata: { name: 'w' } });
    expect(sentBody(mock)).toEqual({ apiVersion: 'example.test/v1', kind: 'Widget', metadata: { name: 'w' } });
  });

  it('fills them on create, update, apply, status writes and never mutates the caller object', async () => {
    const mock = echoServer();
    const client = new WidgetsClient(mock.client, widgets, 'ns');
    const object: Widget = { metadata: { name: 'w' }, spec: { size: 1 } };
    const calls = [
      () => client.create(object),
      () => client.update(object),
      () => client.apply(object, { fieldManager: 'me' }),
      () => client.updateStatus(object),
      () => client.applyStatus(object),
    ];
    for (const call of calls) {
      await call();
      expect(sentBody(mock)).toEqual({ apiVersion: 'example.test/v1', kind: 'Widget', ...object });
    }
    expect(object).toEqual({ metadata: { name: 'w' }, spec: { size: 1 } });
    expect(mock.seen.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'POST /apis/example.test/v1/namespaces/ns/widgets',
      'PUT /apis/example.test/v1/namespaces/ns/widgets/w',
      'PATCH /apis/example.test/v1/namespaces/ns/widgets/w',
      'PUT /apis/example.test/v1/namespaces/ns/widgets/w/status',
      'PATCH /apis/example.test/v1/namespaces/ns/widgets/w/status',
    ]);
  });

  it('fills a half-typed object: the missing half only', async () => {
    const mock = echoServer();
    const client = new ResourceClient<Widget>(mock.client, widgets, 'ns');
    await client.create({ kind: 'Widget', metadata: { name: 'w' } });
    expect(sentBody(mock)).toMatchObject({ apiVersion: 'example.test/v1', kind: 'Widget' });
    await client.create({ apiVersion: 'example.test/v1', metadata: { name: 'w' } });
    expect(sentBody(mock)).toMatchObject({ apiVersion: 'example.test/v1', kind: 'Widget' });
  });

  it('sends the scale subresource as autoscaling/v1 Scale and leaves other subresource bodies alone', async () => {
    const mock = echoServer();
    const client = new WidgetsClient(mock.client, widgets, 'ns');
    await client.updateScale('w', { metadata: { name: 'w' }, spec: { replicas: 3 } });
    expect(sentBody(mock)).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'w' },
      spec: { replicas: 3 },
    });
    await client.evict('w', { metadata: { name: 'w' } });
    expect(sentBody(mock)).toEqual({ metadata: { name: 'w' } });
  });

  it.each([
    ['another kind', { apiVersion: 'example.test/v1', kind: 'Gadget' }],
    ['another version', { apiVersion: 'example.test/v2', kind: 'Widget' }],
    ['another group', { apiVersion: 'other.test/v1', kind: 'Widget' }],
    ['the core group', { apiVersion: 'v1', kind: 'Widget' }],
  ])('rejects an object of %s with KindMismatchError before any request', async (_, typeMeta) => {
    const mock = echoServer();
    const client = new WidgetsClient(mock.client, widgets, 'ns');
    const object = { ...typeMeta, metadata: { name: 'w' } };
    const calls = [
      () => client.create(object),
      () => client.update(object),
      () => client.apply(object, { fieldManager: 'me' }),
      () => client.updateStatus(object),
      () => client.applyStatus(object),
    ];
    for (const call of calls) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(KindMismatchError);
      expect(error).toMatchObject({
        code: 'KIND_MISMATCH',
        resource: 'widgets',
        expected: { apiVersion: 'example.test/v1', kind: 'Widget' },
        actual: typeMeta,
      });
    }
    expect(mock.seen).toEqual([]);
  });

  it('names both sides in the mismatch message', async () => {
    const client = new ResourceClient<Widget>(echoServer().client, widgets, 'ns');
    const error = await rejection(client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w' } }));
    expect((error as Error).message).toBe(
      'kubeloop: create widgets: the object is v1 Pod, the client serves example.test/v1 Widget',
    );
  });

  it('still rejects a nameless update with MissingNameError', async () => {
    const mock = echoServer();
    const client = new ResourceClient<Widget>(mock.client, widgets, 'ns');
    expect(await rejection(client.update({ spec: {} }))).toBeInstanceOf(MissingNameError);
    expect(mock.seen).toEqual([]);
  });
});
