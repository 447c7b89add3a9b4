// The fake's metadata-only reads and its watchList option, against answers recorded from kube-apiserver v1.37.2.
import { describe, expect, it } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import type { WatchOptions } from '../../../src/client/typed/options.js';
import { createFakeApiServer } from '../../../src/testing/index.js';

const core = { group: '', version: 'v1' };
const asObject = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const asList = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

async function seeded() {
  const server = createFakeApiServer();
  const configMaps = ClientSet.forConfig(server.config).coreV1().configMaps('default');
  await configMaps.create({ metadata: { name: 'x', labels: { a: 'b' } }, data: { k: 'v' } });
  await configMaps.create({ metadata: { name: 'y' }, data: { k: 'v' } });
  const rest = RESTClient.forConfig(server.config);
  const read = (accept: string, name?: string) => {
    const request = rest.get().groupVersion(core).namespace('default').resource('configmaps');
    return (name === undefined ? request : request.name(name)).setHeader('accept', accept);
  };
  return { server, read };
}

async function rejection(promise: Promise<unknown>): Promise<StatusError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StatusError);
  return error as StatusError;
}

describe('the fake API server serving metadata only', () => {
  it('answers a list asked as PartialObjectMetadataList with each item as PartialObjectMetadata, pages kept', async () => {
    const { read } = await seeded();
    const list = await read(asList).param('limit', 1).do<Record<string, unknown>>();
    expect(list).toMatchObject({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { continue: expect.any(String), remainingItemCount: 1 },
      items: [
        { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'x', labels: { a: 'b' } } },
      ],
    });
    expect(Object.keys((list.items as object[])[0] as object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('answers a get asked as PartialObjectMetadata with the whole metadata and nothing else', async () => {
    const { read } = await seeded();
    const object = await read(asObject, 'x').do<Record<string, unknown>>();
    expect(Object.keys(object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'x', managedFields: [{}] } });
  });

  it('answers 406 NotAcceptable when the view does not fit the read, as the apiserver does', async () => {
    const { read } = await seeded();
    const list = await rejection(read(asObject).do());
    expect(list.status).toMatchObject({
      code: 406,
      reason: 'NotAcceptable',
      message: 'you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)',
    });
    const object = await rejection(read(asList, 'x').do());
    expect(object.status.message).toBe(
      'you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)',
    );
  });

  it('refuses a transform it does not model (as=Table) with a 400 naming it', async () => {
    const { read } = await seeded();
    const error = await rejection(read('application/json;as=Table;g=meta.k8s.io;v=v1').do());
    expect(error.status.code).toBe(400);
    expect(error.status.message).toContain('does not model the response transform');
  });

  it('sends watch events, the initial-events-end bookmark too, as PartialObjectMetadata', async () => {
    const { read } = await seeded();
    const stream = await read(asObject)
      .param('watch', 'true')
      .param('sendInitialEvents', 'true')
      .param('resourceVersionMatch', 'NotOlderThan')
      .param('allowWatchBookmarks', 'true')
      .watch<Record<string, unknown>>();
    const events: { type: string; object: Record<string, unknown> }[] = [];
    for await (const event of stream) {
      events.push(event as (typeof events)[number]);
      if (event.type === 'BOOKMARK') break;
    }
    stream.close();
    expect(events.map((e) => `${e.type} ${e.object.kind} ${Object.keys(e.object).sort().join(',')}`)).toEqual([
      'ADDED PartialObjectMetadata apiVersion,kind,metadata',
      'ADDED PartialObjectMetadata apiVersion,kind,metadata',
      'BOOKMARK PartialObjectMetadata apiVersion,kind,metadata',
    ]);
  });
});

describe('a fake API server created with watchList: false', () => {
  const watch = (options: WatchOptions) =>
    ClientSet.forConfig(createFakeApiServer({ watchList: false }).config)
      .coreV1()
      .configMaps('default')
      .watch(options);

  it('lists every forbidden option in one 422, in the apiserver order', async () => {
    const error = await rejection(watch({ sendInitialEvents: true, allowWatchBookmarks: true }));
    expect(error.status.message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled]',
    );
    expect(error.status.details?.causes?.map((cause) => cause.field)).toEqual([
      'resourceVersionMatch',
      'sendInitialEvents',
    ]);
  });

  it('refuses sendInitialEvents=false too, and serves plain watches', async () => {
    const refused = await rejection(
      watch({ sendInitialEvents: false, resourceVersionMatch: 'NotOlderThan', resourceVersion: '1' }),
    );
    expect(refused.status.code).toBe(422);
    await expect(watch({ resourceVersion: '1' }).then((stream) => stream.close())).resolves.toBeUndefined();
  });
});
