// An in-memory Lease endpoint with the apiserver's optimistic concurrency, whose failures a test scripts.
import type { Lease, LeaseSpec } from '../../../../src/client/kubernetes/coordination-v1/types.js';
import type { Clock } from '../../../../src/client/rest/clock.js';
import { StatusError } from '../../../../src/client/rest/status-error.js';
import type { LeaseClient, LeaseRequestOptions } from '../../../../src/controller/leader-election/lease-lock.js';

type Verb = 'get' | 'create' | 'update';

function statusError(code: number, reason: string, verb: string): StatusError {
  return new StatusError(
    { kind: 'Status', status: 'Failure', code, reason, message: reason },
    { verb, path: '/lease' },
  );
}

/**
 * One Lease, as the apiserver keeps it: NotFound before create, AlreadyExists on a second create, Conflict on an
 * update with a stale resourceVersion. Tests break verbs (500s), make them hang until aborted, slow the next call of
 * a verb down, or run a hook right before the next call of a verb (e.g. another candidate's write, which then makes
 * ours conflict).
 */
export class ScriptedLeaseClient implements LeaseClient {
  lease: Lease | undefined;
  /** Every call, in order. */
  readonly calls: Verb[] = [];
  /** Every spec written by our client, in order. */
  readonly writes: LeaseSpec[] = [];
  readonly #broken = new Set<Verb>();
  readonly #hanging = new Set<Verb>();
  readonly #hooks = new Map<Verb, () => void>();
  readonly #delays = new Map<Verb, { clock: Clock; ms: number }>();
  #resourceVersion = 0;

  /** Writes `spec` as another process would (no conflict check), bumping the resourceVersion. */
  writeAsOther(spec: LeaseSpec): void {
    this.#resourceVersion += 1;
    const metadata = { namespace: 'ns', name: 'lock', resourceVersion: String(this.#resourceVersion) };
    this.lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec: { ...spec } };
  }

  /** Makes every later call of `verbs` fail with a 500 until `heal`. */
  break(...verbs: Verb[]): void {
    for (const verb of verbs) this.#broken.add(verb);
  }

  /** Makes every later call of `verbs` wait until its signal aborts. */
  hang(...verbs: Verb[]): void {
    for (const verb of verbs) this.#hanging.add(verb);
  }

  heal(): void {
    this.#broken.clear();
    this.#hanging.clear();
  }

  /** Runs `hook` right before the next call of `verb` is served. */
  beforeNext(verb: Verb, hook: () => void): void {
    this.#hooks.set(verb, hook);
  }

  /** Makes the next call of `verb` take `ms` on `clock` before it is served (an overloaded apiserver). */
  delayNext(verb: Verb, clock: Clock, ms: number): void {
    this.#delays.set(verb, { clock, ms });
  }

  async get(_name: string, options: LeaseRequestOptions): Promise<Lease> {
    await this.#enter('get', options);
    if (this.lease === undefined) throw statusError(404, 'NotFound', 'GET');
    return structuredClone(this.lease);
  }

  async create(lease: Lease, options: LeaseRequestOptions): Promise<Lease> {
    await this.#enter('create', options);
    if (this.lease !== undefined) throw statusError(409, 'AlreadyExists', 'POST');
    return this.#store(lease);
  }

  async update(lease: Lease, options: LeaseRequestOptions): Promise<Lease> {
    await this.#enter('update', options);
    if (this.lease === undefined) throw statusError(404, 'NotFound', 'PUT');
    if (lease.metadata?.resourceVersion !== this.lease.metadata?.resourceVersion) {
      throw statusError(409, 'Conflict', 'PUT');
    }
    return this.#store(lease);
  }

  #store(lease: Lease): Lease {
    this.#resourceVersion += 1;
    this.lease = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(this.#resourceVersion) },
    });
    this.writes.push(structuredClone(lease.spec ?? {}));
    return structuredClone(this.lease);
  }

  async #enter(verb: Verb, options: LeaseRequestOptions): Promise<void> {
    this.calls.push(verb);
    const hook = this.#hooks.get(verb);
    this.#hooks.delete(verb);
    hook?.();
    const signal = options.signal;
    const delay = this.#delays.get(verb);
    this.#delays.delete(verb);
    if (delay !== undefined) await delay.clock.sleep(delay.ms, signal);
    if (signal?.aborted) throw signal.reason;
    if (this.#hanging.has(verb)) {
      await new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (this.#broken.has(verb)) throw statusError(500, 'InternalError', verb.toUpperCase());
  }
}
