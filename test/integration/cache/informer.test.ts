import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import { describe, expect, it } from 'vitest';
import { newSharedInformerFactory } from '../../../src/cache/informer-factory.js';
import { newLister } from '../../../src/cache/lister.js';
import { type ListerWatcher, listWatchFrom } from '../../../src/cache/listwatch.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import type { ListOptions } from '../../../src/client/typed/options.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';

async function adminClientSet(): Promise<ClientSet> {
  // No client-side throttling: the tests create thousands of objects.
  return ClientSet.forConfig({ ...(await adminConfig()), qps: -1 });
}

const logger = createLogger({ level: 'error' });

describe('SharedIndexInformer against the apiserver', () => {
  it('syncs 5,000 ConfigMaps through paginated lists and answers listers by namespace and selector', async () => {
    const cs = await adminClientSet();
    const suite = randomUUID().slice(0, 8);
    const namespaces = [await testNamespace('inf-big-a'), await testNamespace('inf-big-b')];
    const queue = new PQueue({ concurrency: 32 });
    for (let i = 0; i < 5000; i++) {
      const namespace = namespaces[i % 2] as string;
      void queue.add(() =>
        cs
          .coreV1()
          .configMaps(namespace)
          .create({
            metadata: { name: `cm-${i}`, labels: { suite, group: `g${i % 5}` } },
            data: { index: String(i) },
          }),
      );
    }
    await queue.onIdle();

    const lists: ListOptions[] = [];
    const factory = newSharedInformerFactory({ labelSelector: `suite=${suite}`, logger, watchList: 'off' });
    const informer = factory.informerFor<ConfigMap>('configmaps', (): ListerWatcher<ConfigMap> => {
      const inner = listWatchFrom(cs.coreV1().configMaps(), { labelSelector: `suite=${suite}` });
      return {
        list: (options) => {
          lists.push(options);
          return inner.list(options);
        },
        watch: (options) => inner.watch(options),
      };
    });
    const stop = new AbortController();
    factory.start(stop.signal);
    try {
      const synced = await factory.waitForCacheSync(AbortSignal.timeout(120_000));
      expect(synced.get('configmaps')).toBe(true);
      expect(lists.length).toBeGreaterThanOrEqual(10);
      expect(lists[0]?.limit).toBe(500);
      expect(lists.slice(1).every((options) => options.continue !== undefined && options.limit === 500)).toBe(true);

      const lister = newLister(informer.getIndexer());
      const [a, b] = namespaces as [string, string];
      expect(lister.list()).toHaveLength(5000);
      expect(lister.namespace(a).list()).toHaveLength(2500);
      expect(lister.list('group=g1')).toHaveLength(1000);
      expect(lister.namespace(b).list('group in (g1,g2)')).toHaveLength(1000);
      const g1InB = lister.namespace(b).list('group=g1');
      expect(g1InB).toHaveLength(500);
      expect(g1InB.every((cm) => Number(cm.data?.index) % 10 === 1)).toBe(true);
      expect(lister.namespace(a).get('cm-4998')?.data?.index).toBe('4998');
      expect(lister.namespace(b).get('cm-4998')).toBeUndefined();
    } finally {
      stop.abort();
      await factory.shutdown();
    }
  }, 600_000);

  it('holds only metadata in a metadata informer, also after updates', async () => {
    const cs = await adminClientSet();
    const namespace = await testNamespace('inf-meta');
    const configMaps = cs.coreV1().configMaps(namespace);
    for (const name of ['one', 'two', 'three']) {
      await configMaps.create({ metadata: { name, labels: { app: name } }, data: { secretish: 'x'.repeat(1000) } });
    }
    const factory = newSharedInformerFactory({ restClient: cs.rest, namespace, logger });
    const informer = factory.forMetadata({ group: '', version: 'v1', resource: 'configmaps' });
    const updates: string[] = [];
    informer.addEventHandler({ onUpdate: (_old, cm) => void updates.push(cm.metadata.name ?? '') });
    const stop = new AbortController();
    factory.start(stop.signal);
    try {
      await factory.waitForCacheSync(AbortSignal.timeout(60_000));
      await configMaps.patch('two', 'merge', { data: { more: 'y' }, metadata: { labels: { changed: 'yes' } } });
      while (!updates.includes('two')) await new Promise((resolve) => setTimeout(resolve, 20));
      const lister = newLister(informer.getIndexer());
      const cached = lister.namespace(namespace).list('app');
      expect(cached.map((o) => o.metadata.name).sort()).toEqual(['one', 'three', 'two']);
      for (const object of cached) {
        expect(object.kind).toBe('PartialObjectMetadata');
        expect(Object.keys(object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
        expect('data' in object).toBe(false);
      }
      expect(lister.namespace(namespace).get('two')?.metadata.labels?.changed).toBe('yes');
    } finally {
      stop.abort();
      await factory.shutdown();
    }
  });
});
