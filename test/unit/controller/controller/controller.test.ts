import { describe, expect, it } from 'vitest';
import { Controller } from '../../../../src/controller/controller.js';
import {
  ControllerOptionsError,
  ControllerShutdownError,
  ControllerStateError,
  ReconcileTimeoutError,
} from '../../../../src/controller/controller-errors.js';
import {
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
  type Request,
  TerminalError,
} from '../../../../src/controller/reconciler.js';
import { FakeClock } from '../../support/fake-clock.js';
import { capturingLogger, type Deferred, deferred, startController, until } from './harness.js';

const a: Request = { namespace: 'ns', name: 'a' };
const b: Request = { namespace: 'ns', name: 'b' };

describe('Controller outcomes', () => {
  it('reconciles an enqueued key once with its namespace and name', async () => {
    const seen: Request[] = [];
    const h = startController(async (request) => {
      seen.push(request);
    });
    h.controller.enqueue(a);
    h.controller.enqueue({ namespace: '', name: 'cluster-wide' });
    await until(() => seen.length === 2);
    await h.stop();
    expect(seen).toEqual([a, { namespace: '', name: 'cluster-wide' }]);
    expect(h.clock.pending()).toEqual([]);
  });

  it('forgets the backoff after a success, so the next failure waits the base delay again', async () => {
    const outcomes = ['fail', 'fail', 'ok', 'fail'];
    const calls: number[] = [];
    const h = startController(async () => {
      calls.push(h.clock.now());
      if (outcomes[calls.length - 1] === 'fail') throw new Error('boom');
    });
    h.controller.enqueue(a);
    await until(() => calls.length === 1);
    expect(await h.clock.waitForSleeps(1)).toEqual([5]);
    await h.clock.fireNext();
    await until(() => calls.length === 2);
    expect(await h.clock.waitForSleeps(1)).toEqual([10]);
    await h.clock.fireNext();
    await until(() => calls.length === 3);
    h.controller.enqueue(a);
    await until(() => calls.length === 4);
    expect(await h.clock.waitForSleeps(1)).toEqual([5]);
    await h.stop();
  });

  it('reconciles again exactly requeueAfterMs later, not before', async () => {
    const calls: number[] = [];
    const h = startController(async (): Promise<ReconcileResult> => {
      calls.push(h.clock.now());
      return calls.length === 1 ? { requeueAfterMs: 250 } : undefined;
    });
    h.controller.enqueue(a);
    await until(() => calls.length === 1);
    expect(await h.clock.waitForSleeps(1)).toEqual([250]);
    await h.clock.advance(249);
    expect(calls).toHaveLength(1);
    await h.clock.advance(1);
    await until(() => calls.length === 2);
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBe(250);
    await h.stop();
  });

  it('retries a throwing reconcile after the limiter delays 5, 10, 20, 40 ms', async () => {
    const calls: number[] = [];
    const h = startController(async () => {
      calls.push(h.clock.now());
      if (calls.length <= 4) throw new Error(`failure ${calls.length}`);
    });
    h.controller.enqueue(a);
    const asked: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await until(() => calls.length === attempt);
      asked.push(...(await h.clock.waitForSleeps(1)));
      await h.clock.fireNext();
    }
    await until(() => calls.length === 5);
    expect(asked).toEqual([5, 10, 20, 40]);
    expect(calls.slice(1).map((t, i) => t - (calls[i] ?? 0))).toEqual([5, 10, 20, 40]);
    expect(h.lines.filter((l) => l.msg === 'Reconciler error')).toHaveLength(4);
    await h.stop();
    expect(h.clock.pending()).toEqual([]);
  });

  it('does not requeue a TerminalError, and logs it', async () => {
    let calls = 0;
    const h = startController(async () => {
      calls++;
      throw new TerminalError('spec is invalid');
    });
    h.controller.enqueue(a);
    await until(() => calls === 1);
    await until(() => h.controller.stats().inFlight === 0);
    expect(h.clock.pending()).toEqual([]);
    await h.clock.advance(60_000);
    expect(calls).toBe(1);
    const logged = h.lines.find((l) => l.msg === 'Reconciler error (terminal: not requeued)');
    expect(logged).toMatchObject({ controller: 'test', key: 'ns/a', level: 50 });
    await h.stop();
  });

  it('survives a reconciler that throws synchronously, and retries it', async () => {
    let calls = 0;
    const throwsAtOnce: Reconciler = () => {
      calls++;
      throw new Error('not even a promise');
    };
    const h = startController(throwsAtOnce);
    h.controller.enqueue(a);
    expect(await h.clock.waitForSleeps(1)).toEqual([5]);
    await h.clock.fireNext();
    await until(() => calls === 2);
    await h.stop();
  });

  it('cancels the reconcile timeout once the reconcile settles', async () => {
    let calls = 0;
    const h = startController(
      async () => {
        calls++;
      },
      { reconcileTimeoutMs: 1000 },
    );
    h.controller.enqueue(a);
    await until(() => calls === 1 && h.controller.stats().inFlight === 0);
    expect(h.clock.pending()).toEqual([]);
    await h.stop();
  });

  it('requeues rate-limited when requeueAfterMs is not positive', async () => {
    let calls = 0;
    const h = startController(async (): Promise<ReconcileResult> => {
      calls++;
      return calls === 1 ? { requeueAfterMs: 0 } : undefined;
    });
    h.controller.enqueue(a);
    expect(await h.clock.waitForSleeps(1)).toEqual([5]);
    await h.clock.fireNext();
    await until(() => calls === 2);
    await h.stop();
  });
});

