/** Publishes controller-runtime's controller metrics to a prom-client registry, once per registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkqueueMetricsProvider } from './workqueue/metrics.js';
import { newPrometheusMetricsProvider } from './workqueue/prometheus-metrics.js';

/** The values of `controller_runtime_reconcile_total`'s `result` label. */
export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

/** One controller's view of the controller metrics (every series labelled with its name). */
export interface ControllerMetrics {
  /** Counts one finished reconcile by outcome. */
  reconciled(outcome: ReconcileOutcome): void;
  /** Counts an error; `terminal` errors are also counted apart. */
  failed(terminal: boolean): void;
  /** Observes one reconcile's duration. */
  observeSeconds(seconds: number): void;
  /** Counts a worker starting (`1`) or finishing (`-1`) a reconcile. */
  activeWorkers(delta: 1 | -1): void;
}

/** controller-runtime's reconcile_time_seconds buckets, 5 ms to 60 s. */
const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75,
  2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

interface RegistryMetrics {
  readonly total: Counter<'controller' | 'result'>;
  readonly errors: Counter<'controller'>;
  readonly terminal: Counter<'controller'>;
  readonly time: Histogram<'controller'>;
  readonly active: Gauge<'controller'>;
  readonly maxConcurrent: Gauge<'controller'>;
  readonly workqueue: WorkqueueMetricsProvider | undefined;
}

/** prom-client refuses a metric name twice per registry, so every controller on a registry shares one set. */
const byRegistry = new WeakMap<Registry, RegistryMetrics>();

function registryMetrics(registry: Registry): RegistryMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const labelNames = ['controller'] as const;
  const metrics: RegistryMetrics = {
    total: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames,
      registers,
    }),
    terminal: new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames,
      registers,
    }),
    time: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames,
      buckets: reconcileBuckets,
      registers,
    }),
    active: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames,
      registers,
    }),
    maxConcurrent: new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames,
      registers,
    }),
    // Someone else may have put the workqueue metrics on this registry already; then our queues do not report.
    workqueue:
      registry.getSingleMetric('workqueue_depth') === undefined
        ? newPrometheusMetricsProvider({ registry })
        : undefined,
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/**
 * The workqueue metrics provider of `registry`, created on first use and shared by every caller afterwards
 * (`newPrometheusMetricsProvider` may run only once per registry). `undefined` when the registry already held
 * workqueue metrics registered by other code.
 */
export function workqueueMetricsProviderFor(registry: Registry): WorkqueueMetricsProvider | undefined {
  return registryMetrics(registry).workqueue;
}

/**
 * Returns the metrics of controller `name` on `registry`, with every `result` series and the gauges initialised
 * (as controller-runtime does, so dashboards see zeros before the first reconcile). Without a registry, records
 * nothing.
 */
export function newControllerMetrics(
  name: string,
  maxConcurrentReconciles: number,
  registry: Registry | undefined,
): ControllerMetrics {
  if (registry === undefined) {
    return { reconciled() {}, failed() {}, observeSeconds() {}, activeWorkers() {} };
  }
  const m = registryMetrics(registry);
  const controller = name;
  for (const result of ['success', 'error', 'requeue', 'requeue_after'] as const)
    m.total.inc({ controller, result }, 0);
  m.errors.inc({ controller }, 0);
  m.terminal.inc({ controller }, 0);
  m.active.set({ controller }, 0);
  m.maxConcurrent.set({ controller }, maxConcurrentReconciles);
  return {
    reconciled: (result) => m.total.inc({ controller, result }),
    failed: (terminal) => {
      m.errors.inc({ controller });
      if (terminal) m.terminal.inc({ controller });
    },
    observeSeconds: (seconds) => m.time.observe({ controller }, seconds),
    activeWorkers: (delta) => m.active.inc({ controller }, delta),
  };
}
