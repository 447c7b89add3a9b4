import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../src/client/rest/auth/single-flight.js';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('shares one running operation among concurrent callers', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let starts = 0;
    const run = () => {
      starts++;
      return gate.promise;
    };
    const results = [flight.do(run), flight.do(run), flight.do(run)];
    gate.resolve(7);
    expect(await Promise.all(results)).toEqual([7, 7, 7]);
    expect(starts).toBe(1);
  });

  it('starts a new operation once the previous one settled, even after a failure', async () => {
    const flight = new SingleFlight<number>();
    await expect(flight.do(() => Promise.reject(new Error('first')))).rejects.toThrow('first');
    expect(await flight.do(() => Promise.resolve(2))).toBe(2);
  });

  it('lets one caller abandon its wait without cancelling the others', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    const controller = new AbortController();
    const abandoned = flight.do(() => gate.promise, controller.signal);
    const kept = flight.do(() => gate.promise);
    controller.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    gate.resolve('done');
    expect(await kept).toBe('done');
  });

  it('aborts the operation and frees the slot once every caller abandoned it, and only then', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let operationSignal: AbortSignal | undefined;
    const first = new AbortController();
    const second = new AbortController();
    const run = (signal: AbortSignal) => {
      operationSignal = signal;
      return gate.promise;
    };
    const waits = [flight.do(run, first.signal), flight.do(run, second.signal)];
    first.abort(new Error('first'));
    await expect(waits[0]).rejects.toThrow('first');
    expect(operationSignal?.aborted).toBe(false);
    second.abort(new Error('second'));
    await expect(waits[1]).rejects.toThrow('second');
    expect(operationSignal?.aborted).toBe(true);
    expect(await flight.do(() => Promise.resolve('next'))).toBe('next');
    gate.reject(new Error('the abandoned operation failed late'));
  });

  it('never aborts an operation a caller without a signal waits for', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let operationSignal: AbortSignal | undefined;
    const caller = new AbortController();
    const run = (signal: AbortSignal) => {
      operationSignal = signal;
      return gate.promise;
    };
    const kept = flight.do(run);
    const abandoned = flight.do(run, caller.signal);
    caller.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    expect(operationSignal?.aborted).toBe(false);
    gate.resolve('done');
    expect(await kept).toBe('done');
  });
});
