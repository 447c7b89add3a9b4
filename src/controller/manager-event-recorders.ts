/** Keeps a manager's event recorders, one per reporting controller, and flushes them all when it stops. */
import type { Logger } from 'pino';
import type { Clock } from '../client/rest/clock.js';
import type { EventRecorder, EventsClient } from './events/event-recorder.js';
import { newEventRecorder } from './events/event-recorder.js';

/**
 * The event recorders of one manager.
 *
 * Guarantees: `recorderFor` returns the same recorder for the same name, all writing through one client; after
 * `shutdown` began, recorders (old and new) drop occurrences; `shutdown` resolves once every recorder flushed or
 * `timeoutMs` passed (then unwritten Events are dropped with a warning), and never rejects.
 */
export class ManagerEventRecorders {
  readonly #client: EventsClient;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #recorders = new Map<string, EventRecorder>();
  #stopped = false;

  constructor(client: EventsClient, clock: Clock, logger: Logger) {
    this.#client = client;
    this.#clock = clock;
    this.#logger = logger;
  }

  recorderFor(name: string): EventRecorder {
    let recorder = this.#recorders.get(name);
    if (recorder === undefined) {
      recorder = newEventRecorder({
        client: this.#client,
        reportingController: name,
        clock: this.#clock,
        logger: this.#logger.child({ eventRecorder: name }),
      });
      this.#recorders.set(name, recorder);
      if (this.#stopped) void recorder.shutdown();
    }
    return recorder;
  }

  async shutdown(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    if (this.#recorders.size === 0) return;
    const timeout = new AbortController();
    const cancelTimer = new AbortController();
    this.#clock.sleep(timeoutMs, cancelTimer.signal).then(
      () => timeout.abort(new Error(`events not written within ${timeoutMs} ms of the stop`)),
      () => {},
    );
    await Promise.all(
      [...this.#recorders].map(([name, recorder]) =>
        recorder.shutdown({ signal: timeout.signal }).catch((error: unknown) => {
          this.#logger.warn({ err: error, eventRecorder: name }, 'dropping unwritten events');
        }),
      ),
    );
    cancelTimer.abort();
  }
}
