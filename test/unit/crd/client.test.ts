import { describe, expect, it } from 'vitest';
import { KindMismatchError } from '../../../src/client/typed/errors.js';
import { type MockApiserver, mockApiserver } from '../discovery/mock-apiserver.js';
import { Gadgets, type Widget, Widgets } from './widgets.js';

function echoServer(): MockApiserver {
  const mock = mockApiserver();
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    mock.answer(
      method,
      (path) => path.startsWith('/apis/'),
      (request) => ({ body: request.body ?? { metadata: {}, items: [] } }),
    );
  }
  return mock;
}

const requests = (mock: MockApiserver) => mock.seen.map((r) => `${r.method} ${r.path.split('?')[0]}`);

const widget: Widget = { metadata: { name: 'w' }, spec: { replicas: 1, image: 'i', port: 80 } };

describe('the typed client of a defined resource', () => {
  it('sends each verb and subresource to the resource of its version and namespace', async () => {
    const mock = echoServer();
    const widgets = Widgets.client(mock.client, 'ns');
    await widgets.create(widget);
    await widgets.list();
    await widgets.updateStatus({ ...widget, status: { ready: true } });
    await widgets.patchStatus('w', 'merge', { status: { ready: false } });
    await widgets.applyStatus({ metadata: { name: 'w' }, status: { ready: true } }, { fieldManager: 'me' });
    await widgets.getScale('w');
    await widgets.updateScale('w', { metadata: { name: 'w' }, spec: { replicas: 2 } });
    await widgets.patchScale('w', 'merge', { spec: { replicas: 3 } });
    await Widgets.forVersion('v1beta1').client(mock.client).list();
    await Gadgets.client(mock.client).get('g');
    expect(requests(mock)).toEqual([
      'POST /apis/example.com/v1/namespaces/ns/widgets',
      'GET /apis/example.com/v1/namespaces/ns/widgets',
      'PUT /apis/example.com/v1/namespaces/ns/widgets/w/status',
      'PATCH /apis/example.com/v1/namespaces/ns/widgets/w/status',
      'PATCH /apis/example.com/v1/namespaces/ns/widgets/w/status',
      'GET /apis/example.com/v1/namespaces/ns/widgets/w/scale',
      'PUT /apis/example.com/v1/namespaces/ns/widgets/w/scale',
      'PATCH /apis/example.com/v1/namespaces/ns/widgets/w/scale',
      'GET /apis/example.com/v1beta1/widgets',
      'GET /apis/example.com/v1/gadgets/g',
    ]);
  });

  it('fills apiVersion and kind of the version into what it writes', async () => {
    const mock = echoServer();
    await Widgets.client(mock.client, 'ns').create(widget);
    expect(mock.seen.at(-1)?.body).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', ...widget });
    await Widgets.forVersion('v1beta1')
      .client(mock.client, 'ns')
      .create({ metadata: { name: 'o' }, spec: { size: 1 } });
    expect(mock.seen.at(-1)?.body).toMatchObject({ apiVersion: 'example.com/v1beta1', kind: 'Widget' });
  });

  it('refuses an object of another version before sending it', async () => {
    const mock = echoServer();
    const old = { ...widget, apiVersion: 'example.com/v1beta1' } as unknown as Widget;
    await expect(Widgets.client(mock.client, 'ns').create(old)).rejects.toBeInstanceOf(KindMismatchError);
    expect(mock.seen).toEqual([]);
  });

  it('describes each version: descriptor, group/version/kind and group/version/resource', () => {
    expect(Widgets.descriptor).toEqual({
      group: 'example.com',
      version: 'v1',
      resource: 'widgets',
      kind: 'Widget',
      namespaced: true,
    });
    expect(Widgets.forVersion('v1beta1').groupVersionKind).toEqual({
      group: 'example.com',
      version: 'v1beta1',
      kind: 'Widget',
    });
    expect(Gadgets.groupVersionResource).toEqual({ group: 'example.com', version: 'v1', resource: 'gadgets' });
    expect(Gadgets.descriptor.namespaced).toBe(false);
  });
});
