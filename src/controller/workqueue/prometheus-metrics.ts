/** Publishes workqueue metrics to a prom-client registry under client-go's names. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkqueueMetricsProvider } from './metrics.js';

/** Options for newPrometheusMetricsProvider. */
export interface PrometheusMetricsProviderOptions {
  /** Where the seven `workqueue_*` metrics are registered. kubeloop never uses prom-client's global register. */
  readonly registry: Registry;
}

/** client-go's buckets: 10 ns × 10^i for i in 0..9, i.e. 10 ns to 10 s. */
const durationBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

/**
 * Returns a provider that registers client-go's workqueue metrics, labelled `name`, on `registry`: workqueue_depth,
 * workqueue_adds_total, workqueue_queue_duration_seconds, workqueue_work_duration_seconds,
 * workqueue_unfinished_work_seconds, workqueue_longest_running_processor_seconds and workqueue_retries_total.
 *
 * Create one provider per registry and pass it to every queue (prom-client refuses a second registration of the same
 * metric name). The two unfinished-work gauges are computed when the registry is read, so a stuck worker shows at
 * the next scrape; a queue built later with an existing name takes over that name's gauges.
 */
export function newPrometheusMetricsProvider(options: PrometheusMetricsProviderOptions): WorkqueueMetricsProvider {
  const registers = [options.registry];
  const labelNames = ['name'] as const;
  const unfinishedReaders = new Map<string, () => number>();
  const longestReaders = new Map<string, () => number>();
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames, registers });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames,
    registers,
  });
  const latency = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested.',
    labelNames,
    buckets: durationBuckets,
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes.',
    labelNames,
    buckets: durationBuckets,
    registers,
  });
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help:
      "How many seconds of work has done that is in progress and hasn't been observed by work_duration. Large " +
      'values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which ' +
      'this increases.',
    labelNames,
    registers,
    collect() {
      for (const [name, read] of unfinishedReaders) this.set({ name }, read());
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames,
    registers,
    collect() {
      for (const [name, read] of longestReaders) this.set({ name }, read());
    },
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames,
    registers,
  });
  return {
    newDepthMetric: (name) => depth.labels({ name }),
    newAddsMetric: (name) => adds.labels({ name }),
    newLatencyMetric: (name) => latency.labels({ name }),
    newWorkDurationMetric: (name) => workDuration.labels({ name }),
    newUnfinishedWorkSecondsMetric: (name, read) => void unfinishedReaders.set(name, read),
    newLongestRunningProcessorSecondsMetric: (name, read) => void longestReaders.set(name, read),
    newRetriesMetric: (name) => retries.labels({ name }),
  };
}
