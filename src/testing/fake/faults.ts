/** Arms the faults a test injects into the fake API server: latency, failing answers, conflicts, dropped watches. */
import type { FaultState } from './context.js';
import type { FakeDispatcher } from './dispatcher.js';
import { ApiFailure, failure } from './status.js';

/** The verbs a failure fault may be limited to. */
export type FakeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What `failNext` answers with. */
export interface FailureFault {
  /** 429 or a 5xx. */
  readonly code: 429 | 500 | 502 | 503 | 504;
  /** Sent as Retry-After: kubeloop's client waits that long and retries (client-go's behaviour). */
  readonly retryAfterSeconds?: number;
  /** Only requests of these verbs fail; all verbs when absent. */
  readonly verbs?: readonly FakeVerb[];
}

/**
 * Faults of one fake API server.
 *
 * Guarantees: each armed count is consumed by exactly that many matching requests, in arrival order; `reset()`
 * disarms everything; faults never apply to the server's own background work (garbage collection, CRDs).
 */
export interface FakeFaults {
  /** Delays every answer by `ms` (0 turns it off). */
  latency(ms: number): void;
  /** The next `count` matching requests fail with `fault.code` and a Status shaped like the apiserver's. */
  failNext(count: number, fault: FailureFault): void;
  /** The next `count` writes (create, update, patch, delete) fail with 409 Conflict. */
  conflictNext(count: number): void;
  /** Ends every open watch: cleanly (as an apiserver timeout) or, with `error`, as a dropped connection. */
  dropWatches(options?: { readonly error?: boolean }): void;
  /** Clears every armed fault and the latency. */
  reset(): void;
}

const messages: Readonly<Record<number, [string, string]>> = {
  429: ['TooManyRequests', 'Too many requests, please try again later.'],
  500: ['InternalError', 'Internal error occurred: injected by the fake API server'],
  502: ['', 'injected by the fake API server: bad gateway'],
  503: ['ServiceUnavailable', 'The server is currently unable to handle the request (injected by the fake API server)'],
  504: ['Timeout', 'The server was unable to return a response in the time allotted (injected by the fake API server)'],
};

export function createFaults(state: FaultState, dispatcher: FakeDispatcher): FakeFaults {
  return {
    latency(ms) {
      state.latencyMs = Math.max(0, ms);
    },
    failNext(count, fault) {
      state.failures.push({
        count,
        code: fault.code,
        ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }),
        verbs: new Set(fault.verbs ?? []),
      });
    },
    conflictNext(count) {
      state.conflicts += count;
    },
    dropWatches(options) {
      if (options?.error) void dispatcher.destroy();
      else void dispatcher.close();
    },
    reset() {
      state.latencyMs = 0;
      state.failures.length = 0;
      state.conflicts = 0;
    },
  };
}

/** The armed failure for a request of `verb`, consumed; undefined when none applies. */
export function takeFailure(state: FaultState, verb: string): Error | undefined {
  const armed = state.failures.find((f) => f.count > 0 && (f.verbs.size === 0 || f.verbs.has(verb)));
  if (!armed) return undefined;
  armed.count -= 1;
  const [reason, message] = messages[armed.code] ?? ['', 'injected by the fake API server'];
  const headers = armed.retryAfterSeconds === undefined ? {} : { 'retry-after': String(armed.retryAfterSeconds) };
  const details = armed.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: armed.retryAfterSeconds };
  return new ApiFailure(failure(armed.code, reason, message, details).status, headers);
}