describe('Controller concurrency', () => {
  it('runs at most maxConcurrentReconciles at once and never the same key twice at once', async () => {
    const gates = new Map<string, Deferred<void>[]>();
    let running = 0;
    let maxRunning = 0;
    const runningKeys = new Set<string>();
    let overlapped = false;
    const order: string[] = [];
    const h = startController(
      async ({ name }) => {
        if (runningKeys.has(name)) overlapped = true;
        runningKeys.add(name);
        running++;
        maxRunning = Math.max(maxRunning, running);
        order.push(name);
        const gate = deferred();
        gates.set(name, [...(gates.get(name) ?? []), gate]);
        await gate.promise;
        running--;
        runningKeys.delete(name);
      },
      { maxConcurrentReconciles: 2 },
    );
    for (const name of ['k1', 'k2', 'k3', 'k4']) h.controller.enqueue({ namespace: 'ns', name });
    await until(() => running === 2);
    h.controller.enqueue({ namespace: 'ns', name: 'k1' }); // k1 is in flight: must wait for its own end
    expect(h.controller.stats()).toMatchObject({ inFlight: 2, queueDepth: 2 });
    const release = (name: string): void => gates.get(name)?.shift()?.resolve();
    release('k1');
    await until(() => order.length === 3);
    release('k2');
    await until(() => order.length === 4);
    release('k3');
    await until(() => order.length === 5);
    expect(order).toEqual(['k1', 'k2', 'k3', 'k4', 'k1']);
    release('k4');
    release('k1');
    await until(() => running === 0);
    expect(maxRunning).toBe(2);
    expect(overlapped).toBe(false);
    await h.stop();
  });

  it('keeps reconciling other keys while one hangs, and aborts the hung one at reconcileTimeoutMs', async () => {
    let hungSignal: AbortSignal | undefined;
    const done: string[] = [];
    const h = startController(
      async ({ name }, { signal }) => {
        if (name === 'a') {
          hungSignal = signal;
          await new Promise<never>(() => {}); // ignores its signal: holds its worker forever
        }
        done.push(name);
      },
      { maxConcurrentReconciles: 2, reconcileTimeoutMs: 1000 },
    );
    h.controller.enqueue(a);
    await until(() => hungSignal !== undefined);
    for (let i = 0; i < 3; i++) h.controller.enqueue({ namespace: 'ns', name: `other-${i}` });
    await until(() => done.length === 3);
    expect(hungSignal?.aborted).toBe(false);
    await h.clock.advance(999);
    expect(hungSignal?.aborted).toBe(false);
    await h.clock.advance(1);
    expect(hungSignal?.aborted).toBe(true);
    expect(hungSignal?.reason).toBeInstanceOf(ReconcileTimeoutError);
    expect(h.controller.stats()).toEqual({ inFlight: 1, oldestInFlightMs: 1000, queueDepth: 0 });
    const stopping = h.stop();
    expect(await h.clock.waitForSleeps(1)).toEqual([30_000]);
    await h.clock.fireNext();
    await stopping; // the hung reconcile does not keep start() from resolving after the grace period
  });

  it('frees the worker of a timed-out reconcile that honours its signal, and retries it', async () => {
    let calls = 0;
    const h = startController(
      ({ name }, { signal }) => {
        calls++;
        if (name !== 'a' || calls > 1) return Promise.resolve();
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
      { reconcileTimeoutMs: 100 },
    );
    h.controller.enqueue(a);
    await until(() => calls === 1);
    h.controller.enqueue(b);
    await h.clock.advance(100);
    await until(() => calls === 2); // b, on the only worker
    expect(await h.clock.waitForSleeps(1)).toEqual([5]); // a's rate-limited retry
    await h.clock.fireNext();
    await until(() => calls === 3);
    await h.stop();
  });
});

describe('Controller shutdown', () => {
  it('calls off in-flight reconciles at once when abortInFlight aborts during the grace period', async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    const controller = new Controller({
      name: 'lost-lease',
      clock,
      logger: capturingLogger().logger,
      reconciler: async (_request, ctx) => {
        signal = ctx.signal;
        await new Promise<never>(() => {});
      },
    });
    const stop = new AbortController();
    const term = new AbortController();
    const running = controller.start(stop.signal, { shutdownTimeoutMs: 30_000, abortInFlight: term.signal });
    controller.enqueue(a);
    await until(() => signal !== undefined);
    stop.abort();
    expect(await clock.waitForSleeps(1)).toEqual([30_000]);
    expect(signal?.aborted).toBe(false);
    term.abort();
    await running;
    expect(signal?.reason).toBeInstanceOf(ControllerShutdownError);
    expect(String(signal?.reason)).toContain('called off');
  });

  it('waits for the in-flight reconcile, without aborting its signal, then resolves', async () => {
    const gate = deferred();
    let context: ReconcileContext | undefined;
    let calls = 0;
    const h = startController(async (_request, ctx) => {
      calls++;
      context = ctx;
      await gate.promise;
    });
    h.controller.enqueue(a);
    await until(() => context !== undefined);
    h.controller.enqueue(b);
    const stopping = h.stop();
    expect(await h.clock.waitForSleeps(1)).toEqual([30_000]); // the grace period
    await h.clock.advance(10_000);
    expect(h.stopped()).toBe(false);
    gate.resolve();
    await stopping;
    expect(context?.signal.aborted).toBe(false);
    expect(calls).toBe(1); // b was not taken after the stop
    expect(h.controller.stats().queueDepth).toBe(1);
  });

  it('aborts in-flight signals once shutdownTimeoutMs has passed and resolves', async () => {
    let signal: AbortSignal | undefined;
    const h = startController(
      async (_request, ctx) => {
        signal = ctx.signal;
        await new Promise<never>(() => {});
      },
      {},
      500,
    );
    h.controller.enqueue(a);
    await until(() => signal !== undefined);
    const stopping = h.stop();
    expect(await h.clock.waitForSleeps(1)).toEqual([500]);
    await h.clock.advance(499);
    expect(h.stopped()).toBe(false);
    await h.clock.advance(1);
    await stopping;
    expect(signal?.reason).toBeInstanceOf(ControllerShutdownError);
  });

  it('keeps keys enqueued while stopped and reconciles them on the next start', async () => {
    const seen: string[] = [];
    const h = startController(async ({ name }) => {
      seen.push(name);
    });
    await h.stop();
    h.controller.enqueue(a);
    const again = new AbortController();
    const running = h.controller.start(again.signal);
    await until(() => seen.length === 1);
    await expect(h.controller.start(again.signal)).rejects.toBeInstanceOf(ControllerStateError);
    again.abort();
    await running;
    expect(seen).toEqual(['a']);
  });
});

