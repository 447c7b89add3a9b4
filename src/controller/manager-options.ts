/** Declares a Manager's options, their defaults and the checks that reject impossible ones. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../client/rest/clock.js';
import type { RestConfig } from '../client/rest/config.js';
import { ManagerOptionsError } from './manager-errors.js';
import type { ShardingOptions } from './sharding/options.js';

/** Leader election among a manager's replicas, on one coordination.k8s.io Lease. */
export interface ManagerLeaderElectionOptions {
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** Name of the Lease, shared by every replica. */
  readonly name: string;
  /** This replica's identity; defaults to `<hostname>_<random UUID>` (unique even for two managers in one process). */
  readonly identity?: string | undefined;
  /** Defaults to 15 s (SEMANTICS G). */
  readonly leaseDurationMs?: number | undefined;
  /** Defaults to 10 s. */
  readonly renewDeadlineMs?: number | undefined;
  /** Defaults to 2 s. */
  readonly retryPeriodMs?: number | undefined;
  /** Release the Lease on a graceful stop so another replica takes over at once; defaults to false (client-go). */
  readonly releaseOnCancel?: boolean | undefined;
}

/** Where the probe server listens. */
export interface HealthProbeOptions {
  /** 0 picks a free port; read `Manager.healthAddress` after start. */
  readonly port: number;
  /** Defaults to 127.0.0.1: probes and metrics are not exposed beyond the host unless asked (in a pod, `0.0.0.0`). */
  readonly host?: string | undefined;
}

/** Read-your-writes for the manager's controllers; see {@link ManagerOptions.readYourWrites}. */
export interface ReadYourWritesOptions {
  /**
   * How long after a write the key's next reconcile may wait for the caches to observe it; defaults to 10 s. A
   * healthy watch delivers a write in milliseconds, so the wait is normally that short; 10 s covers a loaded
   * apiserver, and past it the reconcile goes ahead (with a warning) rather than hold its worker longer.
   */
  readonly timeoutMs?: number | undefined;
}

/** Options of {@link newManager}. */
export interface ManagerOptions {
  /** Every client the manager builds (informers, leases) uses it. */
  readonly config: RestConfig;
  /** Scopes every informer of the manager's factory to one namespace; absent = all namespaces. */
  readonly namespace?: string | undefined;
  /** Run the controllers only while leading; absent = always run them. */
  readonly leaderElection?: ManagerLeaderElectionOptions | undefined;
  /**
   * Make this manager one shard of a ring (docs/sharding.md): its informers of the sharded resources see only this
   * shard's objects, and it runs its controllers while it holds its own membership Lease (so not together with
   * `leaderElection`). Absent = not sharded.
   */
  readonly sharding?: ShardingOptions | undefined;
  /** Serve /healthz, /readyz and /metrics; absent = no server. */
  readonly healthProbe?: HealthProbeOptions | undefined;
  /** How long `start` waits for caches to sync before failing; defaults to 2 min (controller-runtime's value). */
  readonly cacheSyncTimeoutMs?: number | undefined;
  /**
   * How long in-flight reconciles may run on after a stop before their signals abort; defaults to 30 s
   * (controller-runtime's value, and the kubelet's default termination grace period).
   */
  readonly gracefulShutdownTimeoutMs?: number | undefined;
  /**
   * /healthz fails when a watch has made no progress (no list, event or bookmark) for longer; defaults to 5 min.
   * The apiserver sends a bookmark about every minute on a quiet watch and each watch is re-opened within
   * 5–10 min, so 5 silent minutes means several missed bookmarks: a stalled connection, not a quiet resource.
   */
  readonly watchStallTimeoutMs?: number | undefined;
  /**
   * A watch silent (no event, no bookmark) this long is presumed dead and replaced, with a warning naming the
   * resource when it had missed changes; defaults to 60 s; 0 = off. Passed to every informer of the manager's
   * factory (SharedIndexInformerOptions.deadWatchTimeoutMs).
   */
  readonly deadWatchTimeoutMs?: number | undefined;
  /**
   * /healthz fails when one reconcile has run for longer; defaults to 10 min: far beyond any sane reconcile (they
   * take milliseconds to seconds), so a worker that old is hung and a restart is the cure. `Infinity` disables it.
   */
  readonly workerStuckTimeoutMs?: number | undefined;
  /**
   * After a reconcile writes objects through the manager's clients (clientSet, or anything on its RESTClient), the
   * key's next reconcile waits until every informer of the manager's factory watching the written resource observed
   * that resourceVersion or newer (or the deletion). On by default: it costs nothing to reconciles that do not
   * write, and a reconcile that does is saved from acting on the state it just replaced (duplicate creates,
   * conflicts, lost counts). `false` turns it off; one controller can opt out with `withOptions({ readYourWrites:
   * false })`.
   */
  readonly readYourWrites?: ReadYourWritesOptions | false | undefined;
  /** Drop `metadata.managedFields` from cached objects (they are often half an object's size); defaults to true. */
  readonly stripManagedFields?: boolean | undefined;
  /** Defaults to a redacting logger at `info`. */
  readonly logger?: Logger | undefined;
  /** Where the manager's and its controllers' metrics go; defaults to a new registry (never the global one). */
  readonly metricsRegistry?: Registry | undefined;
  /**
   * Stop gracefully on SIGTERM/SIGINT (a second signal exits at once); defaults to false: a library leaves the
   * process's signals to the program.
   */
  readonly handleSignals?: boolean | undefined;
  /** Defaults to the real clock; tests pass a fake one. */
  readonly clock?: Clock | undefined;
}

