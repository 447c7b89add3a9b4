/** Detects a watch whose connection died silently (no FIN, no RST) and starts watches with a bounded wait. */
import type { KubeObject } from '../client/meta.js';
import type { WatchStream } from '../client/rest/watch.js';
import type { WatchOptions } from '../client/typed/options.js';
import { KubeloopError } from '../errors.js';
import type { ListerWatcher } from './listwatch.js';

/**
 * How long a watch may stay silent before the Reflector presumes its connection dead: 60 s, against client-go's
 * ~45 s (HTTP/2 read-idle ping after 30 s, 15 s ping timeout). Our connections are HTTP/1.1, which has no ping; a
 * live apiserver sends a bookmark about once a minute on a quiet watch-cache watch, and nothing at all on a watch
 * served by etcd directly, so silence alone proves nothing: it triggers a cheap probe (see
 * {@link ReflectorOptions.deadWatchTimeoutMs}).
 */
export const defaultDeadWatchTimeoutMs = 60_000;

/**
 * A re-watch whose first change arrives this soon after it started was showing changes the silent watch never
 * delivered: the server sends a watch's backlog (everything after its resourceVersion) at once.
 */
const backlogWindowMs = 2000;

/** A watch request got no response headers within the dead-watch timeout: the route to the server is likely dead. */
export class WatchStartTimeoutError extends KubeloopError<'WATCH_START_TIMEOUT'> {
  readonly code = 'WATCH_START_TIMEOUT' as const;
  constructor(
    readonly reflector: string,
    readonly timeoutMs: number,
  ) {
    super(`watch of ${reflector}: the server did not answer the watch request within ${timeoutMs} ms`);
  }
}

/**
 * Starts a watch with the read-idle watchdog set to `timeoutMs` and abandons the start (WatchStartTimeoutError)
 * when the server has not answered within `timeoutMs`; 0 leaves both to the RESTClient's defaults.
 */
export async function startWatch<T extends KubeObject>(
  listerWatcher: ListerWatcher<T>,
  options: WatchOptions & { readonly signal: AbortSignal },
  name: string,
  timeoutMs: number,
): Promise<WatchStream<T>> {
  if (timeoutMs <= 0) return await listerWatcher.watch(options);
  const start = new AbortController();
  const timer = setTimeout(() => start.abort(new WatchStartTimeoutError(name, timeoutMs)), timeoutMs);
  // The running Reflector holds the process; this timer must not hold it on its own.
  timer.unref();
  try {
    const signal = AbortSignal.any([options.signal, start.signal]);
    return await listerWatcher.watch({ ...options, idleTimeoutMs: timeoutMs, signal });
  } catch (error) {
    throw start.signal.aborted && !options.signal.aborted ? start.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Decides whether the watch that replaced a silent one proved the silent one dead: it did when the new watch's
 * first event is a change arriving within its backlog window, i.e. a change the silent watch should have
 * delivered. A quiet resource gives no change, so a healthy quiet watch never counts as dead.
 */
export class SilenceProbe {
  readonly #startedAt: number;
  #decided = false;

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** Called with each event of the new watch; true once, for the first one, when it proves the silence a fault. */
  provesDead(type: string, now: number): boolean {
    if (this.#decided) return false;
    this.#decided = true;
    return type !== 'BOOKMARK' && now - this.#startedAt <= backlogWindowMs;
  }
}
