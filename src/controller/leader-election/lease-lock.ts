/** Stores a leader election record in a coordination.k8s.io/v1 Lease, with optimistic concurrency. */
import type { Lease, LeaseSpec } from '../../client/kubernetes/coordination-v1/types.js';
import { LeaderElectionOptionsError, LeaseNotReadError } from './errors.js';

/** What the elector reads and writes: the fields of a Lease's spec that leader election uses. */
export interface LeaderElectionRecord {
  /** Who holds the lease; `''` when nobody does (a released lease). */
  readonly holderIdentity: string;
  /** How long, from when a candidate last saw this record change, the holder's claim lasts. */
  readonly leaseDurationSeconds: number;
  /** When the holder acquired the lease, as the holder's clock read it (informational only). */
  readonly acquireTime?: string | undefined;
  /** When the holder last renewed, as the holder's clock read it (informational only: expiry never uses it). */
  readonly renewTime?: string | undefined;
  /** How many times the lease changed holders. */
  readonly leaderTransitions: number;
}

/** The request options the lock passes: only a signal. */
export interface LeaseRequestOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * The three Lease verbs the lock needs; `ClientSet.forConfig(config).coordinationV1().leases(namespace)`
 * satisfies it.
 */
export interface LeaseClient {
  /** Reads the Lease; rejects with a NotFound StatusError when it does not exist. */
  get(name: string, options: LeaseRequestOptions): Promise<Lease>;
  /** Creates the Lease; rejects with an AlreadyExists StatusError when another candidate did first. */
  create(lease: Lease, options: LeaseRequestOptions): Promise<Lease>;
  /** Replaces the Lease; a stale `metadata.resourceVersion` must reject with a Conflict. */
  update(lease: Lease, options: LeaseRequestOptions): Promise<Lease>;
}

/** Options of LeaseLock. */
export interface LeaseLockOptions {
  /** The leases client of `namespace`. */
  readonly client: LeaseClient;
  readonly namespace: string;
  /** The Lease's name: every candidate of one election uses the same one. */
  readonly name: string;
  /** This candidate's identity, unique among the candidates (e.g. pod name + a random suffix). */
  readonly identity: string;
}

/**
 * A resource lock on one Lease (client-go's resourcelock.LeaseLock).
 *
 * Guarantees: `update` writes with the resourceVersion of the Lease this lock last read or wrote, so it rejects
 * with a Conflict if anyone changed the Lease since; `update` before any successful `get` or `create` throws
 * {@link LeaseNotReadError} without a request. A lock belongs to one elector: it is not meant for concurrent use.
 * Request errors reject unchanged (`StatusError`), so `isNotFound`/`isConflict` apply.
 */
export class LeaseLock {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly #client: LeaseClient;
  /** The Lease as last read or written; its resourceVersion guards the next update. */
  #lease: Lease | undefined;

  constructor(options: LeaseLockOptions) {
    for (const key of ['namespace', 'name', 'identity'] as const) {
      if (options[key] === '') throw new LeaderElectionOptionsError(`lock.${key} must not be empty`);
    }
    this.#client = options.client;
    this.namespace = options.namespace;
    this.name = options.name;
    this.identity = options.identity;
  }

  /** Reads the Lease's record; rejects with the client's NotFound when there is no Lease. */
  async get(signal?: AbortSignal): Promise<LeaderElectionRecord> {
    this.#lease = await this.#client.get(this.name, { signal });
    return recordFromLeaseSpec(this.#lease.spec ?? {});
  }

  /** Creates the Lease holding `record`; rejects with AlreadyExists when another candidate created it first. */
  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace: this.namespace, name: this.name },
      spec: leaseSpecFromRecord(record),
    };
    this.#lease = await this.#client.create(lease, { signal });
  }

  /** Replaces the record in the Lease last seen; rejects with a Conflict when the Lease changed since. */
  async update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    if (this.#lease === undefined) {
      throw new LeaseNotReadError(`lease ${this.describe()} must be read or created before it is updated`);
    }
    this.#lease = await this.#client.update({ ...this.#lease, spec: leaseSpecFromRecord(record) }, { signal });
  }

  /** `namespace/name`, for logs. */
  describe(): string {
    return `${this.namespace}/${this.name}`;
  }
}

/** The election record a Lease spec holds; absent fields read as no holder, zero duration, zero transitions. */
export function recordFromLeaseSpec(spec: LeaseSpec): LeaderElectionRecord {
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime,
    renewTime: spec.renewTime,
    leaderTransitions: spec.leaseTransitions ?? 0,
  };
}

/** The Lease spec holding `record`; it replaces the whole spec, as client-go does. */
export function leaseSpecFromRecord(record: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaderTransitions,
  };
  if (record.acquireTime !== undefined) spec.acquireTime = record.acquireTime;
  if (record.renewTime !== undefined) spec.renewTime = record.renewTime;
  return spec;
}

/** Formats epoch milliseconds as a MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function formatMicroTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.min(999, Math.floor((epochMs - whole) * 1000));
  return new Date(whole).toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`);
}
