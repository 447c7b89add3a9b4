/** Fans informer notifications out to every listener, or to the listeners due for resync (client-go's sharedProcessor). */
import type { KubeObject } from '../client/meta.js';
import type { Notification, ProcessorListener } from './processor-listener.js';

/**
 * The set of listeners of one informer.
 *
 * Guarantees: `distribute` hands the same notification object to each target listener in registration order and
 * returns at once (listeners buffer); sync notifications go only to the listeners `shouldResync` last picked;
 * a removed listener is stopped and gets nothing more.
 *
 * @typeParam T - the cached object type.
 */
export class SharedProcessor<T extends KubeObject> {
  readonly #listeners = new Set<ProcessorListener<T>>();
  /** Invariant: a subset of #listeners, recomputed by each shouldResync. */
  readonly #syncing = new Set<ProcessorListener<T>>();

  get size(): number {
    return this.#listeners.size;
  }

  has(listener: ProcessorListener<T>): boolean {
    return this.#listeners.has(listener);
  }

  addListener(listener: ProcessorListener<T>): void {
    this.#listeners.add(listener);
    this.#syncing.add(listener);
  }

  /** Stops and forgets `listener`; unknown listeners are ignored. */
  removeListener(listener: ProcessorListener<T>): void {
    if (!this.#listeners.delete(listener)) return;
    this.#syncing.delete(listener);
    listener.stop();
  }

  distribute(notification: Notification<T>, sync: boolean): void {
    for (const listener of sync ? this.#syncing : this.#listeners) listener.add(notification);
  }

  /** Picks the listeners due for resync at `now`; true when there is at least one (the Reflector then resyncs). */
  shouldResync(now: number): boolean {
    this.#syncing.clear();
    for (const listener of this.#listeners) if (listener.shouldResync(now)) this.#syncing.add(listener);
    return this.#syncing.size > 0;
  }

  /** Re-derives every listener's period from what it asked for, under a new informer check period. */
  resyncCheckPeriodChanged(checkPeriodMs: number, now: number): void {
    for (const listener of this.#listeners) {
      listener.setResyncPeriod(determineResyncPeriod(listener.requestedResyncPeriodMs, checkPeriodMs), now);
    }
  }

  /** Stops every listener. */
  stop(): void {
    for (const listener of this.#listeners) listener.stop();
    this.#listeners.clear();
    this.#syncing.clear();
  }
}

/**
 * The period a handler gets: 0 stays 0 (never); with no informer resync (check period 0) nothing resyncs; a
 * period shorter than the check period is raised to it, since resyncs cannot happen more often than checks.
 */
export function determineResyncPeriod(desiredMs: number, checkPeriodMs: number): number {
  if (desiredMs === 0 || checkPeriodMs === 0) return 0;
  return Math.max(desiredMs, checkPeriodMs);
}