describe('Controller context and options', () => {
  it('gives each reconcile a logger bound to controller, key and a unique reconcileId', async () => {
    const ids: string[] = [];
    const h = startController(async ({ name }, { logger, reconcileId }) => {
      ids.push(reconcileId);
      logger.info({ name }, 'hello');
    });
    h.controller.enqueue(a);
    await until(() => ids.length === 1);
    h.controller.enqueue(a);
    await until(() => ids.length === 2);
    await h.stop();
    const hellos = h.lines.filter((l) => l.msg === 'hello');
    expect(hellos.map((l) => [l.controller, l.key, l.reconcileId])).toEqual([
      ['test', 'ns/a', ids[0]],
      ['test', 'ns/a', ids[1]],
    ]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('reports the age of the oldest in-flight reconcile', async () => {
    const gates = [deferred(), deferred()];
    let started = 0;
    const h = startController(
      async () => {
        const gate = gates[started++];
        await gate?.promise;
      },
      { maxConcurrentReconciles: 2 },
    );
    expect(h.controller.stats()).toEqual({ inFlight: 0, oldestInFlightMs: 0, queueDepth: 0 });
    h.controller.enqueue(a);
    await until(() => started === 1);
    await h.clock.advance(300);
    h.controller.enqueue(b);
    await until(() => started === 2);
    await h.clock.advance(200);
    expect(h.controller.stats()).toEqual({ inFlight: 2, oldestInFlightMs: 500, queueDepth: 0 });
    gates[0]?.resolve();
    await until(() => h.controller.stats().inFlight === 1);
    expect(h.controller.stats().oldestInFlightMs).toBe(200);
    gates[1]?.resolve();
    await h.stop();
  });

  it('rejects a missing name, a worker count below 1 and a non-positive timeout', () => {
    const reconciler = async (): Promise<void> => {};
    expect(() => new Controller({ name: '', reconciler })).toThrow(ControllerOptionsError);
    expect(() => new Controller({ name: 'x', reconciler, maxConcurrentReconciles: 0 })).toThrow(ControllerOptionsError);
    expect(() => new Controller({ name: 'x', reconciler, maxConcurrentReconciles: 1.5 })).toThrow(
      ControllerOptionsError,
    );
    expect(() => new Controller({ name: 'x', reconciler, reconcileTimeoutMs: 0 })).toThrow(ControllerOptionsError);
  });
});
