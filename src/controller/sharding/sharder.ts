/** Runs the sharder: watches a ring's shard Leases and the sharded objects, and keeps every object placed. */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import {
  type InformerForOptions,
  newSharedInformerFactory,
  type SharedInformerFactory,
} from '../../cache/informer-factory.js';
import type { PartialObjectMetadata } from '../../cache/metadata-listwatch.js';
import type { SharedIndexInformer } from '../../cache/shared-index-informer.js';
import { DeletedFinalStateUnknown } from '../../cache/tombstone.js';
import { waitForCacheSync } from '../../cache/wait-for-cache-sync.js';
import { DynamicClient } from '../../client/dynamic/dynamic-client.js';
import type { ClientSet } from '../../client/kubernetes/clientset.js';
import type { Lease } from '../../client/kubernetes/coordination-v1/types.js';
import type { GroupVersionResource, KubeObject } from '../../client/meta.js';
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { isConflict, isNotFound } from '../../client/rest/status-error.js';
import { createLogger } from '../../logger.js';
import { Controller } from '../controller.js';
import { formatMicroTime } from '../leader-election/lease-lock.js';
import { requestFromKey } from '../reconciler.js';
import type { Runnable } from '../runnable.js';
import { defaultVirtualNodes, HashRing } from './hash-ring.js';
import { checkName, drainLabel, ringLabel, shardLabel } from './labels.js';
import {
  controllerOf,
  currentPlacement,
  groupOf,
  type Placement,
  placeOwned,
  placePrimary,
  ringKey,
  type ShardedResource,
} from './placement.js';
import { placementMetadata } from './placement-metadata.js';
import { isAvailable, type ShardStatus, shardStatus } from './shard-state.js';

/** Options of {@link Sharder}. */
export interface SharderOptions {
  readonly clientSet: ClientSet;
  /** The ring: its shards' Leases carry `sharding.kubeloop.dev/ring=<ring>`. A DNS-1123 label. */
  readonly ring: string;
  /** Where the shards' Leases live. */
  readonly leaseNamespace: string;
  /** The resources spread over the ring by their own key. */
  readonly resources: readonly ShardedResource[];
  /** Resources whose objects follow their controller owner's shard (the owner must be of `resources`). */
  readonly ownedResources?: readonly GroupVersionResource[] | undefined;
  /** Scopes the sharded objects to one namespace; absent = all namespaces. */
  readonly namespace?: string | undefined;
  /** Written as holder when the sharder takes over an expired shard's Lease. */
  readonly identity: string;
  /** Defaults to {@link defaultVirtualNodes}; every sharder of a ring must use the same count. */
  readonly virtualNodes?: number | undefined;
  /** Objects placed at once; defaults to 4 per resource (each placement is one PATCH). */
  readonly workers?: number | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  readonly metricsRegistry?: Registry | undefined;
}

/** How long the sharder sleeps at most between two looks at the Leases (states also change with time alone). */
const maxMembershipRecheckMs = 10_000;

/** How long it sleeps at least: a take-over that keeps failing must not spin against the apiserver. */
const minMembershipRecheckMs = 250;

/**
 * The sharder of one ring (the research's sharder), as a manager Runnable that needs leader election: one sharder
 * runs per ring at a time.
 *
 * Guarantees:
 * - Shards are the ring's Leases in state ready or expired; each primary object is placed on
 *   `HashRing.shardFor(<group>/<kind>/<namespace>/<name>)`, each owned object on its controller owner's shard.
 * - An object on a live shard is never relabelled to another shard: the sharder sets the drain label, and
 *   assigns it only after that shard removed both labels. An object on a dead or unknown shard is reassigned at once.
 * - Every write is a merge patch carrying the resourceVersion it was decided on: a concurrent change makes it
 *   fail with a Conflict and the object is decided again on its newer state.
 * - It takes over the Lease of an expired shard (a lease duration without renewal, by which time the shard stopped
 *   its controllers at its renew deadline), so that shard cannot renew it any more; only then do its objects move.
 *   It deletes Leases dead for over a minute.
 * - Every object is looked at again whenever the set of live shards changes.
 */
