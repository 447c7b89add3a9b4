import { randomUUID } from 'node:crypto';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ResourceEventHandler } from '../../../src/cache/event-handler.js';
import { newSharedInformerFactory } from '../../../src/cache/informer-factory.js';
import { newLister } from '../../../src/cache/lister.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';

/** What one handler saw of one object incarnation (uid): event types and resourceVersions, in order. */
interface Seen {
  readonly types: string[];
  readonly versions: bigint[];
}

function seeingHandler(slow: boolean): { seen: Map<string, Seen>; handler: ResourceEventHandler<ConfigMap> } {
  const seen = new Map<string, Seen>();
  const record = async (type: string, cm: Readonly<ConfigMap>): Promise<void> => {
    const uid = cm.metadata?.uid ?? '';
    let entry = seen.get(uid);
    if (!entry) {
      entry = { types: [], versions: [] };
      seen.set(uid, entry);
    }
    entry.types.push(type);
    entry.versions.push(BigInt(cm.metadata?.resourceVersion ?? '0'));
    if (slow) await yieldTurn();
  };
  return {
    seen,
    handler: {
      onAdd: (cm) => record('add', cm),
      onUpdate: (_old, cm) => record('update', cm),
      onDelete: (cm) => record('delete', cm instanceof DeletedFinalStateUnknown ? cm.obj : cm),
    },
  };
}

const colors = ['red', 'green', 'blue'] as const;
const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;

describe('SharedIndexInformer invariant', () => {
  it('after 2,000 random writes the cache equals a fresh list and every handler saw each incarnation in order, nothing lost', async () => {
    const cs = ClientSet.forConfig({ ...(await adminConfig()), qps: -1 });
    const suite = randomUUID().slice(0, 8);
    const namespaces = [await testNamespace('inv-a'), await testNamespace('inv-b'), await testNamespace('inv-c')];
    const keys = namespaces.flatMap((namespace) =>
      Array.from({ length: 40 }, (_, i) => ({ namespace, name: `cm-${i}` })),
    );

    const factory = newSharedInformerFactory({
      labelSelector: `suite=${suite}`,
      logger: createLogger({ level: 'error' }),
    });
    const informer = factory.forClient((ns) => cs.coreV1().configMaps(ns));
    const fast = seeingHandler(false);
    const slow = seeingHandler(true);
    informer.addEventHandler(fast.handler, { name: 'fast' });
    informer.addEventHandler(slow.handler, { name: 'slow' });
    const late = seeingHandler(false);
    const stop = new AbortController();
    factory.start(stop.signal);
    try {
      await factory.waitForCacheSync(AbortSignal.timeout(60_000));
      let ops = 0;
      const workers = 12;
      const worker = async (w: number): Promise<void> => {
        const mine = keys.filter((_, i) => i % workers === w);
        const live = new Set<string>();
        while (ops < 2000) {
          ops++;
          if (ops === 1000) informer.addEventHandler(late.handler, { name: 'late' });
          const { namespace, name } = pick(mine);
          const client = cs.coreV1().configMaps(namespace);
          const id = `${namespace}/${name}`;
          if (!live.has(id)) {
            await client.create({ metadata: { name, labels: { suite, color: pick(colors) } }, data: { n: '0' } });
            live.add(id);
          } else if (Math.random() < 0.6) {
            await client.patch(name, 'merge', {
              metadata: { labels: { color: pick(colors) } },
              data: { n: String(ops) },
            });
          } else {
            await client.delete(name);
            live.delete(id);
          }
        }
      };
      await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));

      const fresh = (
        await cs
          .coreV1()
          .configMaps()
          .list({ labelSelector: `suite=${suite}` })
      ).items;
      const serverVersions = new Map(
        fresh.map((cm) => [cm.metadata?.uid ?? '', BigInt(cm.metadata?.resourceVersion ?? '')]),
      );
      const lister = newLister(informer.getIndexer());
      const lastSeen = (handler: Map<string, Seen>, uid: string): bigint | undefined =>
        handler.get(uid)?.versions.at(-1);
      const converged = (): boolean =>
        lister.list().length === fresh.length &&
        [fast.seen, slow.seen, late.seen].every((handler) =>
          [...serverVersions].every(([uid, rv]) => lastSeen(handler, uid) === rv),
        );
      const deadline = Date.now() + 60_000;
      while (!converged() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

      const summary = (cms: readonly Readonly<ConfigMap>[]) =>
        cms
          .map(
            (cm) =>
              `${cm.metadata?.namespace}/${cm.metadata?.name}@${cm.metadata?.resourceVersion}:${cm.metadata?.labels?.color}`,
          )
          .sort();
      expect(summary(lister.list())).toEqual(summary(fresh));
      for (const color of colors) {
        expect(summary(lister.list(`color=${color}`))).toEqual(
          summary(fresh.filter((cm) => cm.metadata?.labels?.color === color)),
        );
      }
      for (const [name, handler] of [
        ['fast', fast.seen],
        ['slow', slow.seen],
        ['late', late.seen],
      ] as const) {
        for (const [uid, entry] of handler) {
          const order = `${name} ${uid}: ${entry.types.join(',')}`;
          expect(entry.types[0], order).toBe('add');
          expect(entry.types.slice(1).includes('add'), order).toBe(false);
          expect(entry.types.slice(0, -1).includes('delete'), order).toBe(false);
          expect(
            entry.versions.every((rv, i) => i === 0 || rv > (entry.versions[i - 1] as bigint)),
            order,
          ).toBe(true);
          const onServer = serverVersions.get(uid);
          if (onServer === undefined) expect(entry.types.at(-1), order).toBe('delete');
          else expect(entry.versions.at(-1), order).toBe(onServer);
        }
        for (const uid of serverVersions.keys()) expect(handler.has(uid), `${name} never saw ${uid}`).toBe(true);
      }
      expect(fast.seen.size).toBeGreaterThan(fresh.length);
    } finally {
      stop.abort();
      await factory.shutdown();
    }
  }, 600_000);
});
