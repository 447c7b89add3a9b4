/** Judges a manager's liveness (watches progressing, workers not stuck) and readiness (caches synced, running). */

/** What liveness needs of an informer; SharedIndexInformer satisfies it. Guarantees: only read, never changed. */
export interface WatchProgressSource {
  readonly name: string;
  /** Clock ms of the watch's last list, event or bookmark; undefined before the first. */
  lastWatchProgressAt(): number | undefined;
  /** True once the informer stopped for good (a crash, while the manager still runs). */
  isStopped(): boolean;
}

/** What liveness needs of a controller; Controller satisfies it. Guarantees: only read, never changed. */
export interface WorkerStatsSource {
  readonly name: string;
  stats(): { readonly oldestInFlightMs: number };
}

/** The outcome of a probe: healthy, or each failure as one human-readable line. Guarantees: `ok` iff no failure. */
export interface ProbeResult {
  readonly ok: boolean;
  /** One line per failed check, naming the informer or controller; empty when `ok`. */
  readonly failures: readonly string[];
}

/** Inputs of {@link checkLiveness}. */
export interface LivenessInput {
  /** Clock ms now. */
  readonly now: number;
  /** Clock ms when the informers were started: a watch that never made progress is judged from then. */
  readonly watchesStartedAt: number;
  readonly informers: Iterable<WatchProgressSource>;
  readonly controllers: Iterable<WorkerStatsSource>;
  /** A watch silent for longer than this (no list, event or bookmark) is stalled. */
  readonly watchStallTimeoutMs: number;
  /** A reconcile running for longer than this means its worker is stuck. */
  readonly workerStuckTimeoutMs: number;
}

/**
 * Fails when some informer stopped, or its watch made no progress for longer than `watchStallTimeoutMs`, or some
 * controller's oldest in-flight reconcile has run for longer than `workerStuckTimeoutMs`; each failure is its own
 * line. Call it only while the manager runs: informers stop normally during a shutdown.
 */
export function checkLiveness(input: LivenessInput): ProbeResult {
  const failures: string[] = [];
  const stallLimit = seconds(input.watchStallTimeoutMs);
  for (const informer of input.informers) {
    if (informer.isStopped()) {
      failures.push(`watch ${informer.name}: the informer has stopped`);
      continue;
    }
    const silentMs = input.now - (informer.lastWatchProgressAt() ?? input.watchesStartedAt);
    if (silentMs > input.watchStallTimeoutMs) {
      failures.push(`watch ${informer.name}: no event or bookmark for ${seconds(silentMs)} (limit ${stallLimit})`);
    }
  }
  const stuckLimit = seconds(input.workerStuckTimeoutMs);
  for (const controller of input.controllers) {
    const runningMs = controller.stats().oldestInFlightMs;
    if (runningMs > input.workerStuckTimeoutMs) {
      failures.push(
        `controller ${controller.name}: a reconcile has run for ${seconds(runningMs)} (limit ${stuckLimit})`,
      );
    }
  }
  return { ok: failures.length === 0, failures };
}

/** Where a manager is in its life; only `running`, `leading` and `standby` are ready. */
export type ManagerPhase = 'idle' | 'syncing' | 'running' | 'leading' | 'standby' | 'stopping' | 'stopped';

const notReady: Readonly<Record<ManagerPhase, string | undefined>> = {
  idle: 'the manager has not started',
  syncing: 'caches are syncing',
  running: undefined,
  leading: undefined,
  standby: undefined,
  stopping: 'the manager is shutting down',
  stopped: 'the manager has stopped',
};

/**
 * Ready once caches synced and the controllers run, or stand by as a non-leader (a standby replica can take over
 * at once, so it counts as ready, as in controller-runtime); not ready while syncing (naming the informers not
 * synced yet, `unsynced`) or shutting down.
 */
export function checkReadiness(phase: ManagerPhase, unsynced: readonly string[] = []): ProbeResult {
  const reason = notReady[phase];
  if (reason === undefined) return { ok: true, failures: [] };
  const detail = phase === 'syncing' && unsynced.length > 0 ? `: ${unsynced.join(', ')}` : '';
  return { ok: false, failures: [`${reason}${detail}`] };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A custom probe check (controller-runtime's healthz.Checker): returning or resolving passes; throwing or rejecting
 * fails, and the error's message appears in the probe's body. Checks run on each probe request: keep them fast.
 */
export type HealthCheck = () => void | Promise<void>;

/** Runs every check at once; one failure line `check <name>: <message>` per failing check, in insertion order. */
export async function runHealthChecks(checks: ReadonlyMap<string, HealthCheck>): Promise<string[]> {
  const results = await Promise.all(
    [...checks].map(async ([name, check]) => {
      try {
        await check();
        return undefined;
      } catch (error) {
        return `check ${name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  return results.filter((line) => line !== undefined);
}

/** `result` with `failures` added to it. */
export function withFailures(result: ProbeResult, failures: readonly string[]): ProbeResult {
  if (failures.length === 0) return result;
  return { ok: false, failures: [...result.failures, ...failures] };
}
