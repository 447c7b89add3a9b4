import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeList, KubeObject } from '../../../src/client/meta.js';
import {
  defaultTransportCache,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isInvalid,
  isNotFound,
  RESTClient,
  StatusError,
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
  namespace = await createNamespace('rest');
});

afterAll(async () => {
  await deleteNamespace(namespace);
});

function configMaps() {
  return { gv: core, ns: namespace };
}

describe('RESTClient against the real apiserver', () => {
  it('creates, reads, lists, updates and deletes a ConfigMap through the builder', async () => {
    const { gv, ns } = configMaps();
    const created = await client
      .post()
      .groupVersion(gv)
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'crud' }, data: { a: '1' } })
      .do<ConfigMap>();
    expect(created.metadata?.uid).toBeTruthy();
    expect(typeof created.metadata?.creationTimestamp).toBe('string');

    const read = await client.get().groupVersion(gv).namespace(ns).resource('configmaps').name('crud').do<ConfigMap>();
    expect(read).toEqual(created);

    const list = await client.get().groupVersion(gv).namespace(ns).resource('configmaps').do<KubeList<ConfigMap>>();
    expect(list.items.map((item) => item.metadata?.name)).toContain('crud');

    const updated = await client
      .put()
      .groupVersion(gv)
      .namespace(ns)
      .resource('configmaps')
      .name('crud')
      .body({ ...read, data: { a: '2' } })
      .do<ConfigMap>();
    expect(updated.data).toEqual({ a: '2' });

    await client.delete().groupVersion(gv).namespace(ns).resource('configmaps').name('crud').do();
    const gone = client.get().groupVersion(gv).namespace(ns).resource('configmaps').name('crud').do();
    await expect(gone).rejects.toSatisfy(isNotFound);
  });

  it('reports a missing object as a NotFound StatusError with the verb and path', async () => {
    const error = await client
      .get()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .name('absent')
      .param('resourceVersion', '0')
      .do()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect(error).toMatchObject({
      code: 'STATUS',
      statusCode: 404,
      reason: 'NotFound',
      verb: 'GET',
      path: `/api/v1/namespaces/${namespace}/configmaps/absent`,
      details: { name: 'absent', kind: 'configmaps' },
    });
    expect(isNotFound(error)).toBe(true);
  });

  it('reports a second create as AlreadyExists (409)', async () => {
    const create = () =>
      client
        .post()
        .groupVersion(core)
        .namespace(namespace)
        .resource('configmaps')
        .body({ metadata: { name: 'twice' } })
        .do();
    await create();
    const error = await create().catch((e: unknown) => e);
    expect(isAlreadyExists(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 409, reason: 'AlreadyExists' });
  });

  it('reports an update with a stale resourceVersion as Conflict (409)', async () => {
    const created = await client
      .post()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .body({ metadata: { name: 'stale' }, data: { v: '1' } })
      .do<ConfigMap>();
    const put = (data: Record<string, string>) =>
      client
        .put()
        .groupVersion(core)
        .namespace(namespace)
        .resource('configmaps')
        .name('stale')
        .body({ ...created, data })
        .do<ConfigMap>();
    await put({ v: '2' });
    const error = await put({ v: '3' }).catch((e: unknown) => e);
    expect(isConflict(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 409, reason: 'Conflict' });
  });

  it('reports an invalid object as Invalid (422) with its field causes', async () => {
    const error = await client
      .post()
      .groupVersion(core)
      .namespace(namespace)
      .resource('configmaps')
      .body({ metadata: { name: 'Not_A_DNS_Name' } })
      .do()
      .catch((e: unknown) => e);
    expect(isInvalid(error)).toBe(true);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).causes).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid' })]),
    );
  });

  it('gives the unprivileged user a Forbidden StatusError', async () => {
    const user = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.userContext));
    const error = await user
      .get()
      .groupVersion(core)
      .resource('secrets')
      .do()
      .catch((e: unknown) => e);
    expect(isForbidden(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 403, reason: 'Forbidden' });
    expect((error as StatusError).message).toContain('User "kubeloop-user" cannot list resource "secrets"');
  });

  it('shares the process default pool between clients built from equal configs', async () => {
    const first = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    await first.get().absPath('/version').do();
    const pools = defaultTransportCache().size;
    const second = RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    await second.get().absPath('/version').do();
    expect(defaultTransportCache().size).toBe(pools);
  });

  it('reads a non-resource path with absPath', async () => {
    const version = await client.get().absPath('/version').do<{ gitVersion: string }>();
    expect(version.gitVersion).toBe(plane.kubernetesVersion);
  });
});
