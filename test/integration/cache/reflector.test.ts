import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listWatchFrom } from '../../../src/cache/listwatch.js';
import { metadataListWatch } from '../../../src/cache/metadata-listwatch.js';
import { Reflector, type ReflectorOptions } from '../../../src/cache/reflector.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { DynamicClient } from '../../../src/client/dynamic/dynamic-client.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap, Secret } from '../../../src/client/kubernetes/core-v1/index.js';
import type { KubeObject } from '../../../src/client/meta.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';
import { compactEtcd, forEachLimited, Pipeline, RecordingListerWatcher } from './reflector-support.js';

const waitLong = { timeout: 90_000, interval: 100 };

async function setup(prefix: string): Promise<{ cs: ClientSet; ns: string }> {
  const config = await adminConfig();
  // Bulk creates would otherwise wait on the default 50 QPS client-side limit.
  const cs = ClientSet.forConfig({ ...config, qps: 1000, burst: 1000 });
  return { cs, ns: await testNamespace(prefix) };
}

/** Runs a Reflector into the pipeline until the test finishes. */
function start<T extends KubeObject>(
  lw: RecordingListerWatcher<T>,
  pipeline: Pipeline<T>,
  options: Partial<ReflectorOptions<T>>,
): { reflector: Reflector<T>; stop: () => Promise<void> } {
  const abort = new AbortController();
  const reflector = new Reflector<T>({
    name: 'integration',
    listerWatcher: lw,
    store: pipeline.fifo,
    logger: createLogger({ level: 'error' }),
    ...options,
  });
  const running = reflector.run(abort.signal);
  const stop = async (): Promise<void> => {
    abort.abort();
    await running;
    await pipeline.close();
  };
  onTestFinished(stop);
  return { reflector, stop };
}

const keyOf = (o: KubeObject | DeletedFinalStateUnknown<KubeObject>): string =>
  o instanceof DeletedFinalStateUnknown ? o.key : `${o.metadata?.namespace}/${o.metadata?.name}`;

