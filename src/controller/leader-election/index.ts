/** Re-exports leader election: the elector, its Lease lock, options and errors. */
export {
  LeaderElectionOptionsError,
  LeaderElectorBusyError,
  LeadershipLostError,
  LeaseNotReadError,
} from './errors.js';
export { LeaderElector } from './leader-elector.js';
export type { LeaderElectionRecord, LeaseClient, LeaseLockOptions, LeaseRequestOptions } from './lease-lock.js';
export { formatMicroTime, LeaseLock } from './lease-lock.js';
export type { LeaderCallbacks, LeaderElectorOptions } from './options.js';
export { runLeaderElection } from './run-leader-election.js';
