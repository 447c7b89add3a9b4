/** Throttles requests client-side with a token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter). */
import type { Clock } from './clock.js';

/** What the RESTClient needs from a limiter: wait for permission to send one request. */
export interface RateLimiter {
  /** Resolves when a request may be sent; rejects with the signal's reason if it aborts first. */
  wait(signal?: AbortSignal): Promise<void>;
}

/**
 * The default client-side limit: 50 requests/s sustained, bursts of 100.
 *
 * Why not client-go's 5 qps / burst 10: a controller that starts up lists several types and then writes status for
 * every object it owns; at 5 qps, 1,000 status updates take over three minutes, and controller-runtime dropped its
 * client-side limiter altogether on SIG API Machinery's advice (the apiserver's Priority and Fairness protects it).
 * Why not unlimited: APF bounds concurrency, not rate, and every request still reaches the server; a hot reconcile
 * loop should be slowed by its own client first. 50/100 is invisible to a healthy controller and caps a runaway one.
 * Set `RestConfig.qps` below 0 to disable, or pass a limiter.
 */
export const defaultQps = 50;
/** The default burst; see defaultQps. */
export const defaultBurst = 100;

/**
 * A token bucket: holds up to `burst` tokens, refilled at `qps` per second; each request takes one, waiting for it
 * when the bucket is empty.
 *
 * Guarantees: waiters are served in call order (each reserves its token when it calls, as golang.org/x/time/rate
 * does); an aborted wait returns its token; time comes only from the injected clock.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  /** Tokens available at `#last`; negative when waiters have reserved future tokens. */
  #tokens: number;
  #last: number;

  constructor(qps: number, burst: number, clock: Clock) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError('TokenBucketRateLimiter needs qps > 0 and burst >= 1');
    this.#qps = qps;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  async wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#qps) / 1000);
    this.#last = now;
    this.#tokens -= 1;
    if (this.#tokens >= 0) return;
    const waitMs = (-this.#tokens * 1000) / this.#qps;
    try {
      await this.#clock.sleep(waitMs, signal);
    } catch (error) {
      this.#tokens += 1;
      throw error;
    }
  }
}

/**
 * Returns the limiter a RestConfig asks for: none when qps < 0, else a token bucket with the config's qps/burst
 * (defaults defaultQps/defaultBurst; a qps without a burst gets a burst of twice the qps, as the defaults have).
 */
export function rateLimiterFor(
  config: { readonly qps?: number; readonly burst?: number },
  clock: Clock,
): RateLimiter | undefined {
  const qps = config.qps || defaultQps;
  if (qps < 0) return undefined;
  const burst = config.burst || (config.qps ? Math.ceil(2 * qps) : defaultBurst);
  return new TokenBucketRateLimiter(qps, Math.max(1, burst), clock);
}