describe('Reflector against the apiserver', () => {
  it('syncs 1,200 ConfigMaps into a DeltaFIFO and Indexer through pages of 500, sending limit and continue', async () => {
    const { cs, ns } = await setup('refl-pages');
    const configMaps = cs.coreV1().configMaps(ns);
    await forEachLimited(1200, 32, (i) => configMaps.create({ metadata: { name: `cm-${i}` }, data: { i: String(i) } }));
    const lw = new RecordingListerWatcher(listWatchFrom(configMaps));
    const pipeline = new Pipeline<ConfigMap>();
    start(lw, pipeline, { pageSize: 500, watchList: 'off' });
    await expect.poll(() => pipeline.fifo.hasSynced() && pipeline.indexer.listKeys().length, waitLong).toBe(1200);
    const lists = lw.lists();
    expect(lists).toHaveLength(3);
    expect(lists[0]).toEqual({ resourceVersion: '0', limit: 500 });
    for (const next of lists.slice(1)) {
      expect(next.limit).toBe(500);
      expect(next.continue).toMatch(/.+/);
      expect(next.resourceVersion).toBeUndefined();
    }
    const expected = Array.from({ length: 1200 }, (_, i) => `${ns}/cm-${i}`).sort();
    expect(pipeline.indexer.listKeys().sort()).toEqual(expected);
    expect(lw.watches()[0]).toMatchObject({ allowWatchBookmarks: true });
  });

  it('relists after a 410 and delivers a tombstone for exactly each vanished object and an add for each new one', async () => {
    const { cs, ns } = await setup('refl-410');
    const configMaps = cs.coreV1().configMaps(ns);
    await forEachLimited(30, 10, (i) => configMaps.create({ metadata: { name: `cm-${i}` } }));
    const lw = new RecordingListerWatcher(listWatchFrom(configMaps));
    const pipeline = new Pipeline<ConfigMap>();
    start(lw, pipeline, { watchList: 'off' });
    await expect.poll(() => pipeline.fifo.hasSynced() && pipeline.indexer.listKeys().length, waitLong).toBe(30);
    // A watch that lived over a second ends cleanly when closed: the reflector re-watches from its last RV.
    await sleep(1100);
    const before = pipeline.snapshot();
    const deltasBefore = pipeline.deltas.length;
    lw.pauseWatches();
    await expect.poll(() => lw.watches().length, waitLong).toBe(2);
    expect(lw.lists()).toHaveLength(1);

    await forEachLimited(10, 10, (i) => configMaps.delete(`cm-${i}`));
    await forEachLimited(5, 5, (i) => configMaps.create({ metadata: { name: `new-${i}` } }));
    await compactEtcd();
    lw.resumeWatches();

    const vanished = Array.from({ length: 10 }, (_, i) => `${ns}/cm-${i}`).sort();
    const created = Array.from({ length: 5 }, (_, i) => `${ns}/new-${i}`).sort();
    await expect
      .poll(() => pipeline.fifo.listKeys().length === 0 && pipeline.indexer.listKeys().length, waitLong)
      .toBe(25);
    expect(lw.watchFailures).toContain(410);
    expect(lw.lists()).toHaveLength(2);

    const after = pipeline.deltas.slice(deltasBefore);
    const tombstones = after.filter((d) => d.type === 'Deleted');
    expect(tombstones.every((d) => d.object instanceof DeletedFinalStateUnknown)).toBe(true);
    expect(tombstones.map((d) => keyOf(d.object)).sort()).toEqual(vanished);
    const fresh = after.filter((d) => d.type === 'Replaced' && !before.has(keyOf(d.object)));
    expect(fresh.map((d) => keyOf(d.object)).sort()).toEqual(created);
    // Everything else is the relist restating the 20 survivors exactly as the cache already held them.
    const rest = after.filter((d) => d.type === 'Replaced' && before.has(keyOf(d.object)));
    expect(rest).toHaveLength(20);
    for (const d of rest) {
      const object = d.object as ConfigMap;
      expect(object.metadata?.resourceVersion).toBe(before.get(keyOf(object)));
    }
    expect(after).toHaveLength(10 + 5 + 20);
  });

  it('ends with identical stores in watch-list mode and in list+watch mode', async () => {
    const { cs, ns } = await setup('refl-wl');
    const secrets = cs.coreV1().secrets(ns);
    await forEachLimited(40, 10, (i) => secrets.create({ metadata: { name: `s-${i}` }, stringData: { i: `${i}` } }));
    const lwOn = new RecordingListerWatcher(listWatchFrom(secrets));
    const lwOff = new RecordingListerWatcher(listWatchFrom(secrets));
    const on = new Pipeline<Secret>();
    const off = new Pipeline<Secret>();
    start(lwOn, on, { watchList: 'on' });
    start(lwOff, off, { watchList: 'off' });
    await expect.poll(() => on.fifo.hasSynced() && on.indexer.listKeys().length, waitLong).toBe(40);
    await expect.poll(() => off.fifo.hasSynced() && off.indexer.listKeys().length, waitLong).toBe(40);

    await forEachLimited(5, 5, (i) => secrets.delete(`s-${i}`));
    await forEachLimited(5, 5, (i) => secrets.create({ metadata: { name: `t-${i}` } }));
    await forEachLimited(5, 5, async (i) => {
      const current = await secrets.get(`s-${i + 5}`);
      await secrets.update({ ...current, stringData: { changed: 'yes' } });
    });
    const truth = new Map((await secrets.list()).items.map((s) => [keyOf(s), s.metadata?.resourceVersion ?? '']));
    expect(truth.size).toBe(40);
    await expect.poll(() => on.snapshot(), waitLong).toEqual(truth);
    await expect.poll(() => off.snapshot(), waitLong).toEqual(truth);
    const sorted = (p: Pipeline<Secret>) => [...p.indexer.list()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    expect(sorted(on)).toEqual(sorted(off));

    expect(lwOn.lists()).toEqual([]);
    expect(lwOn.watches()[0]).toMatchObject({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' });
    expect(lwOn.watches()).toHaveLength(1);
    expect(lwOff.lists()).toHaveLength(1);
    expect(lwOff.watches()[0]?.sendInitialEvents).toBeUndefined();
  });

  it('holds only metadata when fed by the metadata-only ListerWatcher', async () => {
    const { cs, ns } = await setup('refl-meta');
    await cs
      .coreV1()
      .configMaps(ns)
      .create({ metadata: { name: 'm', labels: { a: 'b' } }, data: { secret: 'x' } });
    const lw = new RecordingListerWatcher(
      metadataListWatch(cs.rest, { group: '', version: 'v1', resource: 'configmaps' }, { namespace: ns }),
    );
    const pipeline = new Pipeline();
    start(lw, pipeline, { watchList: 'off' });
    await expect.poll(() => pipeline.indexer.listKeys(), waitLong).toEqual([`${ns}/m`]);
    await cs
      .coreV1()
      .configMaps(ns)
      .create({ metadata: { name: 'w' }, data: { secret: 'y' } });
    await expect.poll(() => pipeline.indexer.listKeys().length, waitLong).toBe(2);
    for (const object of pipeline.indexer.list()) {
      expect(Object.keys(object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(object).toMatchObject({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata' });
    }
    expect(pipeline.indexer.getByKey(`${ns}/m`)?.metadata?.labels).toEqual({ a: 'b' });
  });

  it('syncs only the objects a label selector matches, through a namespaced dynamic client', async () => {
    const { cs, ns } = await setup('refl-dyn');
    const configMaps = cs.coreV1().configMaps(ns);
    await configMaps.create({ metadata: { name: 'in', labels: { tier: 'web' } } });
    await configMaps.create({ metadata: { name: 'out', labels: { tier: 'db' } } });
    const dynamic = new DynamicClient(cs.rest).resource({ group: '', version: 'v1', resource: 'configmaps' });
    const lw = new RecordingListerWatcher(listWatchFrom(dynamic.namespace(ns), { labelSelector: 'tier=web' }));
    const pipeline = new Pipeline();
    start(lw, pipeline, { watchList: 'off' });
    await expect.poll(() => pipeline.indexer.listKeys(), waitLong).toEqual([`${ns}/in`]);
    await configMaps.create({ metadata: { name: 'in-2', labels: { tier: 'web' } } });
    await configMaps.create({ metadata: { name: 'out-2', labels: { tier: 'db' } } });
    await expect.poll(() => pipeline.indexer.listKeys().sort(), waitLong).toEqual([`${ns}/in`, `${ns}/in-2`]);
    expect(pipeline.indexer.getByKey(`${ns}/in`)).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });
});
