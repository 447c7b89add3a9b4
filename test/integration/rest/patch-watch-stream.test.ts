import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeObject, WatchEvent } from '../../../src/client/meta.js';
import {
  isNotFound,
  RESTClient,
  TransportCache,
  type TransportIdentity,
  WatchIdleTimeoutError,
} from '../../../src/client/rest/index.js';
import { createNamespace, deleteNamespace, restConfigFor } from '../support.js';

const plane = inject('controlPlane');
const core = { group: '', version: 'v1' };

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

let client: RESTClient;
let namespace: string;

beforeAll(async () => {
  client = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
  namespace = await createNamespace('rest-pw');
});

afterAll(async () => {
  await deleteNamespace(namespace);
});

function configMap(name: string) {
  return { gv: core, ns: namespace, name };
}

async function create(name: string, data: Record<string, string>): Promise<ConfigMap> {
  return await client
    .post()
    .groupVersion(core)
    .namespace(namespace)
    .resource('configmaps')
    .body({ metadata: { name }, data })
    .do<ConfigMap>();
}

describe('patches against the real apiserver', () => {
  it('applies a JSON patch', async () => {
    await create('json-patch', { a: '1' });
    const { gv, ns, name } = configMap('json-patch');
    const patched = await client
      .patch('json')
      .groupVersion(gv)
      .namespace(ns)
      .resource('configmaps')
      .name(name)
      .body([
        { op: 'replace', path: '/data/a', value: '2' },
        { op: 'add', path: '/data/b', value: '3' },
      ])
      .do<ConfigMap>();
    expect(patched.data).toEqual({ a: '2', b: '3' });
  });

  it('applies a merge patch, null deleting a key', async () => {
    await create('merge-patch', { a: '1', b: '2' });
    const { gv, ns, name } = configMap('merge-patch');
    const patched = await client
      .patch('merge')
      .groupVersion(gv)
      .namespace(ns)
      .resource('configmaps')
      .name(name)
      .body({ data: { a: null, c: '3' } })
      .do<ConfigMap>();
    expect(patched.data).toEqual({ b: '2', c: '3' });
  });

  it('applies a strategic merge patch to a list merged by key', async () => {
    const pod = {
      metadata: { name: 'smp' },
      spec: {
        containers: [
          { name: 'a', image: 'example.invalid/a:1' },
          { name: 'b', image: 'example.invalid/b:1' },
        ],
      },
    };
    await client.post().groupVersion(core).namespace(namespace).resource('pods').body(pod).do();
    const patched = await client
      .patch('strategic')
      .groupVersion(core)
      .namespace(namespace)
      .resource('pods')
      .name('smp')
      .body({ spec: { containers: [{ name: 'b', image: 'example.invalid/b:2' }] } })
      .do<{ spec: { containers: { name: string; image: string }[] } }>();
    expect(patched.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      'a=example.invalid/a:1',
      'b=example.invalid/b:2',
    ]);
  });

  it('server-side applies with a field manager, conflicts without force, and takes over with force', async () => {
    const apply = (manager: string, value: string, force?: boolean) =>
      client
        .patch('apply')
        .groupVersion(core)
        .namespace(namespace)
        .resource('configmaps')
        .name('ssa')
        .param('fieldManager', manager)
        .param('force', force)
        .body({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { owned: value } })
        .do<ConfigMap>();
    const first = await apply('manager-a', '1');
    expect(first.data).toEqual({ owned: '1' });
    expect(first.metadata?.managedFields).toEqual([
      expect.objectContaining({ manager: 'manager-a', operation: 'Apply' }),
    ]);
    await expect(apply('manager-b', '2')).rejects.toMatchObject({ statusCode: 409, reason: 'Conflict' });
    const forced = await apply('manager-b', '2', true);
    expect(forced.data).toEqual({ owned: '2' });
  });
});

