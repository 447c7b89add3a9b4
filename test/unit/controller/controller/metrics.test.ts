import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../../../src/controller/controller.js';
import { type ReconcileResult, TerminalError } from '../../../../src/controller/reconciler.js';
import { deferred, startController, until } from './harness.js';

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

/** The `_count` or `_sum` sample of controller_runtime_reconcile_time_seconds. */
async function reconcileTime(registry: Registry, sample: 'count' | 'sum'): Promise<number | undefined> {
  const [histogram] = (await registry.getMetricsAsJSON()).filter(
    (m) => m.name === 'controller_runtime_reconcile_time_seconds',
  );
  const values = histogram?.values as { metricName?: string; value: number }[] | undefined;
  return values?.find((v) => v.metricName === `controller_runtime_reconcile_time_seconds_${sample}`)?.value;
}

describe('Controller metrics', () => {
  it('counts each outcome under controller-runtime names, labelled with the controller', async () => {
    const registry = new Registry();
    const outcomes: (() => ReconcileResult)[] = [
      () => undefined,
      () => ({ requeueAfterMs: 1000 }),
      () => {
        throw new Error('retry me');
      },
      () => {
        throw new TerminalError('give up');
      },
      () => ({ requeueAfterMs: 0 }),
    ];
    let calls = 0;
    const h = startController(
      async (_request) => {
        const outcome = outcomes[calls++];
        return outcome?.();
      },
      { metricsRegistry: registry, maxConcurrentReconciles: 3 },
    );
    for (let i = 0; i < outcomes.length; i++) h.controller.enqueue({ namespace: 'ns', name: `k${i}` });
    await until(() => calls === outcomes.length && h.controller.stats().inFlight === 0);
    const controller = 'test';
    const total = (result: string) => value(registry, 'controller_runtime_reconcile_total', { controller, result });
    expect(await total('success')).toBe(1);
    expect(await total('requeue_after')).toBe(1);
    expect(await total('error')).toBe(2);
    expect(await total('requeue')).toBe(1);
    expect(await value(registry, 'controller_runtime_reconcile_errors_total', { controller })).toBe(2);
    expect(await value(registry, 'controller_runtime_terminal_reconcile_errors_total', { controller })).toBe(1);
    expect(await value(registry, 'controller_runtime_max_concurrent_reconciles', { controller })).toBe(3);
    expect(await value(registry, 'controller_runtime_active_workers', { controller })).toBe(0);
    expect(await reconcileTime(registry, 'count')).toBe(5);
    expect(await value(registry, 'workqueue_adds_total', { name: controller })).toBeGreaterThanOrEqual(5);
    await h.stop();
  });

  it('shows a running reconcile in controller_runtime_active_workers and times it', async () => {
    const registry = new Registry();
    const gate = deferred();
    let started = false;
    const h = startController(
      async () => {
        started = true;
        await gate.promise;
      },
      { metricsRegistry: registry },
    );
    h.controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(() => started);
    expect(await value(registry, 'controller_runtime_active_workers', { controller: 'test' })).toBe(1);
    await h.clock.advance(1500);
    gate.resolve();
    await h.stop();
    expect(await reconcileTime(registry, 'sum')).toBe(1.5);
    expect(await value(registry, 'controller_runtime_active_workers', { controller: 'test' })).toBe(0);
  });

  it('lets several controllers share one registry, each with its own series, zero before any reconcile', async () => {
    const registry = new Registry();
    const reconciler = async (): Promise<void> => {};
    new Controller({ name: 'one', reconciler, metricsRegistry: registry });
    new Controller({ name: 'two', reconciler, metricsRegistry: registry, maxConcurrentReconciles: 4 });
    const labels = { result: 'success' };
    expect(await value(registry, 'controller_runtime_reconcile_total', { ...labels, controller: 'one' })).toBe(0);
    expect(await value(registry, 'controller_runtime_reconcile_total', { ...labels, controller: 'two' })).toBe(0);
    expect(await value(registry, 'controller_runtime_max_concurrent_reconciles', { controller: 'two' })).toBe(4);
    expect(await registry.getSingleMetric('workqueue_depth')?.get()).toBeDefined();
  });
});
