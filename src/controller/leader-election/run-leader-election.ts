/** Keeps a candidate in the election after it loses the lease, until its signal aborts. */
import type { LeaderElector } from './leader-elector.js';

/**
 * Runs terms of `elector` until `signal` aborts: after losing the lease it campaigns again at once, in the same
 * process (issue 5: losing the lease stops the leader's work, it does not exit). Each term calls the elector's
 * callbacks as `LeaderElector.run` describes. Resolves once `signal` aborted and the last term is over; rejects
 * with LeaderElectorBusyError if the elector is already running.
 *
 * @example
 * ```ts
 * const leases = ClientSet.forConfig(config).coordinationV1().leases('kube-system');
 * const lock = new LeaseLock({ client: leases, namespace: 'kube-system', name: 'my-operator', identity: podName });
 * const elector = new LeaderElector({
 *   lock,
 *   releaseOnCancel: true,
 *   callbacks: { onStartedLeading: (signal) => manager.run(signal) },
 * });
 * await runLeaderElection(elector, shutdownSignal);
 * ```
 */
export async function runLeaderElection(elector: LeaderElector, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) await elector.run(signal);
}
