/** Runs a manager's extra components (a webhook server, a custom loop) next to its controllers, and stops them. */
import type { Logger } from 'pino';
import { KubeloopError } from '../errors.js';

/**
 * Something the manager runs (controller-runtime's manager.Runnable), e.g. a webhook server.
 *
 * Guarantees expected of implementations: `start` runs until `signal` aborts, then cleans up and resolves; a
 * rejection before the signal aborted is a failure that stops the whole manager. `ready`, when present, is cheap and
 * synchronous (it answers /readyz).
 */
export interface Runnable {
  /** Names it in logs, errors and failed probes. */
  readonly name: string;
  /** Runs until `signal` aborts; rejecting fails the manager. */
  start(signal: AbortSignal): Promise<void>;
  /** Whether it can serve; /readyz is 503, naming it, while this is false. */
  ready?(): boolean;
  /**
   * True: it runs only while this replica leads (like controllers), after the caches synced. False or absent: it
   * starts before the manager waits for its caches and runs on every replica until the manager stops.
   */
  readonly needLeaderElection?: boolean;
}

/**
 * Rejects `Manager.start` when a runnable failed (its `start` rejected before the manager stopped it).
 *
 * Guarantees: `runnable` names it and `cause` is its error; the manager stopped everything before rejecting.
 */
export class RunnableError extends KubeloopError<'MANAGER_RUNNABLE'> {
  readonly code = 'MANAGER_RUNNABLE';
  readonly runnable: string;

  constructor(runnable: string, cause: unknown) {
    super(`runnable ${runnable} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.runnable = runnable;
  }
}

/**
 * Runnables started and stopped together.
 *
 * Guarantees: `start` starts each runnable once, on a signal that aborts with the one given or at `stop`; `stop`
 * aborts them all and resolves once every `start` promise settled; the first runnable to fail calls `onFailure` once with a RunnableError (its
 * siblings go on until `stop`); a failure after `stop` began is only logged.
 */
export class RunnableGroup {
  readonly #runnables: readonly Runnable[];
  readonly #logger: Logger;
  readonly #stop = new AbortController();
  #running: Promise<void>[] = [];
  #failed = false;

  constructor(runnables: readonly Runnable[], logger: Logger) {
    this.#runnables = runnables;
    this.#logger = logger;
  }

  /** Starts every runnable; returns at once. */
  start(until: AbortSignal | undefined, onFailure: (error: RunnableError) => void): void {
    const signal = until ? AbortSignal.any([until, this.#stop.signal]) : this.#stop.signal;
    this.#running = this.#runnables.map(async (runnable) => {
      this.#logger.info({ runnable: runnable.name }, 'starting runnable');
      try {
        await runnable.start(signal);
      } catch (error) {
        if (signal.aborted) {
          this.#logger.error({ err: error, runnable: runnable.name }, 'runnable failed while stopping');
          return;
        }
        this.#logger.error({ err: error, runnable: runnable.name }, 'runnable failed');
        if (this.#failed) return;
        this.#failed = true;
        onFailure(new RunnableError(runnable.name, error));
      }
    });
  }

  /** Aborts every runnable's signal and resolves once all of them have returned. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#running);
  }
}

/** The lines /readyz adds for runnables that are not ready (a `ready` that throws counts as not ready). */
export function unreadyRunnables(runnables: Iterable<Runnable>): string[] {
  const failures: string[] = [];
  for (const runnable of runnables) {
    if (runnable.ready === undefined) continue;
    try {
      if (!runnable.ready()) failures.push(`runnable ${runnable.name}: not ready`);
    } catch (error) {
      failures.push(`runnable ${runnable.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures;
}
