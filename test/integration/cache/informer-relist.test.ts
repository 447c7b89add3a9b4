import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listWatchFrom } from '../../../src/cache/listwatch.js';
import { newSharedIndexInformer } from '../../../src/cache/shared-index-informer.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';
import { compactEtcd, forEachLimited, RecordingListerWatcher } from './reflector-support.js';

const waitLong = { timeout: 90_000, interval: 100 };

describe('a SharedIndexInformer whose watch falls behind a compaction', () => {
  it('relists and hands its handlers a tombstone delete for exactly each vanished object, an add for each new one', async () => {
    const config = await adminConfig();
    const configMaps = ClientSet.forConfig({ ...config, qps: 1000, burst: 1000 })
      .coreV1()
      .configMaps(await testNamespace('inf-410'));
    await forEachLimited(30, 10, (i) => configMaps.create({ metadata: { name: `cm-${i}` } }));
    const lw = new RecordingListerWatcher(listWatchFrom(configMaps));
    const informer = newSharedIndexInformer<ConfigMap>(lw, {
      watchList: 'off',
      logger: createLogger({ level: 'error' }),
    });
    const seen: string[] = [];
    const name = (o: Readonly<ConfigMap>) => o.metadata?.name ?? '';
    informer.addEventHandler({
      onAdd: (o) => void seen.push(`add ${name(o)}`),
      onUpdate: (old, o) =>
        void seen.push(
          `${old.metadata?.resourceVersion === o.metadata?.resourceVersion ? 'resync' : 'update'} ${name(o)}`,
        ),
      onDelete: (o) =>
        void seen.push(o instanceof DeletedFinalStateUnknown ? `tombstone ${name(o.obj)}` : `delete ${name(o)}`),
    });
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    onTestFinished(async () => {
      abort.abort();
      await running;
    });
    await expect.poll(() => informer.hasSynced() && seen.length, waitLong).toBe(30);
    // A watch that lived over a second ends cleanly when closed; the next one is held until history is compacted.
    await sleep(1100);
    seen.length = 0;
    lw.pauseWatches();
    await expect.poll(() => lw.watches().length, waitLong).toBe(2);

    await forEachLimited(10, 10, (i) => configMaps.delete(`cm-${i}`));
    await forEachLimited(5, 5, (i) => configMaps.create({ metadata: { name: `new-${i}` } }));
    await compactEtcd();
    lw.resumeWatches();

    await expect.poll(() => seen.length, waitLong).toBe(10 + 5 + 20);
    expect(lw.watchFailures).toContain(410);
    expect(lw.lists()).toHaveLength(2);
    const of = (kind: string) =>
      seen
        .filter((line) => line.startsWith(`${kind} `))
        .map((line) => line.split(' ')[1])
        .sort();
    expect(of('tombstone')).toEqual(Array.from({ length: 10 }, (_, i) => `cm-${i}`).sort());
    expect(of('add')).toEqual(Array.from({ length: 5 }, (_, i) => `new-${i}`).sort());
    // As in client-go, the relist restates each survivor as an update with an unchanged resourceVersion; nothing else.
    expect(of('resync')).toEqual(Array.from({ length: 20 }, (_, i) => `cm-${i + 10}`).sort());
    expect(of('update')).toEqual([]);
    expect(of('delete')).toEqual([]);
    expect(informer.getIndexer().listKeys()).toHaveLength(25);
  });
});
