// Runs a Controller on a FakeClock in unit tests: deferred reconciles, waiting for conditions, captured logs.
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { Controller, type ControllerOptions } from '../../../../src/controller/controller.js';
import type { Reconciler } from '../../../../src/controller/reconciler.js';
import { newItemExponentialFailureRateLimiter } from '../../../../src/controller/workqueue/index.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

/** A promise with its resolve and reject exposed. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the event loop turn until `condition` holds; fails after `maxTurns` turns. */
export async function until(condition: () => boolean, maxTurns = 1000): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn >= maxTurns) throw new Error('condition never became true');
    await settle();
  }
}

/** A logger writing JSON lines into `lines`. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** A started controller on a fake clock with a 5 ms · 2^n (max 1 s) limiter, stopped when `stop` is called. */
export interface Harness {
  readonly clock: FakeClock;
  readonly controller: Controller;
  readonly lines: Record<string, unknown>[];
  /** Aborts start's signal and resolves when start resolved. */
  stop(): Promise<void>;
  /** Whether start has resolved. */
  stopped(): boolean;
}

export function startController(
  reconciler: Reconciler,
  options: Partial<ControllerOptions> = {},
  shutdownTimeoutMs = 30_000,
): Harness {
  const clock = new FakeClock();
  const { logger, lines } = capturingLogger();
  const controller = new Controller({
    name: 'test',
    reconciler,
    clock,
    logger,
    rateLimiter: newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 1000 }),
    ...options,
  });
  const abort = new AbortController();
  let done = false;
  const running = controller.start(abort.signal, { shutdownTimeoutMs }).then(() => {
    done = true;
  });
  return {
    clock,
    controller,
    lines,
    stop: () => {
      abort.abort();
      return running;
    },
    stopped: () => done,
  };
}
