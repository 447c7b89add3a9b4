/** Computes jittered exponential backoff waits that reset after a quiet period (client-go's backoff manager). */
import { type Clock, systemClock } from '../client/rest/clock.js';

/** Options of {@link Backoff}; every default is the Reflector's in client-go 1.32. */
export interface BackoffOptions {
  /** The first wait before jitter; 800 ms, short enough that one blip costs under a second and a half. */
  readonly initialMs?: number;
  /** The largest wait before jitter; 30 s keeps a broken server from being hammered, yet recovers quickly. */
  readonly maxMs?: number;
  /** Each wait is this many times the previous one; 2. */
  readonly factor?: number;
  /** Each wait is `d + random() * jitter * d`; 1.0 spreads a fleet of clients over [d, 2d). */
  readonly jitter?: number;
  /** The wait starts over at `initialMs` when this long passed since the previous wait began; 2 min. */
  readonly resetAfterMs?: number;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** Uniform in [0, 1); defaults to Math.random. Tests pass a fixed source. */
  readonly random?: () => number;
}

/**
 * One backoff sequence, shared by every retry of its owner.
 *
 * Guarantees: the n-th consecutive wait (n from 0) is in `[d, d + jitter·d)` with
 * `d = min(initialMs · factor^n, maxMs)`; when more than `resetAfterMs` passed between the starts of two waits,
 * the sequence starts over; `wait` sleeps on the injected clock and rejects with the signal's reason on abort.
 * Not safe for concurrent waits (its owner waits on one thing at a time).
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #resetAfterMs: number;
  readonly #clock: Clock;
  readonly #random: () => number;
  /** The un-jittered next wait: always in [initialMs, maxMs]. */
  #currentMs: number;
  /** When the previous wait began (clock ms); starts at construction, as client-go's manager does. */
  #lastStart: number;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 800;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 1;
    this.#resetAfterMs = options.resetAfterMs ?? 120_000;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#currentMs = this.#initialMs;
    this.#lastStart = this.#clock.now();
  }

  /** Returns the next wait in ms and advances the sequence (resetting it first after a quiet period). */
  next(): number {
    const now = this.#clock.now();
    if (now - this.#lastStart > this.#resetAfterMs) this.#currentMs = this.#initialMs;
    this.#lastStart = now;
    const base = this.#currentMs;
    this.#currentMs = Math.min(base * this.#factor, this.#maxMs);
    return this.#jitter > 0 ? base + this.#random() * this.#jitter * base : base;
  }

  /** Sleeps for the next wait. */
  async wait(signal?: AbortSignal): Promise<void> {
    await this.#clock.sleep(this.next(), signal);
  }
}
