// Owned objects follow their controller owner's shard, so an owner's reconcile finds its children in its own caches.
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { isAlreadyExists } from '../../../src/client/rest/status-error.js';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { newControllerRef } from '../../../src/controller/owner-references.js';
import { shardLabel } from '../../../src/controller/sharding/index.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
const ring = 'parents';
const owners = 40;
const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
const patience = { timeout: 60_000, interval: 100 };

describe('owned objects in a sharded ring', () => {
  it("carry their owner's shard, also after the owner moved to a new replica", async () => {
    const namespace = await testNamespace('sharding-owned');
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const managers: { manager: Manager; stop: AbortController; done: Promise<void> }[] = [];
    /** Per owner name, the shards whose reconcile found its Secret in their own cache. */
    const foundChild = new Map<string, Set<string>>();
    onTestFinished(async () => {
      for (const m of managers) m.stop.abort();
      await Promise.all(managers.map((m) => m.done));
    });
    const start = (shard: string): void => {
      const manager = newManager({
        config,
        namespace,
        logger: createLogger({ level: 'silent' }),
        sharding: {
          ring,
          leaseNamespace: namespace,
          resources: [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' }],
          ownedResources: [{ group: '', version: 'v1', resource: 'secrets' }],
          shard,
          ...timings,
        },
      });
      const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
      const secrets = manager.factory.forClient((ns) => manager.clientSet.coreV1().secrets(ns));
      newControllerManagedBy(manager)
        .named('parents')
        .withOptions({ logger: createLogger({ level: 'silent' }) })
        .for(configMaps)
        .owns(secrets)
        .complete(async (request) => {
          const owner = configMaps.getIndexer().getByKey(`${request.namespace}/${request.name}`);
          if (owner === undefined) return;
          if (secrets.getIndexer().getByKey(`${request.namespace}/${request.name}`) !== undefined) {
            foundChild.set(request.name, (foundChild.get(request.name) ?? new Set()).add(shard));
            return;
          }
          const ref = newControllerRef(owner, { group: '', version: 'v1', kind: 'ConfigMap' });
          try {
            await manager.clientSet
              .coreV1()
              .secrets(request.namespace)
              .create({ metadata: { name: request.name, ownerReferences: [ref] }, stringData: { a: 'b' } });
          } catch (error) {
            // It exists, but the sharder has not put it on this shard yet: its arrival enqueues the owner again.
            if (!isAlreadyExists(error)) throw error;
          }
        });
      const stop = new AbortController();
      managers.push({ manager, stop, done: manager.start(stop.signal) });
    };
    const core = () => (managers[0] as { manager: Manager }).manager.clientSet.coreV1();

    /** Every Secret is on its owner's shard, and that shard's reconcile of the owner found it in its cache. */
    const childrenFollow = async (): Promise<Map<string, string>> => {
      const parents = (await core().configMaps(namespace).list()).items.filter((i) =>
        i.metadata?.name?.startsWith('p-'),
      );
      const children = new Map((await core().secrets(namespace).list()).items.map((s) => [s.metadata?.name, s]));
      const placement = new Map<string, string>();
      for (const parent of parents) {
        const name = parent.metadata?.name ?? '';
        const shard = parent.metadata?.labels?.[shardLabel(ring)];
        expect(shard, `${name} placed`).toBeDefined();
        expect(children.get(name)?.metadata?.labels?.[shardLabel(ring)], `secret ${name}`).toBe(shard);
        expect(foundChild.get(name)?.has(shard ?? ''), `${shard} found the secret of ${name}`).toBe(true);
        placement.set(name, shard ?? '');
      }
      expect(parents).toHaveLength(owners);
      return placement;
    };

    start('shard-a');
    start('shard-b');
    await vi.waitFor(() => expect(managers.every((m) => m.manager.isLeader())).toBe(true), patience);
    await Promise.all(
      Array.from({ length: owners }, (_, i) =>
        core()
          .configMaps(namespace)
          .create({ metadata: { name: `p-${i}` } }),
      ),
    );
    const before = await vi.waitFor(childrenFollow, patience);

    start('shard-c');
    const after = await vi.waitFor(async () => {
      const placement = await childrenFollow();
      expect([...placement.values()]).toContain('shard-c');
      return placement;
    }, patience);
    const moved = [...after].filter(([name, shard]) => before.get(name) !== shard);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every(([, shard]) => shard === 'shard-c')).toBe(true);
  }, 120_000);
});