describe('watch against the real apiserver', () => {
  it('sees ADDED, MODIFIED, DELETED and BOOKMARK events in order', async () => {
    const list = await client.get().groupVersion(core).namespace(namespace).resource('configmaps').do<{
      metadata: { resourceVersion: string };
    }>();
    const stream = await client
      .get()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .param('resourceVersion', list.metadata.resourceVersion)
      .param('allowWatchBookmarks', true)
      .param('fieldSelector', 'metadata.name=watched')
      .param('timeoutSeconds', 60)
      .watch<ConfigMap>();
    const seen: WatchEvent<ConfigMap>[] = [];
    const consumed = (async () => {
      for await (const event of stream) {
        seen.push(event);
        if (event.type === 'DELETED') stream.close();
      }
    })();
    const created = await create('watched', { v: '1' });
    await client
      .put()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .name('watched')
      .body({ ...created, data: { v: '2' } })
      .do();
    await client.delete().groupVersion(core).namespace(namespace).resource('configmaps').name('watched').do();
    await consumed;
    const changes = seen.filter((event) => event.type !== 'BOOKMARK');
    expect(changes.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(changes.map((event) => (event.object as ConfigMap).data)).toEqual([{ v: '1' }, { v: '2' }, { v: '2' }]);
    expect(typeof (changes[0]?.object as ConfigMap | undefined)?.metadata?.creationTimestamp).toBe('string');
  });

  it('receives the initial-events-end BOOKMARK with sendInitialEvents and allowWatchBookmarks', async () => {
    await create('initial', { v: '1' });
    const stream = await client
      .get()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .param('sendInitialEvents', true)
      .param('resourceVersionMatch', 'NotOlderThan')
      .param('allowWatchBookmarks', true)
      .param('timeoutSeconds', 60)
      .watch<ConfigMap>();
    const seen: WatchEvent<ConfigMap>[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'BOOKMARK') break;
    }
    const bookmark = seen.at(-1) as { type: string; object: ConfigMap } | undefined;
    expect(seen.some((event) => event.type === 'ADDED' && event.object.metadata?.name === 'initial')).toBe(true);
    expect(bookmark?.type).toBe('BOOKMARK');
    expect(bookmark?.object.metadata?.annotations?.['k8s.io/initial-events-end']).toBe('true');
    expect(bookmark?.object.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('ends at the server timeoutSeconds cleanly, never cut by a client timeout', async () => {
    const stream = await client
      .get()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .param('fieldSelector', 'metadata.name=never-created')
      .param('timeoutSeconds', 1)
      .timeout(100)
      .watch<ConfigMap>();
    const seen: WatchEvent<ConfigMap>[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen).toEqual([]);
  });
});

describe('the watch watchdog against the real apiserver', () => {
  it('aborts a watch the server keeps silent for longer than idleTimeoutMs', async () => {
    const stream = await client
      .get()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .param('fieldSelector', 'metadata.name=never-created-either')
      .param('timeoutSeconds', 60)
      .watch<ConfigMap>({ idleTimeoutMs: 300 });
    const error = await (async () => {
      for await (const _ of stream) {
        // No event is expected.
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchIdleTimeoutError);
    expect(error).toMatchObject({ path: `/api/v1/namespaces/${namespace}/configmaps`, idleTimeoutMs: 300 });
  });
});

describe('streaming and pooling against the real apiserver', () => {
  it('releases a stream the caller stops reading and keeps serving requests', async () => {
    const transport = new TransportCache();
    const own = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext), { transport });
    for await (const _ of await own.get().absPath('/openapi/v3/api/v1').stream()) break;
    await expect(own.get().absPath('/version').do()).resolves.toHaveProperty('gitVersion');
    await transport.close();
  });

  it('streams a large body in several chunks that add up to the document', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of await client.get().absPath('/openapi/v3/api/v1').stream()) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(chunks.length).toBeGreaterThan(1);
    expect(JSON.parse(text)).toHaveProperty('components.schemas');
  });

  it('shares one pool, and one keep-alive connection, between clients built from equal configs', async () => {
    const transport = new TransportCache();
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const first = RESTClient.forConfig(config, { transport });
    const second = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext), { transport });
    for (const c of [first, second, first, second]) {
      await c.get().absPath('/version').do();
      // Let undici return the socket to the pool before the next request is dispatched.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(transport.size).toBe(1);
    const origin = new URL(config.host).origin;
    const identity = { origin, ca: config.caData, cert: config.certData, key: config.keyData } as TransportIdentity;
    const agent = transport.dispatcherFor(identity) as Agent;
    expect(transport.size).toBe(1);
    expect(agent.stats[origin]).toMatchObject({ connected: 1 });
    const user = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.userContext), { transport });
    await user.get().absPath('/version').do();
    expect(transport.size).toBe(2);
    await transport.close();
  });

  it('receives a large list gzip-compressed and decodes it', async () => {
    const big = 'x'.repeat(60_000);
    for (const name of ['big-1', 'big-2', 'big-3']) await create(name, { big });
    const raw = await client.get().groupVersion(core).namespace(namespace).resource('configmaps').doRaw();
    expect(raw.headers['content-encoding']).toBe('gzip');
    const list = JSON.parse(new TextDecoder().decode(raw.body)) as { items: ConfigMap[] };
    expect(list.items.filter((item) => item.data?.big === big).map((item) => item.metadata?.name)).toEqual([
      'big-1',
      'big-2',
      'big-3',
    ]);
  });

  it('deletes what it created: a deleted ConfigMap reads as NotFound', async () => {
    await create('short-lived', {});
    await client.delete().groupVersion(core).namespace(namespace).resource('configmaps').name('short-lived').do();
    await expect(
      client.get().groupVersion(core).namespace(namespace).resource('configmaps').name('short-lived').do(),
    ).rejects.toSatisfy(isNotFound);
  });
});
