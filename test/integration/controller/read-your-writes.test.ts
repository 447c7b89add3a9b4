import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { type ListerWatcher, listWatchFrom } from '../../../src/cache/listwatch.js';
import type { Secret } from '../../../src/client/kubernetes/core-v1/types.js';
import { isAlreadyExists } from '../../../src/client/rest/status-error.js';
import type { WatchStream } from '../../../src/client/rest/watch.js';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import type { Request } from '../../../src/controller/reconciler.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
// Generous: a loaded 2-core machine may be slow; no assertion depends on speed.
const patience = { timeout: 60_000, interval: 50 };
/** What the controller logs (at debug) when a key's reconcile waits for the caches to observe its writes. */
const waitingMessage = 'Waiting for the caches to observe own writes';

/** Holds back a watch's events while closed; lets them through, in order, once opened. */
class Gate {
  #opened: Promise<void> | undefined;
  #open: () => void = () => {};
  get isOpen(): boolean {
    return this.#opened === undefined;
  }
  close(): void {
    this.#opened ??= new Promise((resolve) => {
      this.#open = resolve;
    });
  }
  open(): void {
    this.#opened = undefined;
    this.#open();
  }
  async passed(): Promise<void> {
    await this.#opened;
  }
}

/** A ListerWatcher whose watch events wait at `gate`: the informer's cache lags the server while it is closed. */
function gatedListWatch(inner: ListerWatcher<Secret>, gate: Gate): ListerWatcher<Secret> {
  return {
    list: (options) => inner.list(options),
    async watch(options) {
      const stream = await inner.watch(options);
      const gated: WatchStream<Secret> = {
        async *[Symbol.asyncIterator]() {
          for await (const event of stream) {
            await gate.passed();
            yield event;
          }
        },
        observable: () => stream.observable(),
        close: () => {
          gate.open(); // a stopping informer must not wait at the gate
          stream.close();
        },
      };
      return gated;
    },
  };
}

interface Outcome {
  /** Creates the server refused because the child existed: the reconciler acted on a stale cache. */
  readonly alreadyExists: number;
  /** How many children the cache showed each reconcile, in order. */
  readonly seen: readonly number[];
  /** Reconciles begun when the gate opened. */
  readonly reconcilesBeforeGateOpened: number;
  readonly children: readonly string[];
}

/**
 * A reconciler that keeps two child Secrets per parent ConfigMap, counting the children in its cache and creating
 * the next one (`<parent>-<count>`) per reconcile, requeued at once. The children's watch is held back from the
 * first create until the controller says it waits for its writes (read-your-writes on) or until the second
 * reconcile has acted (off): so the second reconcile reads a stale cache exactly when nothing makes it wait.
 */
async function runCounter(readYourWrites: boolean): Promise<Outcome> {
  const namespace = await testNamespace(`ryw-${readYourWrites ? 'on' : 'off'}`);
  const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  const gate = new Gate();
  let reconciles = 0;
  let reconcilesBeforeGateOpened = -1;
  const openGate = (): void => {
    if (gate.isOpen) return;
    reconcilesBeforeGateOpened = reconciles;
    gate.open();
  };
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => line.includes(waitingMessage) && openGate() },
  });
  const manager: Manager = newManager({
    config,
    namespace,
    logger,
    ...(readYourWrites ? {} : { readYourWrites: false }),
  });
  const secrets = manager.clientSet.coreV1().secrets(namespace);
  const parents = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
  const children = manager.factory.informerFor('typed:/v1/secrets', () => gatedListWatch(listWatchFrom(secrets), gate));
  const seen: number[] = [];
  let alreadyExists = 0;
  const reconcile = async (request: Request) => {
    reconciles++;
    const count = children
      .getIndexer()
      .list()
      .filter((s) => s.metadata?.labels?.parent === request.name).length;
    seen.push(count);
    if (count >= 2) return;
    if (reconciles === 1) gate.close(); // before the create, so its watch event cannot slip through first
    try {
      await secrets.create({ metadata: { name: `${request.name}-${count}`, labels: { parent: request.name } } });
    } catch (error) {
      if (isAlreadyExists(error)) alreadyExists++;
      throw error;
    } finally {
      if (reconciles === 2) openGate();
    }
    return { requeueAfterMs: 0 };
  };
  newControllerManagedBy(manager).named('counter').for(parents).complete(reconcile);

  const stop = new AbortController();
  const done = manager.start(stop.signal);
  onTestFinished(async () => {
    stop.abort();
    await done.catch(() => undefined);
  });
  await vi.waitFor(() => expect(manager.readiness().ok).toBe(true), patience);
  await manager.clientSet
    .coreV1()
    .configMaps(namespace)
    .create({ metadata: { name: 'parent' } });
  await vi.waitFor(() => expect(seen.at(-1)).toBe(2), patience);
  const list = await secrets.list({ labelSelector: 'parent=parent' });
  return {
    alreadyExists,
    seen,
    reconcilesBeforeGateOpened,
    children: list.items.map((s) => s.metadata?.name ?? '').sort(),
  };
}

describe('Read-your-writes', () => {
  it('without it, the reconcile after a create reads the stale cache and creates the same child again', async () => {
    const outcome = await runCounter(false);

    expect(outcome.reconcilesBeforeGateOpened).toBe(2);
    expect(outcome.seen.slice(0, 2)).toEqual([0, 0]);
    expect(outcome.alreadyExists).toBeGreaterThanOrEqual(1);
    expect(outcome.children).toEqual(['parent-0', 'parent-1']);
  });

  it('with it, the next reconcile of the key waits until the cache observed the create, and counts right', async () => {
    const outcome = await runCounter(true);

    // The gate opened while the second reconcile waited, before it began: the wait, not luck, made it fresh.
    expect(outcome.reconcilesBeforeGateOpened).toBe(1);
    expect(outcome.seen).toEqual([0, 1, 2]);
    expect(outcome.alreadyExists).toBe(0);
    expect(outcome.children).toEqual(['parent-0', 'parent-1']);
  });
});
