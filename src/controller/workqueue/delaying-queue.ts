/** Adds items to a work queue after a delay, driven by one timer for the whole queue. */
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { type QueueMetrics, queueMetricsFor } from './metrics.js';
import { newQueueWithMetrics, type Queue, type QueueGetResult, type QueueOptions } from './queue.js';
import { WaitingHeap } from './waiting-heap.js';

/**
 * A work queue with delayed adds (client-go's workqueue.DelayingInterface).
 *
 * Guarantees, beyond Queue's:
 * - `addAfter(item, ms)` with ms ≤ 0 adds at once; otherwise the item is added once the clock reaches its ready
 *   time, items ready together in the order they were scheduled.
 * - An item waiting twice keeps the EARLIER ready time.
 * - At most one timer (one `clock.sleep`) is pending for the whole queue, however many items wait.
 * - Shutdown drops waiting items and cancels the timer.
 *
 * @typeParam T - the item type.
 */
export interface DelayingQueue<T> extends Queue<T> {
  /** Adds `item` after `delayMs` milliseconds; ignored after shutdown. */
  addAfter(item: T, delayMs: number): void;
}

/** Returns a new delaying queue; see DelayingQueue for its guarantees. */
export function newDelayingQueue<T>(options: QueueOptions = {}): DelayingQueue<T> {
  const clock = options.clock ?? systemClock;
  const metrics = queueMetricsFor(options.name, options.metricsProvider, clock);
  return new DelayingWorkQueue<T>(newQueueWithMetrics<T>(metrics), metrics, clock);
}

/** Node's longest timer (2^31 - 1 ms, ~24.8 days); a later ready time is reached by re-arming. */
const maxTimerMs = 2 ** 31 - 1;

/** A Queue plus a waiting heap and the one timer that feeds it. */
class DelayingWorkQueue<T> implements DelayingQueue<T> {
  readonly #queue: Queue<T>;
  readonly #metrics: QueueMetrics;
  readonly #clock: Clock;
  readonly #waiting = new WaitingHeap<T>();
  /** The pending timer's deadline and canceller. Invariant: set iff a clock.sleep is pending. */
  #timer: { readonly at: number; readonly abort: AbortController } | undefined;

  constructor(queue: Queue<T>, metrics: QueueMetrics, clock: Clock) {
    this.#queue = queue;
    this.#metrics = metrics;
    this.#clock = clock;
  }

  addAfter(item: T, delayMs: number): void {
    if (this.#queue.shuttingDown()) return;
    this.#metrics.retry();
    if (!(delayMs > 0)) {
      this.#queue.add(item);
      return;
    }
    this.#waiting.insert(item, this.#clock.now() + delayMs);
    this.#schedule();
  }

  add(item: T): void {
    this.#queue.add(item);
  }

  len(): number {
    return this.#queue.len();
  }

  get(signal?: AbortSignal): Promise<QueueGetResult<T>> {
    return this.#queue.get(signal);
  }

  done(item: T): void {
    this.#queue.done(item);
  }

  shutDown(): void {
    this.#stopWaiting();
    this.#queue.shutDown();
  }

  shutDownWithDrain(signal?: AbortSignal): Promise<void> {
    this.#stopWaiting();
    return this.#queue.shutDownWithDrain(signal);
  }

  shuttingDown(): boolean {
    return this.#queue.shuttingDown();
  }

  /** Makes the one timer fire at the earliest ready time, replacing a later timer. */
  #schedule(): void {
    const next = this.#waiting.nextReadyAt();
    if (next === undefined || (this.#timer !== undefined && this.#timer.at <= next)) return;
    this.#timer?.abort.abort();
    const timer = { at: next, abort: new AbortController() };
    this.#timer = timer;
    const delay = Math.min(maxTimerMs, Math.max(0, next - this.#clock.now()));
    this.#clock.sleep(delay, timer.abort.signal).then(
      () => {
        if (this.#timer === timer) this.#fire();
      },
      () => {}, // Aborted: a sooner timer or shutdown replaced this one.
    );
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    while ((this.#waiting.nextReadyAt() ?? Number.POSITIVE_INFINITY) <= now) this.#queue.add(this.#waiting.pop());
    this.#schedule();
  }

  #stopWaiting(): void {
    this.#timer?.abort.abort();
    this.#timer = undefined;
    this.#waiting.clear();
  }
}