/** The checked durations of ManagerOptions with their defaults applied. */
export interface ManagerTimings {
  readonly cacheSyncTimeoutMs: number;
  readonly gracefulShutdownTimeoutMs: number;
  readonly watchStallTimeoutMs: number;
  readonly workerStuckTimeoutMs: number;
  /** 0 when read-your-writes is off. */
  readonly readYourWritesTimeoutMs: number;
}

/** Applies the timing defaults; throws ManagerOptionsError for anything a manager cannot honour. */
export function resolveManagerTimings(options: ManagerOptions): ManagerTimings {
  if (typeof options?.config !== 'object' || options.config === null) {
    throw new ManagerOptionsError('config must be a RestConfig');
  }
  const timings: ManagerTimings = {
    cacheSyncTimeoutMs: options.cacheSyncTimeoutMs ?? 2 * 60_000,
    gracefulShutdownTimeoutMs: options.gracefulShutdownTimeoutMs ?? 30_000,
    watchStallTimeoutMs: options.watchStallTimeoutMs ?? 5 * 60_000,
    workerStuckTimeoutMs: options.workerStuckTimeoutMs ?? 10 * 60_000,
    readYourWritesTimeoutMs: options.readYourWrites === false ? 0 : (options.readYourWrites?.timeoutMs ?? 10_000),
  };
  for (const [key, value] of Object.entries(timings)) {
    if (key === 'readYourWritesTimeoutMs' && options.readYourWrites === false) continue;
    const allowsZero = key === 'gracefulShutdownTimeoutMs';
    const allowsInfinity = key === 'watchStallTimeoutMs' || key === 'workerStuckTimeoutMs';
    const ok =
      typeof value === 'number' &&
      (allowsZero ? value >= 0 : value > 0) &&
      (Number.isFinite(value) || (allowsInfinity && value === Number.POSITIVE_INFINITY));
    const label = key === 'readYourWritesTimeoutMs' ? 'readYourWrites.timeoutMs' : key;
    if (!ok) throw new ManagerOptionsError(`${label} must be a number ${allowsZero ? '>=' : '>'} 0, got ${value}`);
  }
  checkHealthProbe(options.healthProbe);
  checkLeaderElection(options.leaderElection);
  if (options.sharding !== undefined && options.leaderElection !== undefined) {
    throw new ManagerOptionsError('sharding and leaderElection exclude each other: every shard runs its controllers');
  }
  return timings;
}

function checkHealthProbe(probe: HealthProbeOptions | undefined): void {
  if (probe === undefined) return;
  if (!(Number.isInteger(probe.port) && probe.port >= 0 && probe.port <= 65_535)) {
    throw new ManagerOptionsError(`healthProbe.port must be an integer in 0..65535, got ${probe.port}`);
  }
  if (probe.host !== undefined && (typeof probe.host !== 'string' || probe.host === '')) {
    throw new ManagerOptionsError('healthProbe.host must be a non-empty string');
  }
}

function checkLeaderElection(election: ManagerLeaderElectionOptions | undefined): void {
  if (election === undefined) return;
  for (const key of ['namespace', 'name'] as const) {
    if (typeof election[key] !== 'string' || election[key] === '') {
      throw new ManagerOptionsError(`leaderElection.${key} must be a non-empty string`);
    }
  }
  if (election.identity !== undefined && (typeof election.identity !== 'string' || election.identity === '')) {
    throw new ManagerOptionsError('leaderElection.identity must be a non-empty string when given');
  }
}
