import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { ManagerError, ManagerStateError } from '../../../src/controller/manager-errors.js';
import type { ManagerOptions } from '../../../src/controller/manager-options.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';

// Generous: a loaded 2-core machine may be slow; no assertion depends on speed.
const patience = { timeout: 60_000, interval: 100 };
const silent = createLogger({ level: 'silent' });
// No CRD of this group is ever installed: its list fails with 404 for ever.
const missingResource = { group: 'missing.kubeloop.test', version: 'v1', resource: 'widgets' };

async function managerIn(namespace: string, options: Partial<ManagerOptions> = {}): Promise<Manager> {
  return newManager({ config: await adminConfig(), namespace, logger: silent, ...options });
}

/** Starts `manager`; the test stops it (if it has not) when it finishes. */
function run(manager: Manager): { stop: AbortController; done: Promise<void> } {
  const stop = new AbortController();
  const done = manager.start(stop.signal);
  onTestFinished(async () => {
    stop.abort();
    await done.catch(() => undefined);
  });
  return { stop, done };
}

async function get(manager: Manager, path: string): Promise<{ status: number; body: string }> {
  const address = manager.healthAddress;
  if (address === undefined) throw new Error('the health server is not listening');
  const response = await fetch(`http://${address}${path}`);
  return { status: response.status, body: await response.text() };
}

async function createConfigMap(manager: Manager, namespace: string, name: string): Promise<ConfigMap> {
  return manager.clientSet
    .coreV1()
    .configMaps(namespace)
    .create({ metadata: { name }, data: { at: 'test' } });
}

describe('Manager against the apiserver', () => {
  it('reports ready and healthy after the caches synced, and serves workqueue and controller metrics', async () => {
    const namespace = await testNamespace('manager-probes');
    const manager = await managerIn(namespace, { healthProbe: { port: 0 } });
    const reconciled: string[] = [];
    const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    newControllerManagedBy(manager)
      .named('probe-configmaps')
      .for(configMaps)
      .complete(async (request) => {
        reconciled.push(`${request.namespace}/${request.name}`);
      });
    await createConfigMap(manager, namespace, 'before-start');
    const { stop, done } = run(manager);

    await vi.waitFor(
      async () => expect(await get(manager, '/readyz')).toEqual({ status: 200, body: 'ok\n' }),
      patience,
    );
    expect(await get(manager, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(manager.isLeader()).toBe(true);
    await createConfigMap(manager, namespace, 'after-start');
    await vi.waitFor(() => expect(reconciled).toContain(`${namespace}/after-start`), patience);
    expect(reconciled).toContain(`${namespace}/before-start`);

    const metrics = await get(manager, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^workqueue_adds_total\{name="probe-configmaps"\} [1-9]/m);
    expect(metrics.body).toMatch(
      /^controller_runtime_reconcile_total\{controller="probe-configmaps",result="success"\} [1-9]/m,
    );
    expect(await get(manager, '/nowhere')).toMatchObject({ status: 404 });

    const address = manager.healthAddress;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    stop.abort();
    await done;
    expect(manager.healthAddress).toBeUndefined();
    await expect(fetch(`http://${address}/healthz`)).rejects.toThrow();
    expect(manager.readiness()).toEqual({ ok: false, failures: ['the manager has stopped'] });
  });

  it('rejects start with a ManagerError naming the informer of a resource that does not exist', async () => {
    const namespace = await testNamespace('manager-sync-timeout');
    // Long enough for the ConfigMap informer to sync even on a loaded machine; the missing one never does.
    const manager = await managerIn(namespace, { cacheSyncTimeoutMs: 10_000 });
    manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    manager.factory.forResource(missingResource);
    const { done } = run(manager);

    const error = await done.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ManagerError);
    expect((error as ManagerError).unsynced).toEqual(['dynamic:missing.kubeloop.test/v1/widgets']);
    expect((error as ManagerError).message).toContain('dynamic:missing.kubeloop.test/v1/widgets');
    expect((error as ManagerError).message).not.toContain('configmaps');
    expect(manager.readiness().ok).toBe(false);
    await expect(manager.start(new AbortController().signal)).rejects.toBeInstanceOf(ManagerStateError);
  });

  it('answers /readyz 503 while caches sync, and resolves start when stopped during the sync', async () => {
    const namespace = await testNamespace('manager-syncing');
    const manager = await managerIn(namespace, { healthProbe: { port: 0 }, cacheSyncTimeoutMs: 10 * 60_000 });
    // A list that never answers (until its signal aborts) keeps the cache syncing; a refused list would fail at once.
    const hang = (options: { signal?: AbortSignal }): Promise<never> =>
      new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason)));
    manager.factory.informerFor<ConfigMap>('stalled', () => ({ list: hang, watch: hang }));
    const { stop, done } = run(manager);

    await vi.waitFor(() => expect(manager.healthAddress).toBeDefined(), patience);
    expect(await get(manager, '/readyz')).toEqual({ status: 503, body: 'caches are syncing: stalled\n' });
    expect(await get(manager, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    stop.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('fails /healthz naming a real watch silent past the bound, and passes again once an event arrives', async () => {
    const namespace = await testNamespace('manager-stall');
    // 3 s is far below the bookmark period (1 min on the apiserver, 10 s on the fake): a quiet namespace trips it.
    const manager = await managerIn(namespace, { healthProbe: { port: 0 }, watchStallTimeoutMs: 3_000 });
    const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    run(manager);
    await vi.waitFor(() => expect(manager.readiness().ok).toBe(true), patience);

    await vi.waitFor(async () => {
      const healthz = await get(manager, '/healthz');
      expect(healthz.status).toBe(503);
      expect(healthz.body).toMatch(/^watch typed:\/v1\/configmaps: no event or bookmark for [\d.]+ s \(limit 3 s\)\n$/);
    }, patience);
    const silentSince = configMaps.lastWatchProgressAt() ?? 0;
    await createConfigMap(manager, namespace, 'wake-up');
    await vi.waitFor(() => expect(configMaps.lastWatchProgressAt()).toBeGreaterThan(silentSince), patience);
    await vi.waitFor(() => expect(manager.liveness()).toEqual({ ok: true, failures: [] }), patience);
  });

  it('lets an in-flight reconcile finish before start resolves on stop', async () => {
    const namespace = await testNamespace('manager-graceful');
    const manager = await managerIn(namespace, { gracefulShutdownTimeoutMs: 60_000 });
    const log: string[] = [];
    let reconcileSignal: AbortSignal | undefined;
    const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    newControllerManagedBy(manager)
      .named('slow-configmaps')
      .for(configMaps)
      .complete(async (request, context) => {
        reconcileSignal = context.signal;
        log.push(`started ${request.name}`);
        await delay(1_500);
        log.push(`finished ${request.name} aborted=${context.signal.aborted}`);
      });
    const { stop, done } = run(manager);
    await createConfigMap(manager, namespace, 'slow');
    await vi.waitFor(() => expect(log).toContain('started slow'), patience);

    stop.abort();
    expect(manager.readiness().ok).toBe(false);
    await done;
    log.push('start resolved');
    expect(log).toEqual(['started slow', 'finished slow aborted=false', 'start resolved']);
    expect(reconcileSignal?.aborted).toBe(false);
  });
});
