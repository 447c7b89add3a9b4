import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { newSharedInformerFactory } from '../../../src/cache/informer-factory.js';
import type { SharedIndexInformer } from '../../../src/cache/shared-index-informer.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/index.js';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import type { Controller } from '../../../src/controller/controller.js';
import { setControllerReference } from '../../../src/controller/owner-references.js';
import type { Reconciler } from '../../../src/controller/reconciler.js';
import { newItemExponentialFailureRateLimiter } from '../../../src/controller/workqueue/index.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';

const logger = createLogger({ level: 'silent' });
const waitLong = { timeout: 20_000, interval: 50 };

/** A namespace, its ConfigMap client and informer, and a manager-like object holding the factory. */
async function setup(prefix: string) {
  const namespace = await testNamespace(prefix);
  const clientSet = ClientSet.forConfig(await adminConfig());
  const factory = newSharedInformerFactory({ clientSet, namespace, logger });
  const informer: SharedIndexInformer<ConfigMap> = factory.forClient((ns) => clientSet.coreV1().configMaps(ns));
  const controllers: Controller[] = [];
  const manager = { factory, add: (c: Controller) => void controllers.push(c) };
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  onTestFinished(async () => {
    stop.abort();
    await running;
    await factory.shutdown();
  });
  /** Starts the informers, waits for their sync, then runs the controllers until `stop` aborts. */
  const start = async (): Promise<{ readonly stopped: Promise<void> }> => {
    factory.start(stop.signal);
    await factory.waitForCacheSync(AbortSignal.timeout(30_000));
    const stopped = Promise.all(controllers.map((c) => c.start(stop.signal, { shutdownTimeoutMs: 10_000 })));
    running = stopped.then(() => {});
    return { stopped: running };
  };
  return { namespace, configMaps: clientSet.coreV1().configMaps(namespace), informer, manager, stop, start };
}

describe('Controller against the apiserver', () => {
  it('converges: a for(ConfigMaps) controller annotates every ConfigMap, including ones created later', async () => {
    const { configMaps, informer, manager, start } = await setup('ctrl-converge');
    await configMaps.create({ metadata: { name: 'before' } });
    const reconcile: Reconciler = async ({ namespace: ns, name }, { signal }) => {
      const cached = informer.getIndexer().getByKey(`${ns}/${name}`);
      if (!cached || cached.metadata?.annotations?.['kubeloop.dev/seen'] === 'yes') return;
      await configMaps.patch(name, 'merge', { metadata: { annotations: { 'kubeloop.dev/seen': 'yes' } } }, { signal });
    };
    newControllerManagedBy(manager).named('annotate').for(informer).withOptions({ logger }).complete(reconcile);
    void start();
    await configMaps.create({ metadata: { name: 'after' } });
    await vi.waitFor(async () => {
      const list = await configMaps.list();
      const seen = list.items.map((cm) => [cm.metadata?.name, cm.metadata?.annotations?.['kubeloop.dev/seen']]);
      expect(seen.filter(([name]) => name !== 'kube-root-ca.crt')).toEqual([
        ['after', 'yes'],
        ['before', 'yes'],
      ]);
    }, waitLong);
  });

  it('honours requeueAfterMs: the key is reconciled again at least that much later', async () => {
    const { configMaps, informer, manager, start } = await setup('ctrl-requeue');
    await configMaps.create({ metadata: { name: 'tick' } });
    const calls: number[] = [];
    newControllerManagedBy(manager)
      .for(informer)
      .withOptions({ logger })
      .complete(async () => {
        calls.push(Date.now());
        return calls.length === 1 ? { requeueAfterMs: 400 } : undefined;
      });
    void start();
    await vi.waitFor(() => expect(calls).toHaveLength(2), waitLong);
    // The delaying queue hands a key out only once Date.now() reached its ready time, so the bound is exact.
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(400);
  });

  it('retries a reconciler that throws 4 times with growing gaps, each at least the limiter delay', async () => {
    const { configMaps, informer, manager, start } = await setup('ctrl-backoff');
    await configMaps.create({ metadata: { name: 'flaky' } });
    const calls: number[] = [];
    const metricsRegistry = new Registry();
    newControllerManagedBy(manager)
      .named('flaky')
      .for(informer)
      .withOptions({
        logger,
        metricsRegistry,
        rateLimiter: newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 50, maxDelayMs: 10_000 }),
      })
      .complete(async () => {
        calls.push(Date.now());
        if (calls.length <= 4) throw new Error(`attempt ${calls.length} fails`);
      });
    void start();
    await vi.waitFor(() => expect(calls).toHaveLength(5), waitLong);
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? 0));
    for (const [i, delay] of [50, 100, 200, 400].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(delay);
    const errors = await metricsRegistry.getSingleMetric('controller_runtime_reconcile_errors_total')?.get();
    expect(errors?.values).toEqual([{ labels: { controller: 'flaky' }, value: 4 }]);
  });

  it('owns: a change to a child ConfigMap enqueues its controller owner', async () => {
    const { namespace, configMaps, informer, manager, start } = await setup('ctrl-owns');
    const parent = await configMaps.create({ metadata: { name: 'parent' } });
    const kind = { group: '', version: 'v1', kind: 'ConfigMap' };
    const child = { metadata: { name: 'child', namespace }, data: { v: '1' } };
    await configMaps.create(setControllerReference(parent, child, kind));
    const seen: string[] = [];
    newControllerManagedBy(manager)
      .for(informer, { predicates: [{ update: () => false }] }) // only owns() reacts to updates
      .owns(informer)
      .withOptions({ logger })
      .complete(async ({ name }) => {
        seen.push(name);
      });
    void start();
    await vi.waitFor(() => expect([...seen].sort()).toEqual(['child', 'parent']), waitLong);
    seen.length = 0;
    await configMaps.patch('child', 'merge', { data: { v: '2' } });
    await vi.waitFor(() => expect(seen).toEqual(['parent']), waitLong);
  });

  it('shuts down gracefully: start() resolves only after the slow in-flight reconcile completed unaborted', async () => {
    const { configMaps, informer, manager, stop, start } = await setup('ctrl-shutdown');
    await configMaps.create({ metadata: { name: 'slow' } });
    let started = false;
    let completed = false;
    let abortedAtEnd: boolean | undefined;
    newControllerManagedBy(manager)
      .for(informer)
      .withOptions({ logger })
      .complete(async (_request, { signal }) => {
        started = true;
        await sleep(1500);
        abortedAtEnd = signal.aborted;
        completed = true;
      });
    const { stopped } = await start();
    await vi.waitFor(() => expect(started).toBe(true), waitLong);
    stop.abort();
    expect(completed).toBe(false);
    await stopped;
    expect(completed).toBe(true);
    expect(abortedAtEnd).toBe(false);
  });
});
