import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { newSharedInformerFactory } from '../../../src/cache/informer-factory.js';
import { newLister } from '../../../src/cache/lister.js';
import { listWatchFrom } from '../../../src/cache/listwatch.js';
import { Reflector } from '../../../src/cache/reflector.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/index.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import { createLogger } from '../../../src/logger.js';
import { createFakeApiServer, startControlPlane } from '../../../src/testing/index.js';
import { integrationTarget } from '../support.js';
import { forEachLimited, Pipeline, RecordingListerWatcher } from './reflector-support.js';

const waitLong = { timeout: 90_000, interval: 100 };
// The reflector warns once when it falls back; that warning is expected here.
const logger = createLogger({ level: 'error' });

/** A server that refuses watch-list requests, with a way to compact its history (410 for older versions). */
interface NoWatchListServer {
  readonly clientSet: ClientSet;
  compact(): Promise<unknown>;
  stop(): Promise<void>;
}

let server: Promise<NoWatchListServer> | undefined;

/**
 * Real target: a control plane of this file's own with the WatchList feature gate off (and, as the shared plane,
 * configmaps served from etcd so a compaction yields 410). Fake target: `createFakeApiServer({ watchList: false })`.
 */
function serverWithoutWatchList(): Promise<NoWatchListServer> {
  server ??=
    integrationTarget === 'fake'
      ? Promise.resolve(createFakeApiServer({ watchList: false })).then((fake) => ({
          clientSet: ClientSet.forConfig(fake.config),
          compact: async () => fake.compact(),
          stop: () => fake.close(),
        }))
      : startControlPlane({
          apiServerFlags: [
            '--feature-gates=WatchList=false',
            '--watch-cache-sizes=configmaps#0',
            '--etcd-compaction-interval=0',
          ],
        }).then((plane) => ({
          clientSet: ClientSet.forConfig({ ...plane.adminConfig, qps: 1000, burst: 1000 }),
          compact: () => plane.compactEtcd(),
          stop: () => plane.stop(),
        }));
  return server;
}

afterAll(async () => {
  const started = server;
  server = undefined;
  if (started) await (await started).stop();
});

async function namespaceOn(clientSet: ClientSet, prefix: string): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await clientSet.coreV1().namespaces().create({ metadata: { name } });
  onTestFinished(async () => {
    await clientSet.coreV1().namespaces().delete(name);
  });
  return name;
}

describe('watch-list against a server that does not serve it', () => {
  it('refuses a sendInitialEvents watch with 422 Invalid naming the WatchList feature gate', async () => {
    const { clientSet } = await serverWithoutWatchList();
    const attempt = clientSet
      .coreV1()
      .configMaps('default')
      .watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const error = await attempt.then(
      (stream) => {
        stream.close();
        return undefined;
      },
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(StatusError);
    const detail = 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled';
    expect((error as StatusError).status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: ${detail}`,
      reason: 'Invalid',
      details: {
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [{ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field: 'sendInitialEvents' }],
      },
      code: 422,
    });
  });

  it('in auto mode, a Reflector asks once, falls back to list+watch, syncs, and lists on every later round', async () => {
    const { clientSet, compact } = await serverWithoutWatchList();
    const configMaps = clientSet.coreV1().configMaps(await namespaceOn(clientSet, 'wl-fallback'));
    await forEachLimited(20, 10, (i) => configMaps.create({ metadata: { name: `cm-${i}` } }));
    const lw = new RecordingListerWatcher(listWatchFrom(configMaps));
    const pipeline = new Pipeline<ConfigMap>();
    const abort = new AbortController();
    const reflector = new Reflector<ConfigMap>({
      name: 'fallback',
      listerWatcher: lw,
      store: pipeline.fifo,
      logger,
      watchList: 'auto',
    });
    const running = reflector.run(abort.signal);
    onTestFinished(async () => {
      abort.abort();
      await running;
      await pipeline.close();
    });

    await expect.poll(() => pipeline.fifo.hasSynced() && pipeline.indexer.listKeys().length, waitLong).toBe(20);
    expect(lw.calls[0]).toMatchObject({
      verb: 'watch',
      options: { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' },
    });
    expect(lw.watchFailures).toEqual([422]);
    expect(lw.lists()).toHaveLength(1);
    await configMaps.create({ metadata: { name: 'late' } });
    await expect.poll(() => pipeline.indexer.listKeys().length, waitLong).toBe(21);

    // A watch that lived over a second ends cleanly when closed; the next one is held until history is compacted,
    // so it fails with 410 and the Reflector starts a new round: a list again, not another watch-list attempt.
    await sleep(1100);
    lw.pauseWatches();
    // Two writes: etcd keeps the compaction's own revision, so one write would leave the resumed watch's start.
    await forEachLimited(2, 2, (i) => configMaps.create({ metadata: { name: `during-${i}` } }));
    await compact();
    lw.resumeWatches();
    await expect.poll(() => lw.lists().length, waitLong).toBe(2);
    await expect.poll(() => pipeline.indexer.listKeys().length, waitLong).toBe(23);
    expect(lw.watchFailures).toContain(410);
    expect(lw.watches().filter((options) => options.sendInitialEvents !== undefined)).toHaveLength(1);
  });

  it('a SharedInformerFactory in its default mode syncs through the fallback and hands each object to its handler', async () => {
    const { clientSet } = await serverWithoutWatchList();
    const namespace = await namespaceOn(clientSet, 'wl-informer');
    const configMaps = clientSet.coreV1().configMaps(namespace);
    await forEachLimited(15, 10, (i) => configMaps.create({ metadata: { name: `cm-${i}` } }));
    const factory = newSharedInformerFactory({ clientSet, namespace, logger });
    const informer = factory.forClient((ns) => clientSet.coreV1().configMaps(ns));
    const added: string[] = [];
    informer.addEventHandler({ onAdd: (cm) => void added.push(cm.metadata?.name ?? '') });
    const stop = new AbortController();
    factory.start(stop.signal);
    onTestFinished(async () => {
      stop.abort();
      await factory.shutdown();
    });

    const synced = await factory.waitForCacheSync(AbortSignal.timeout(60_000));
    expect([...synced.values()]).toEqual([true]);
    expect(newLister(informer.getIndexer()).list()).toHaveLength(15);
    await configMaps.create({ metadata: { name: 'after-sync' } });
    await expect.poll(() => added.length, waitLong).toBe(16);
    expect([...added].sort()).toEqual([...Array.from({ length: 15 }, (_, i) => `cm-${i}`), 'after-sync'].sort());
  });
});
