import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/client/rest/status-error.js';
import {
  BackoffOptionsError,
  defaultBackoff,
  onError,
  retryOnConflict,
} from '../../../../src/controller/retry-on-conflict.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

function statusError(code: number, reason: string): StatusError {
  return new StatusError({ kind: 'Status', status: 'Failure', code, reason }, { verb: 'PUT', path: '/api/v1/x' });
}
const conflict = () => statusError(409, 'Conflict');

/** An operation failing with the scripted errors in turn, then resolving `'ok'`; records the time of each call. */
function scripted(clock: FakeClock, errors: unknown[]): { fn: () => Promise<string>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    fn: async () => {
      calls.push(clock.now());
      const error = errors[calls.length - 1];
      if (error !== undefined) throw error;
      return 'ok';
    },
  };
}

/** Fires the clock's sleeps as they come until `promise` settles; returns its outcome. */
async function runOut<T>(clock: FakeClock, promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  while (outcome === undefined) {
    await settle();
    if (outcome === undefined && clock.pending().length > 0) await clock.fireNext();
  }
  return outcome;
}

describe('retryOnConflict', () => {
  it('calls again after each conflict, 10 ms apart plus jitter, and resolves with the first success', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = scripted(clock, [conflict(), conflict()]);
    const outcome = await runOut(clock, retryOnConflict(fn, { clock, random: () => 0.5 }));
    expect(outcome.value).toBe('ok');
    expect(clock.sleeps).toEqual([10.5, 10.5]);
    expect(calls).toEqual([0, 10.5, 21]);
  });

  it('gives up after the 5 attempts of DefaultRetry and rejects with the last conflict', async () => {
    const clock = new FakeClock(0);
    const errors = [conflict(), conflict(), conflict(), conflict(), conflict(), conflict()];
    const { fn, calls } = scripted(clock, errors);
    const outcome = await runOut(clock, retryOnConflict(fn, { clock, random: () => 0 }));
    expect(calls).toHaveLength(5);
    expect(clock.sleeps).toEqual([10, 10, 10, 10]);
    expect(outcome.error).toBe(errors[4]);
  });

  it('keeps each jittered wait within [duration, duration × 1.1)', async () => {
    const clock = new FakeClock(0);
    const { fn } = scripted(clock, [conflict(), conflict(), conflict(), conflict(), conflict()]);
    await runOut(clock, retryOnConflict(fn, { clock }));
    expect(clock.sleeps).toHaveLength(4);
    for (const wait of clock.sleeps) {
      expect(wait).toBeGreaterThanOrEqual(10);
      expect(wait).toBeLessThan(11);
    }
  });

  it('rejects at once, after one call and no wait, with an error that is not a conflict', async () => {
    const clock = new FakeClock(0);
    const notFound = statusError(404, 'NotFound');
    const { fn, calls } = scripted(clock, [notFound]);
    const outcome = await runOut(clock, retryOnConflict(fn, { clock }));
    expect(outcome.error).toBe(notFound);
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits 10, 50 and 250 ms under DefaultBackoff, then rejects after its 4 attempts', async () => {
    const clock = new FakeClock(0);
    const { fn, calls } = scripted(clock, [conflict(), conflict(), conflict(), conflict()]);
    const outcome = await runOut(clock, retryOnConflict(fn, { clock, backoff: defaultBackoff, random: () => 0 }));
    expect(clock.sleeps).toEqual([10, 50, 250]);
    expect(calls).toEqual([0, 10, 60, 310]);
    expect(outcome.error).toBeInstanceOf(StatusError);
  });

  it('stops waiting when the signal aborts and starts no further call', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const { fn, calls } = scripted(clock, [conflict(), conflict()]);
    const promise = retryOnConflict(fn, { clock, signal: controller.signal });
    await clock.waitForSleeps(1);
    controller.abort(new Error('shutting down'));
    await expect(promise).rejects.toThrow('shutting down');
    expect(calls).toHaveLength(1);
  });

  it('rejects a backoff without steps before calling', async () => {
    const { fn, calls } = scripted(new FakeClock(0), []);
    const backoff = { steps: 0, durationMs: 10, factor: 1, jitter: 0 };
    await expect(retryOnConflict(fn, { backoff })).rejects.toBeInstanceOf(BackoffOptionsError);
    expect(calls).toHaveLength(0);
  });
});

describe('onError', () => {
  it('retries exactly the errors its predicate accepts, under the given backoff', async () => {
    const clock = new FakeClock(0);
    const busy = statusError(503, 'ServiceUnavailable');
    const { fn, calls } = scripted(clock, [busy, busy]);
    const backoff = { steps: 3, durationMs: 100, factor: 2, jitter: 0 };
    const isBusy = (error: unknown) => error instanceof StatusError && error.statusCode === 503;
    const outcome = await runOut(clock, onError(isBusy, fn, { clock, backoff }));
    expect(outcome.value).toBe('ok');
    expect(calls).toEqual([0, 100, 300]);
  });
});
