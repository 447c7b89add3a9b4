import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  newDelayingQueue,
  newPrometheusMetricsProvider,
  newQueue,
} from '../../../../src/controller/workqueue/index.js';
import { FakeClock } from '../../support/fake-clock.js';

/** Reads one metric's samples for queue `name` from the registry: sample name (and `le` for buckets) → value. */
async function samples(registry: Registry, metric: string, name: string): Promise<Record<string, number>> {
  const found = registry.getSingleMetric(metric);
  if (!found) throw new Error(`${metric} is not registered`);
  const out: Record<string, number> = {};
  const values: { value: number; labels: Record<string, string | number | undefined>; metricName?: string }[] = (
    await found.get()
  ).values;
  for (const value of values) {
    if (value.labels.name !== name) continue;
    const le = value.labels.le;
    out[le === undefined ? (value.metricName ?? metric) : `le=${le}`] = value.value;
  }
  return out;
}

async function value(registry: Registry, metric: string, name: string): Promise<number | undefined> {
  return (await samples(registry, metric, name))[metric];
}

describe('workqueue metrics', () => {
  it('records client-go’s seven metrics, labelled with the queue name, through a scripted sequence', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const metricsProvider = newPrometheusMetricsProvider({ registry });
    const queue = newDelayingQueue<string>({ name: 'pods', metricsProvider, clock });

    queue.add('a');
    queue.add('b');
    queue.add('a'); // deduplicated: not counted
    expect(await value(registry, 'workqueue_adds_total', 'pods')).toBe(2);
    expect(await value(registry, 'workqueue_depth', 'pods')).toBe(2);

    await clock.advance(1500);
    const a = await queue.get(); // waited 1.5 s
    await clock.advance(500);
    const b = await queue.get(); // waited 2 s
    expect(await value(registry, 'workqueue_depth', 'pods')).toBe(0);
    const waits = await samples(registry, 'workqueue_queue_duration_seconds', 'pods');
    expect(waits.workqueue_queue_duration_seconds_count).toBe(2);
    expect(waits.workqueue_queue_duration_seconds_sum).toBeCloseTo(3.5, 9);
    expect(waits['le=1']).toBe(0);
    expect(waits['le=10']).toBe(2);

    await clock.advance(250);
    // a has run 0.75 s, b 0.25 s.
    expect(await value(registry, 'workqueue_unfinished_work_seconds', 'pods')).toBeCloseTo(1, 9);
    expect(await value(registry, 'workqueue_longest_running_processor_seconds', 'pods')).toBeCloseTo(0.75, 9);

    if (!a.shutdown) queue.done(a.item);
    await clock.advance(3000);
    if (!b.shutdown) queue.done(b.item);
    const work = await samples(registry, 'workqueue_work_duration_seconds', 'pods');
    expect(work.workqueue_work_duration_seconds_count).toBe(2);
    expect(work.workqueue_work_duration_seconds_sum).toBeCloseTo(0.75 + 3.25, 9);
    expect(work['le=0.1']).toBe(0);
    expect(work['le=1']).toBe(1);
    expect(work['le=10']).toBe(2);
    expect(await value(registry, 'workqueue_unfinished_work_seconds', 'pods')).toBe(0);
    expect(await value(registry, 'workqueue_longest_running_processor_seconds', 'pods')).toBe(0);

    queue.addAfter('c', 100);
    queue.addAfter('d', 0);
    expect(await value(registry, 'workqueue_retries_total', 'pods')).toBe(2);
    expect(await value(registry, 'workqueue_adds_total', 'pods')).toBe(3);
    await clock.advance(100);
    expect(await value(registry, 'workqueue_adds_total', 'pods')).toBe(4);
    expect(await value(registry, 'workqueue_depth', 'pods')).toBe(2);
  });

  it('counts an add during processing in depth and adds, as client-go does', async () => {
    const registry = new Registry();
    const queue = newQueue<string>({
      name: 'q',
      metricsProvider: newPrometheusMetricsProvider({ registry }),
      clock: new FakeClock(),
    });
    queue.add('a');
    await queue.get();
    queue.add('a');
    expect(await value(registry, 'workqueue_adds_total', 'q')).toBe(2);
    expect(await value(registry, 'workqueue_depth', 'q')).toBe(1);
    queue.done('a');
    await queue.get();
    expect(await value(registry, 'workqueue_depth', 'q')).toBe(0);
  });

  it('keeps queues with different names apart in one registry', async () => {
    const registry = new Registry();
    const metricsProvider = newPrometheusMetricsProvider({ registry });
    const clock = new FakeClock();
    const first = newQueue<string>({ name: 'first', metricsProvider, clock });
    const second = newQueue<string>({ name: 'second', metricsProvider, clock });
    first.add('a');
    second.add('a');
    second.add('b');
    expect(await value(registry, 'workqueue_depth', 'first')).toBe(1);
    expect(await value(registry, 'workqueue_depth', 'second')).toBe(2);
  });

  it('records nothing for a queue without a name, even with a provider', async () => {
    const registry = new Registry();
    const queue = newQueue<string>({ metricsProvider: newPrometheusMetricsProvider({ registry }) });
    queue.add('a');
    const all = await registry.getMetricsAsJSON();
    expect(all.map((m) => m.name).sort()).toEqual([
      'workqueue_adds_total',
      'workqueue_depth',
      'workqueue_longest_running_processor_seconds',
      'workqueue_queue_duration_seconds',
      'workqueue_retries_total',
      'workqueue_unfinished_work_seconds',
      'workqueue_work_duration_seconds',
    ]);
    expect(all.every((m) => m.values.length === 0)).toBe(true);
  });
});