export class Sharder implements Runnable {
  readonly name: string;
  readonly needLeaderElection = true;
  readonly #options: SharderOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #placements: Counter<'ring' | 'resource' | 'action'>;
  /** The ring of the shards live at the last membership check; empty until the Leases synced. */
  #ring: HashRing;
  /** Every shard's status at the last membership check. */
  #statuses = new Map<string, ShardStatus>();
  /** The primary resources' informers of the running term (for owners of new objects); empty when not running. */
  #primaries: readonly Primary[] = [];

  constructor(options: SharderOptions) {
    checkName('sharding ring', options.ring);
    this.#options = options;
    this.name = `sharder/${options.ring}`;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? createLogger({ level: 'info' })).child({ sharder: options.ring });
    this.#ring = new HashRing([], options.virtualNodes);
    this.#placements = placementCounter(options.metricsRegistry);
  }

  /** The shards objects are placed on now (sorted). */
  liveShards(): readonly string[] {
    return this.#ring.shards;
  }

  /**
   * The shard a new object goes to, for an admission webhook to label it at once (see `shardingWebhook`): a primary
   * object's ring shard, an owned object's owner's current shard. Undefined when the sharder is not running here,
   * no shard is live, the resource is not sharded, or the object has no name yet (`generateName`): the sharder
   * places it once created.
   */
  shardForNew(gvr: GroupVersionResource, object: Readonly<KubeObject>, namespace: string): string | undefined {
    const meta = { ...object.metadata, namespace };
    const primary = this.#options.resources.find((r) => r.group === gvr.group && r.resource === gvr.resource);
    if (primary !== undefined) return meta.name ? this.#ring.shardFor(ringKey(primary, { metadata: meta })) : undefined;
    const owned = (this.#options.ownedResources ?? []).some(
      (r) => r.group === gvr.group && r.resource === gvr.resource,
    );
    const ref = owned ? controllerOf(object) : undefined;
    if (ref === undefined) return undefined;
    const owner = this.#primaries
      .find((p) => p.resource.kind === ref.kind && p.resource.group === groupOf(ref.apiVersion))
      ?.informer.getIndexer()
      .getByKey(namespace ? `${namespace}/${ref.name}` : ref.name);
    if (owner?.metadata.uid !== ref.uid) return undefined;
    const placement = currentPlacement(owner.metadata, this.#options.ring);
    return placement.draining ? undefined : placement.shard;
  }

  /** Places objects until `signal` aborts, then stops its watches and resolves. */
  async start(signal: AbortSignal): Promise<void> {
    const o = this.#options;
    // Each run (each term, under leader election) starts from what it reads, not from an earlier term's view.
    this.#ring = new HashRing([], o.virtualNodes);
    this.#statuses = new Map();
    const common = { clientSet: o.clientSet, logger: this.#logger, clock: this.#clock };
    const leaseFactory = newSharedInformerFactory({
      ...common,
      namespace: o.leaseNamespace,
      labelSelector: `${ringLabel}=${o.ring}`,
    });
    const objects = newSharedInformerFactory({
      ...common,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    });
    const leases = leaseFactory.forClient((ns) => o.clientSet.coordinationV1().leases(ns ?? o.leaseNamespace));
    const controllers = this.#wire(objects);
    const membershipChanged = new EventTarget();
    const changed = (): void => {
      membershipChanged.dispatchEvent(new Event('change'));
    };
    leases.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed }, { name: 'sharder' });
    leaseFactory.start(signal);
    objects.start(signal);
    try {
      const synced = await waitForCacheSync(
        signal,
        () => leases.hasSynced(),
        ...controllers.map((c) => () => c.informer.hasSynced()),
      );
      if (!synced) return;
      this.#logger.info('sharder caches synced');
      await Promise.all([
        // Placements in flight are called off at once when the term ends: each is one PATCH the next sharder decides
        // again from what it reads, and one waiting on the client's rate limiter would hold the stop for nothing.
        ...controllers.map((c) => c.controller.start(signal, { abortInFlight: signal })),
        this.#watchMembership(leases, controllers, membershipChanged, signal),
      ]);
    } finally {
      this.#primaries = [];
      this.#ring = new HashRing([], o.virtualNodes);
      await Promise.all([leaseFactory.shutdown(), objects.shutdown()]);
    }
  }

  /** Creates one placing controller per resource, fed by a metadata informer caching only what placing reads. */
  #wire(objects: SharedInformerFactory): Wired[] {
    const o = this.#options;
    const lean = placementMetadata(o.ring);
    const forMetadata = (gvr: GroupVersionResource, options?: InformerForOptions<PartialObjectMetadata>) => {
      const informer = objects.forMetadata(gvr, options);
      informer.setTransform(lean);
      return informer;
    };
    const primaries = o.resources.map((resource) => ({ resource, informer: forMetadata(resource) }));
    this.#primaries = primaries;
    const owned = (o.ownedResources ?? []).map((gvr) => {
      const informer = forMetadata(gvr, { indexers: { [controllerUidIndex]: ownerUids } });
      const controller = this.#controller(gvr.resource, (key, signal) =>
        this.#placeOwned(gvr, informer, primaries, key, signal),
      );
      enqueueOnEvents(informer, controller);
      return { controller, informer };
    });
    const wired: Wired[] = owned.map(({ controller, informer }) => ({ controller, informer }));
    for (const { resource, informer } of primaries) {
      const controller = this.#controller(resource.resource, (key, signal) =>
        this.#placePrimary(resource, informer, key, signal),
      );
      enqueueOnEvents(informer, controller, (object) => {
        // Its owned objects follow an owner's every placement change.
        for (const child of owned) {
          for (const c of child.informer.getIndexer().byIndex(controllerUidIndex, object.metadata.uid ?? '')) {
            child.controller.enqueue({ namespace: c.metadata.namespace ?? '', name: c.metadata.name ?? '' });
          }
        }
      });
      wired.unshift({ controller, informer });
    }
    return wired;
  }

  /** Re-reads membership on every Lease event and whenever a state is due to change, until `signal` aborts. */
  async #watchMembership(
    leases: SharedIndexInformer<Lease>,
    wired: readonly Wired[],
    changed: EventTarget,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      const nextChangeAt = await this.#checkMembership(leases.getIndexer().list(), wired, signal);
      const wake = new AbortController();
      const onChange = (): void => wake.abort();
      changed.addEventListener('change', onChange, { once: true });
      const due = nextChangeAt - this.#clock.now();
      const delay = Math.min(maxMembershipRecheckMs, Math.max(minMembershipRecheckMs, due));
      await this.#clock.sleep(delay, AbortSignal.any([signal, wake.signal])).catch(() => undefined);
      changed.removeEventListener('change', onChange);
    }
  }

  /** Updates the shards' states and the ring, acts on expired and orphaned Leases; returns the next state change. */
  async #checkMembership(
    leases: readonly Readonly<Lease>[],
    wired: readonly Wired[],
    signal: AbortSignal,
  ): Promise<number> {
    const now = this.#clock.now();
    const statuses = new Map(leases.map((lease) => [lease.metadata?.name ?? '', shardStatus(lease, now)]));
    this.#statuses = statuses;
    let nextChangeAt = Infinity;
    for (const lease of leases) {
      const status = statuses.get(lease.metadata?.name ?? '') as ShardStatus;
      nextChangeAt = Math.min(nextChangeAt, status.nextChangeAt);
      if (status.state === 'expired') await this.#takeOver(lease, status, signal);
      if (status.state === 'orphaned') await this.#deleteLease(lease, signal);
    }
    const live = [...statuses.values()].filter((s) => isAvailable(s.state)).map((s) => s.shard);
    live.sort();
    // Renewals wake this up every retry period per shard: rebuild the ring only when the live set changed.
    const current = this.#ring.shards;
    if (live.length !== current.length || live.some((shard, i) => shard !== current[i])) {
      const ring = new HashRing(live, this.#options.virtualNodes);
      this.#logger.info({ shards: ring.shards, before: this.#ring.shards }, 'ring membership changed');
      this.#ring = ring;
      for (const { controller, informer } of wired) {
        for (const key of informer.getIndexer().listKeys()) controller.enqueue(requestFromKey(key));
      }
    }
    return nextChangeAt;
  }

  /** Takes over an expired shard's Lease for two lease durations: the shard is dead from now on. */
  async #takeOver(lease: Readonly<Lease>, status: ShardStatus, signal: AbortSignal): Promise<void> {
    const now = formatMicroTime(this.#clock.now());
    const spec = lease.spec ?? {};
    this.#logger.warn({ shard: status.shard }, 'shard lease not renewed for a lease duration: taking it over');
    try {
      await this.#leaseClient().update(
        {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: this.#options.identity,
            leaseDurationSeconds: (2 * status.leaseDurationMs) / 1000,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
          },
        } as Lease,
        { signal },
      );
    } catch (error) {
      // A Conflict means the shard renewed meanwhile (or someone else acted): the next check reads it again.
      if (!isConflict(error) && !isNotFound(error))
        this.#logger.error({ err: error }, 'taking over a shard lease failed');
    }
  }

  async #deleteLease(lease: Readonly<Lease>, signal: AbortSignal): Promise<void> {
    try {
      await this.#leaseClient().delete(lease.metadata?.name ?? '', { signal });
    } catch (error) {
      if (!isNotFound(error)) this.#logger.error({ err: error }, 'deleting an orphaned shard lease failed');
    }
  }

  #leaseClient() {
    return this.#options.clientSet.coordinationV1().leases(this.#options.leaseNamespace);
  }

  #controller(resource: string, place: (key: string, signal: AbortSignal) => Promise<void>): Controller {
    return new Controller({
      name: `${this.name}/${resource}`,
      maxConcurrentReconciles: this.#options.workers ?? 4,
      logger: this.#logger,
      clock: this.#clock,
      ...(this.#options.metricsRegistry ? { metricsRegistry: this.#options.metricsRegistry } : {}),
      reconciler: async (request, { signal }) => {
        try {
          await place(request.namespace ? `${request.namespace}/${request.name}` : request.name, signal);
        } catch (error) {
          if (!signal.aborted) throw error; // called off as the term ended: no error, the next term decides again
        }
      },
    });
  }

  async #placePrimary(
    resource: ShardedResource,
    informer: SharedIndexInformer<PartialObjectMetadata>,
    key: string,
    signal: AbortSignal,
  ): Promise<void> {
    const object = informer.getIndexer().getByKey(key);
    if (object === undefined) return;
    const current = currentPlacement(object.metadata, this.#options.ring);
    const placement = placePrimary(current, this.#ring.shardFor(ringKey(resource, object)), (shard) =>
      this.#isLive(shard),
    );
    await this.#apply(resource, object, placement, signal);
  }

  async #placeOwned(
    gvr: GroupVersionResource,
    informer: SharedIndexInformer<PartialObjectMetadata>,
    primaries: readonly Primary[],
    key: string,
    signal: AbortSignal,
  ): Promise<void> {
    const object = informer.getIndexer().getByKey(key);
    const ref = object && controllerOf(object);
    if (object === undefined || ref === undefined) return;
    const owner = primaries
      .find((p) => p.resource.kind === ref.kind && p.resource.group === groupOf(ref.apiVersion))
      ?.informer.getIndexer()
      .getByKey(object.metadata.namespace ? `${object.metadata.namespace}/${ref.name}` : ref.name);
    const ownerPlacement =
      owner?.metadata.uid === ref.uid ? currentPlacement(owner.metadata, this.#options.ring) : undefined;
    const placement = placeOwned(currentPlacement(object.metadata, this.#options.ring), ownerPlacement);
    await this.#apply(gvr, object, placement, signal);
  }

  #isLive(shard: string): boolean {
    const status = this.#statuses.get(shard);
    return status !== undefined && isAvailable(status.state);
  }

  /** Writes a placement with the object's resourceVersion as precondition; a vanished object is no error. */
  async #apply(
    gvr: GroupVersionResource,
    object: Readonly<PartialObjectMetadata>,
    placement: Placement,
    signal: AbortSignal,
  ): Promise<void> {
    if (placement.action === 'keep') return;
    const ring = this.#options.ring;
    const labels =
      placement.action === 'drain'
        ? { [drainLabel(ring)]: 'true' }
        : { [shardLabel(ring)]: placement.shard, [drainLabel(ring)]: null };
    const meta = object.metadata;
    const client = new DynamicClient(this.#options.clientSet.rest).resource(gvr);
    try {
      const patch = { metadata: { resourceVersion: meta.resourceVersion, labels } };
      await (meta.namespace ? client.namespace(meta.namespace) : client).patch(meta.name ?? '', 'merge', patch, {
        signal,
      });
    } catch (error) {
      // Gone, or changed since: the watch brings the newer state, which enqueues the object again.
      if (isNotFound(error) || isConflict(error)) return;
      throw error;
    }
    const action = placement.action === 'assign' && placement.from !== undefined ? 'move' : placement.action;
    this.#placements.inc({ ring, resource: gvr.resource, action });
    this.#logger.debug({ object: `${meta.namespace ?? ''}/${meta.name}`, placement }, 'placed object');
  }
}

/** A primary resource and its metadata informer. */
interface Primary {
  readonly resource: ShardedResource;
  readonly informer: SharedIndexInformer<PartialObjectMetadata>;
}

/** A placing controller and the informer feeding it. */
interface Wired {
  readonly controller: Controller;
  readonly informer: SharedIndexInformer<PartialObjectMetadata>;
}

/** Indexes owned objects by their controller owner's UID. */
const controllerUidIndex = 'sharding-controller-uid';

function ownerUids(object: PartialObjectMetadata): readonly string[] {
  const ref = controllerOf(object);
  return ref ? [ref.uid] : [];
}

/** Enqueues an object's key on each of its events; `also` runs on each add, update and delete too. */
function enqueueOnEvents(
  informer: SharedIndexInformer<PartialObjectMetadata>,
  controller: Controller,
  also?: (object: Readonly<PartialObjectMetadata>) => void,
): void {
  const enqueue = (object: Readonly<KubeObject>): void => {
    controller.enqueue({ namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' });
  };
  informer.addEventHandler(
    {
      onAdd: (object) => {
        enqueue(object);
        also?.(object);
      },
      onUpdate: (_old, object) => {
        enqueue(object);
        also?.(object);
      },
      onDelete: (object) => {
        if (object instanceof DeletedFinalStateUnknown) return;
        also?.(object);
      },
    },
    { name: 'sharder' },
  );
}

/** `kubeloop_sharder_placements_total`, once per registry. */
function placementCounter(registry: Registry | undefined): Counter<'ring' | 'resource' | 'action'> {
  const name = 'kubeloop_sharder_placements_total';
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter<'ring' | 'resource' | 'action'>;
  return new Counter({
    name,
    help: 'Objects placed by the sharder: assign (unassigned object), move (from a dead shard), drain (asked of a live shard).',
    labelNames: ['ring', 'resource', 'action'],
    registers: registry ? [registry] : [],
  });
}
