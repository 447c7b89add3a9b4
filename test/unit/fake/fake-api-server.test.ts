import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { newManager } from '../../../src/controller/manager.js';
import { createLogger } from '../../../src/logger.js';
import { createFakeApiServer } from '../../../src/testing/index.js';

const silent = createLogger({ level: 'silent' });

function setup() {
  const server = createFakeApiServer();
  const configMaps = ClientSet.forConfig(server.config).coreV1().configMaps('default');
  return { server, configMaps };
}

async function statusOf(promise: Promise<unknown>): Promise<StatusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StatusError);
  return error as StatusError;
}

describe('createFakeApiServer', () => {
  it('serves typed clients through the RestConfig dispatcher, with no socket', async () => {
    const { server, configMaps } = setup();
    expect(server.config.host).toMatch(/\.invalid$/);
    const created = await configMaps.create({ metadata: { name: 'a' }, data: { k: 'v' } });
    expect((await configMaps.get('a')).metadata?.uid).toBe(created.metadata?.uid);
    expect(server.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('starts with the built-in namespaces and the objects it is given', async () => {
    const server = createFakeApiServer({
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seeded', namespace: 'kube-system' } }],
    });
    const client = ClientSet.forConfig(server.config).coreV1();
    const namespaces = (await client.namespaces().list()).items.map((n) => n.metadata?.name);
    expect(namespaces).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect((await client.configMaps('kube-system').get('seeded')).metadata?.name).toBe('seeded');
  });

  it('refuses a seed object of a kind it does not serve', () => {
    expect(() =>
      createFakeApiServer({ objects: [{ apiVersion: 'v1', kind: 'Nothing', metadata: { name: 'x' } }] }),
    ).toThrow(
      expect.objectContaining({
        code: 'FAKE_API_SERVER_OPTIONS',
        message: 'no served resource has kind Nothing in v1',
      }),
    );
  });

  it('fails the next N writes with 409 Conflict when conflicts are armed', async () => {
    const { server, configMaps } = setup();
    server.faults.conflictNext(2);
    expect((await statusOf(configMaps.create({ metadata: { name: 'a' } }))).reason).toBe('Conflict');
    expect((await statusOf(configMaps.create({ metadata: { name: 'a' } }))).reason).toBe('Conflict');
    await configMaps.create({ metadata: { name: 'a' } });
  });

  it('answers armed failures with a Status of the given code, only for the chosen verbs', async () => {
    const { server, configMaps } = setup();
    await configMaps.create({ metadata: { name: 'a' } });
    server.faults.failNext(1, { code: 500, verbs: ['list'] });
    await configMaps.get('a');
    const error = await statusOf(configMaps.list());
    expect(error.statusCode).toBe(500);
    expect(error.reason).toBe('InternalError');
    await configMaps.list();
  });

  it('sends Retry-After with a 429, which the client honours by retrying', async () => {
    const { server, configMaps } = setup();
    server.faults.failNext(2, { code: 429, retryAfterSeconds: 0 });
    await configMaps.create({ metadata: { name: 'a' } });
    expect((await configMaps.get('a')).metadata?.name).toBe('a');
  });

  it('disarms every fault on reset', async () => {
    const { server, configMaps } = setup();
    server.faults.conflictNext(5);
    server.faults.failNext(5, { code: 503 });
    server.faults.latency(1);
    server.faults.reset();
    await configMaps.create({ metadata: { name: 'a' } });
  });

  it('ends open watches cleanly, or as a dropped connection, when asked', async () => {
    const { server, configMaps } = setup();
    for (const error of [false, true]) {
      const watch = await configMaps.watch({ resourceVersion: server.resourceVersion });
      const next = watch[Symbol.asyncIterator]().next();
      server.faults.dropWatches({ error });
      expect((await next).done).toBe(true);
    }
  });

  it('answers 410 Expired to a watch from before compact(), keeping the compaction revision as etcd does', async () => {
    const { server, configMaps } = setup();
    const before = server.resourceVersion;
    await configMaps.create({ metadata: { name: 'a' } });
    const justBefore = server.resourceVersion;
    await configMaps.create({ metadata: { name: 'b' } });
    expect(server.compact()).toBe(server.resourceVersion);
    const kept = await configMaps.watch({ resourceVersion: justBefore });
    expect((await kept[Symbol.asyncIterator]().next()).value).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'b' } },
    });
    const watch = await configMaps.watch({ resourceVersion: before });
    const event = (await watch[Symbol.asyncIterator]().next()).value;
    expect(event).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });

  it('sends bookmarks at the configured interval to watches that allow them', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const server = createFakeApiServer({ bookmarkIntervalMs: 1000 });
    const configMaps = ClientSet.forConfig(server.config).coreV1().configMaps('default');
    const watch = await configMaps.watch({ resourceVersion: server.resourceVersion, allowWatchBookmarks: true });
    const next = watch[Symbol.asyncIterator]().next();
    await vi.advanceTimersByTimeAsync(1000);
    expect((await next).value).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { resourceVersion: server.resourceVersion } },
    });
    watch.close();
  });

  it('delays every answer by the armed latency', async () => {
    const { server, configMaps } = setup();
    await configMaps.create({ metadata: { name: 'a' } });
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    server.faults.latency(5000);
    let answered = false;
    const read = configMaps.get('a').then(() => {
      answered = true;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await read;
    expect(answered).toBe(true);
  });

  it("compacts a resource's oldest history beyond historyLimit: a watch from before it gets 410", async () => {
    const server = createFakeApiServer({ historyLimit: 2 });
    const configMaps = ClientSet.forConfig(server.config).coreV1().configMaps('default');
    const before = server.resourceVersion;
    for (const name of ['a', 'b', 'c', 'd']) await configMaps.create({ metadata: { name } });
    const watch = await configMaps.watch({ resourceVersion: before });
    expect((await watch[Symbol.asyncIterator]().next()).value).toMatchObject({ type: 'ERROR', object: { code: 410 } });
    const recent = await configMaps.list();
    const fromRecent = await configMaps.watch({ resourceVersion: recent.metadata?.resourceVersion });
    await configMaps.create({ metadata: { name: 'e' } });
    expect((await fromRecent[Symbol.asyncIterator]().next()).value).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'e' } },
    });
  });

  it('settle() waits for garbage collection of dependents', async () => {
    const { server, configMaps } = setup();
    const owner = await configMaps.create({ metadata: { name: 'owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid as string };
    await configMaps.create({ metadata: { name: 'dependent', ownerReferences: [ref] } });
    await configMaps.delete('owner');
    await server.settle();
    expect((await statusOf(configMaps.get('dependent'))).statusCode).toBe(404);
  });

  it('refuses strategic merge directives it does not model with a 400 naming them', async () => {
    const { server } = setup();
    const rest = RESTClient.forConfig(server.config);
    const deployments = { group: 'apps', version: 'v1' };
    await rest
      .post()
      .groupVersion(deployments)
      .namespace('default')
      .resource('deployments')
      .body({ metadata: { name: 'd' }, spec: {} })
      .do();
    const patch = rest
      .patch('strategic')
      .groupVersion(deployments)
      .namespace('default')
      .resource('deployments')
      .name('d');
    const error = await statusOf(patch.body({ spec: { $retainKeys: ['replicas'] } }).do());
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('does not model the strategic merge patch directive $retainKeys');
  });

  it('refuses a YAML server-side apply body with a 400 naming the case', async () => {
    const { server } = setup();
    const rest = RESTClient.forConfig(server.config);
    const apply = rest
      .patch('apply')
      .groupVersion({ group: '', version: 'v1' })
      .namespace('default')
      .resource('configmaps');
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
    const error = await statusOf(apply.name('a').param('fieldManager', 'me').body(yaml).do());
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('server-side apply bodies in YAML');
  });

  it('runs a manager and its controller in-process from the fake config', async () => {
    const { server, configMaps } = setup();
    const manager = newManager({ config: server.config, logger: silent });
    const informer = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    const seen: string[] = [];
    newControllerManagedBy(manager)
      .named('fake-configmaps')
      .for(informer)
      .complete(async ({ namespace, name }) => {
        const current: ConfigMap = await manager.clientSet.coreV1().configMaps(namespace).get(name);
        if (current.data?.done !== 'yes') {
          await manager.clientSet
            .coreV1()
            .configMaps(namespace)
            .patch(name, 'merge', { data: { done: 'yes' } });
        }
        seen.push(name);
      });
    const stop = new AbortController();
    const done = manager.start(stop.signal);
    onTestFinished(async () => {
      stop.abort();
      await done;
    });
    await configMaps.create({ metadata: { name: 'work' } });
    await vi.waitFor(async () => expect((await configMaps.get('work')).data).toEqual({ done: 'yes' }), {
      timeout: 10_000,
    });
    expect(seen).toContain('work');
  });
});
