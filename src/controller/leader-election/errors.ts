/** Defines the errors leader election throws: impossible options, and a lock written before it was read. */
import { KubeloopError } from '../../errors.js';

/**
 * Thrown by `new LeaderElector` or `new LeaseLock` given timings or a lock that cannot give the election's
 * guarantees (a renew deadline not shorter than the lease, an empty identity, …).
 *
 * Guarantees: thrown only at construction, never by a running elector; `message` names the option and the rule.
 */
export class LeaderElectionOptionsError extends KubeloopError<'LEADER_ELECTION_OPTIONS'> {
  readonly code = 'LEADER_ELECTION_OPTIONS';
}

/**
 * Thrown by `LeaseLock.update` before any `get` or `create` succeeded: an update needs the resourceVersion of a
 * Lease this lock has seen, or it could overwrite a holder it never observed.
 *
 * Guarantees: thrown before any request is sent.
 */
export class LeaseNotReadError extends KubeloopError<'LEASE_NOT_READ'> {
  readonly code = 'LEASE_NOT_READ';
}

/**
 * Rejects `LeaderElector.run` called while another run of the same elector is in progress: one elector
 * campaigns for one term at a time.
 *
 * Guarantees: the run already in progress is not affected.
 */
export class LeaderElectorBusyError extends KubeloopError<'LEADER_ELECTOR_BUSY'> {
  readonly code = 'LEADER_ELECTOR_BUSY';
}

/**
 * The abort reason of a term's signal when the leader could not renew its lease (or saw another holder take it);
 * when the run's own signal aborted, the term's reason is that signal's reason instead.
 *
 * Guarantees: never thrown; only carried by `AbortSignal.reason`.
 */
export class LeadershipLostError extends KubeloopError<'LEADERSHIP_LOST'> {
  readonly code = 'LEADERSHIP_LOST';
}
