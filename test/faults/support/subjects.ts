// Wires what the fault suite puts under faults: an informer with an event-built view, and a manager's controller.
import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { DestinationStream } from 'pino';
import { listWatchFrom } from '../../../src/cache/listwatch.js';
import { newSharedIndexInformer, type SharedIndexInformer } from '../../../src/cache/shared-index-informer.js';
import { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { requestKey } from '../../../src/controller/reconciler.js';
import { createLogger } from '../../../src/logger.js';
import { EventView } from './convergence.js';
import { CountingListerWatcher } from './counting-lister-watcher.js';

/** How long a silent watch may live in the suite: short, so a black hole is noticed within seconds. */
export const deadWatchTimeoutMs = 5_000;

/** A parsed log line. */
export interface LogRecord {
  readonly level: number;
  readonly time: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** Keeps every log line of the loggers it makes (warn and above), parsed. */
export class LogCapture {
  readonly records: LogRecord[] = [];
  readonly #destination: DestinationStream = {
    write: (line: string) => {
      this.records.push(JSON.parse(line) as LogRecord);
    },
  };

  logger(name: string) {
    return createLogger({ level: 'warn', name, destination: this.#destination });
  }

  /** Warnings since `since` (epoch ms) whose line mentions `word`. */
  warnings(since: number, word: RegExp): LogRecord[] {
    return this.records.filter((r) => r.level === 40 && r.time >= since && word.test(JSON.stringify(r)));
  }
}

/** An informer on the suite's ConfigMaps, through the proxy, and a handler's view built from its events alone. */
export function watchedInformer(config: RestConfig, labelSelector: string, logs: LogCapture) {
  const configMaps = ClientSet.forConfig(config).coreV1().configMaps();
  const lw = new CountingListerWatcher(listWatchFrom(configMaps, { labelSelector }));
  const informer = newSharedIndexInformer<ConfigMap>(lw, {
    name: 'v1/configmaps',
    logger: logs.logger('informer'),
    deadWatchTimeoutMs,
  });
  const view = new EventView<ConfigMap>(DeletedFinalStateUnknown);
  informer.addEventHandler(view.handler, { name: 'view' });
  return { informer, lw, view };
}

/**
 * A manager (through the proxy) whose controller records, per key, the resourceVersion its cache held when each
 * reconcile began (`absent` when gone), and every time a reconcile began for a key already being reconciled.
 */
export class RecordingController {
  readonly manager: Manager;
  readonly informer: SharedIndexInformer<ConfigMap>;
  readonly lastSeen = new Map<string, string>();
  readonly overlaps: string[] = [];
  reconciles = 0;
  readonly #inFlight = new Set<string>();

  constructor(config: RestConfig, logs: LogCapture) {
    this.manager = newManager({ config, logger: logs.logger('manager'), deadWatchTimeoutMs });
    this.informer = this.manager.factory.forClient((ns) => this.manager.clientSet.coreV1().configMaps(ns));
    newControllerManagedBy(this.manager)
      .named('fault-suite')
      .withOptions({ maxConcurrentReconciles: 4, logger: logs.logger('controller') })
      .for(this.informer)
      .complete(async (request) => {
        const key = requestKey(request);
        if (this.#inFlight.has(key)) this.overlaps.push(key);
        this.#inFlight.add(key);
        try {
          this.reconciles += 1;
          this.lastSeen.set(key, this.informer.getIndexer().getByKey(key)?.metadata?.resourceVersion ?? 'absent');
          // Stays in flight across a turn, so a second worker taking the same key would be caught.
          await yieldTurn();
        } finally {
          this.#inFlight.delete(key);
        }
      });
  }
}
