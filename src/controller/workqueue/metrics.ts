/** Tracks a queue's adds, waits and work time and reports them to a pluggable metrics provider. */
import type { Clock } from '../../client/rest/clock.js';

/** A gauge a queue moves up and down. */
export interface GaugeMetric {
  /** Adds one. */
  inc(): void;
  /** Subtracts one. */
  dec(): void;
}

/** A counter a queue increments. */
export interface CounterMetric {
  /** Adds one. */
  inc(): void;
}

/** A histogram a queue observes seconds into. */
export interface HistogramMetric {
  /** Records one duration. */
  observe(seconds: number): void;
}

/**
 * Makes the metrics of one named queue (client-go's workqueue.MetricsProvider).
 *
 * Guarantees (what a queue promises its provider): each `new*` method is called once per queue, at construction;
 * the `read` callbacks of the two unfinished-work metrics are cheap, side-effect free, and may be called at any
 * time (typically at scrape time), so stuck work shows without the queue running a timer.
 */
export interface WorkqueueMetricsProvider {
  /** Items waiting to be handed out (`workqueue_depth`). */
  newDepthMetric(name: string): GaugeMetric;
  /** Adds that were not deduplicated (`workqueue_adds_total`). */
  newAddsMetric(name: string): CounterMetric;
  /** Seconds from add to hand-out (`workqueue_queue_duration_seconds`). */
  newLatencyMetric(name: string): HistogramMetric;
  /** Seconds from hand-out to done (`workqueue_work_duration_seconds`). */
  newWorkDurationMetric(name: string): HistogramMetric;
  /** Registers `read`: the summed seconds of work in progress (`workqueue_unfinished_work_seconds`). */
  newUnfinishedWorkSecondsMetric(name: string, read: () => number): void;
  /** Registers `read`: the seconds the oldest work in progress has run (`workqueue_longest_running_processor_seconds`). */
  newLongestRunningProcessorSecondsMetric(name: string, read: () => number): void;
  /** `addAfter` and `addRateLimited` calls on a running queue (`workqueue_retries_total`). */
  newRetriesMetric(name: string): CounterMetric;
}

/** What a queue reports; items are compared as the queue compares them (SameValueZero). */
export interface QueueMetrics {
  add(item: unknown): void;
  get(item: unknown): void;
  done(item: unknown): void;
  retry(): void;
}

/**
 * Returns the metrics for a queue, or undefined (nothing recorded, no call made) unless both a name and a provider
 * are given: client-go too records nothing for an unnamed queue; kubeloop has no process-wide provider to fall
 * back on.
 */
export function queueMetricsFor(
  name: string | undefined,
  provider: WorkqueueMetricsProvider | undefined,
  clock: Clock,
): QueueMetrics | undefined {
  if (name === undefined || name === '' || provider === undefined) return undefined;
  return new RecordingQueueMetrics(name, provider, clock);
}

/** Times items between add, get and done, as client-go's defaultQueueMetrics does. */
class RecordingQueueMetrics implements QueueMetrics {
  readonly #clock: Clock;
  readonly #depth: GaugeMetric;
  readonly #adds: CounterMetric;
  readonly #latency: HistogramMetric;
  readonly #workDuration: HistogramMetric;
  readonly #retries: CounterMetric;
  /** Items added and not yet handed out → when first added. */
  readonly #addTimes = new Map<unknown, number>();
  /** Items handed out and not yet done → when handed out; insertion order is hand-out order. */
  readonly #processingStartTimes = new Map<unknown, number>();

  constructor(name: string, provider: WorkqueueMetricsProvider, clock: Clock) {
    this.#clock = clock;
    this.#depth = provider.newDepthMetric(name);
    this.#adds = provider.newAddsMetric(name);
    this.#latency = provider.newLatencyMetric(name);
    this.#workDuration = provider.newWorkDurationMetric(name);
    this.#retries = provider.newRetriesMetric(name);
    provider.newUnfinishedWorkSecondsMetric(name, () => this.#unfinishedWorkSeconds());
    provider.newLongestRunningProcessorSecondsMetric(name, () => this.#longestRunningSeconds());
  }

  add(item: unknown): void {
    this.#adds.inc();
    this.#depth.inc();
    if (!this.#addTimes.has(item)) this.#addTimes.set(item, this.#clock.now());
  }

  get(item: unknown): void {
    const now = this.#clock.now();
    this.#depth.dec();
    this.#processingStartTimes.set(item, now);
    const added = this.#addTimes.get(item);
    if (added !== undefined) {
      this.#latency.observe((now - added) / 1000);
      this.#addTimes.delete(item);
    }
  }

  done(item: unknown): void {
    const started = this.#processingStartTimes.get(item);
    if (started === undefined) return;
    this.#workDuration.observe((this.#clock.now() - started) / 1000);
    this.#processingStartTimes.delete(item);
  }

  retry(): void {
    this.#retries.inc();
  }

  #unfinishedWorkSeconds(): number {
    const now = this.#clock.now();
    let total = 0;
    for (const started of this.#processingStartTimes.values()) total += now - started;
    return total / 1000;
  }

  #longestRunningSeconds(): number {
    // Map order is hand-out order, so the first entry is the oldest.
    for (const started of this.#processingStartTimes.values()) return (this.#clock.now() - started) / 1000;
    return 0;
  }
}
