/** Adds items to a work queue after a delay, driven by one timer for the whole queue. */
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { type QueueMetrics, queueMetricsFor } from './metrics.js';
import { type Queue, type QueueOptions, WorkQueue } from './queue.js';
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
  return new DelayingWorkQueue<T>(queueMetricsFor(options.name, options.metricsProvider, clock), clock);
}

/** Node's longest timer (2^31 - 1 ms, ~24.8 days); a later ready time is reached by re-arming. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * The work queue behind newDelayingQueue: a WorkQueue plus a waiting heap and the one timer that feeds it.
 * Guarantees: those of DelayingQueue.
 *
 * @typeParam T - the item type.
 */
export class DelayingWorkQueue<T> extends WorkQueue<T> implements DelayingQueue<T> {
  readonly #metrics: QueueMetrics | undefined;
  readonly #clock: Clock;
  readonly #waiting = new WaitingHeap<T>();
  /** The pending timer's deadline and canceller. Invariant: set iff a clock.sleep is pending. */
  #timer: { readonly at: number; readonly abort: AbortController } | undefined;

  constructor(metrics: QueueMetrics | undefined, clock: Clock) {
    super(metrics);
    this.#metrics = metrics;
    this.#clock = clock;
  }

  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown()) return;
    this.#metrics?.retry();
    if (!(delayMs > 0)) {
      this.add(item);
      return;
    }
    this.#waiting.insert(item, this.#clock.now() + delayMs);
    this.#schedule();
  }

  /** Also drops the waiting items and cancels the timer (shutDownWithDrain calls this too). */
  override shutDown(): void {
    this.#timer?.abort.abort();
    this.#timer = undefined;
    this.#waiting.clear();
    super.shutDown();
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
    while ((this.#waiting.nextReadyAt() ?? Number.POSITIVE_INFINITY) <= now) this.add(this.#waiting.pop());
    this.#schedule();
  }
}
