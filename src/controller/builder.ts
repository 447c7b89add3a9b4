/** Wires informers to a new Controller and adds it to a manager, in the spirit of controller-runtime's builder. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ResourceEventHandler } from '../cache/event-handler.js';
import type { SharedInformerFactory } from '../cache/informer-factory.js';
import type { SharedIndexInformer } from '../cache/shared-index-informer.js';
import type { KubeObject } from '../client/meta.js';
import { Controller, type ControllerOptions } from './controller.js';
import { ControllerOptionsError } from './controller-errors.js';
import {
  controllerOwnerRequest,
  enqueueHandler,
  type MapFunc,
  type OwnerType,
  ownRequest,
} from './enqueue-handlers.js';
import type { Predicate } from './predicates.js';
import type { ReadYourWritesGate } from './read-your-writes/read-your-writes.js';
import type { Reconciler } from './reconciler.js';

/** What the builder needs of a manager: the factory the informers come from, and somewhere to add controllers. */
export interface ControllerManagerLike {
  readonly factory: SharedInformerFactory;
  /** Adds a built controller; the manager starts it with the others. */
  add(controller: Controller): void;
  /** Used for the controller's metrics unless `withOptions` names another registry. */
  readonly metricsRegistry?: Registry | undefined;
  /** The controller logs through a child of it unless `withOptions` names another logger. */
  readonly logger?: Logger | undefined;
  /** Passed to the controller unless `withOptions` says otherwise (`readYourWrites: false` turns it off). */
  readonly readYourWrites?: ReadYourWritesGate | undefined;
}

/** Options of a source: every predicate must pass an event for it to enqueue anything. */
export interface SourceOptions<T extends KubeObject> {
  /** Typed by the informer (NoInfer): predicates for any KubeObject, such as `generationChanged`, fit every source. */
  readonly predicates?: readonly Predicate<NoInfer<T>>[] | undefined;
}

/**
 * Options of `owns`. Without an owner type the owner is found by UID in the `for` informer's cache; with both
 * `ownerKind` and `ownerApiVersion` it is matched by kind and API group (see controllerOwnerRequest).
 */
export interface OwnsOptions<T extends KubeObject> extends SourceOptions<T> {
  readonly ownerKind?: string | undefined;
  readonly ownerApiVersion?: string | undefined;
}

/** What `withOptions` may set: everything of ControllerOptions but what the builder itself decides. */
export type BuilderControllerOptions = Omit<ControllerOptions, 'name' | 'reconciler' | 'sources'>;

/** A source awaiting `complete`, which knows the controller to enqueue into. */
interface PendingSource {
  readonly informer: SharedIndexInformer<KubeObject>;
  readonly handler: (enqueue: Controller['enqueue']) => ResourceEventHandler<KubeObject>;
  readonly role: string;
}

/**
 * Builds one controller (controller-runtime's Builder): `for` its primary resource, `owns` the resources it
 * creates, `watches` anything else through a mapping, then `complete(reconciler)`.
 *
 * Guarantees: nothing is registered before `complete`; `complete` creates the Controller, adds one event handler
 * (named `<controller>/<role>`) per source to its informer, adds the controller to the manager and returns it,
 * with `sources` listing every distinct informer; `complete` may run once per builder. Handlers only enqueue
 * keys (never block), so they keep the informers fast.
 */
export class ControllerBuilder {
  readonly #manager: ControllerManagerLike;
  #name: string | undefined;
  #forInformer: SharedIndexInformer<KubeObject> | undefined;
  readonly #sources: PendingSource[] = [];
  readonly #owns: { informer: SharedIndexInformer<KubeObject>; options: OwnsOptions<KubeObject> }[] = [];
  #options: BuilderControllerOptions = {};
  #completed = false;

  constructor(manager: ControllerManagerLike) {
    this.#manager = manager;
  }

  /** Names the controller (logs, metrics); default: the `for` informer's resource, e.g. `configmaps`. */
  named(name: string): this {
    this.#name = name;
    return this;
  }

  /** Reconciles the objects of `informer`: each event enqueues the object's own key. Call once. */
  for<T extends KubeObject>(informer: SharedIndexInformer<T>, options: SourceOptions<T> = {}): this {
    if (this.#forInformer) throw new ControllerOptionsError('for() may be called only once per controller');
    this.#forInformer = informer as unknown as SharedIndexInformer<KubeObject>;
    this.#addSource(informer, 'for', ownRequest, options.predicates);
    return this;
  }

  /** Enqueues the controller owner's key when an object of `informer` it controls changes. */
  owns<T extends KubeObject>(informer: SharedIndexInformer<T>, options: OwnsOptions<T> = {}): this {
    const erased = informer as unknown as SharedIndexInformer<KubeObject>;
    this.#owns.push({ informer: erased, options: options as OwnsOptions<KubeObject> });
    return this;
  }

  /** Enqueues `map`'s requests for each event of `informer` (controller-runtime's EnqueueRequestsFromMapFunc). */
  watches<T extends KubeObject>(
    informer: SharedIndexInformer<T>,
    map: MapFunc<T>,
    options: SourceOptions<T> = {},
  ): this {
    this.#addSource(informer, 'watches', map, options.predicates);
    return this;
  }

  /** Sets the controller's options (workers, rate limiter, timeout, logger, clock, metrics, read-your-writes). */
  withOptions(options: BuilderControllerOptions): this {
    this.#options = { ...this.#options, ...options };
    return this;
  }

  /**
   * Creates the controller, registers its handlers, adds it to the manager and returns it. Without `for`, the
   * controller must be `named` and have a `watches` source (controller-runtime's rule); `owns` needs `for`.
   */
  complete(reconciler: Reconciler): Controller {
    if (this.#completed) throw new ControllerOptionsError('complete() may be called only once per builder');
    const forInformer = this.#forInformer;
    if (!forInformer && (this.#owns.length > 0 || this.#name === undefined || this.#sources.length === 0)) {
      throw new ControllerOptionsError('a controller needs for(informer), or a name and watches() without owns()');
    }
    this.#completed = true;
    if (forInformer) {
      for (const { informer, options } of this.#owns) {
        const map = controllerOwnerRequest(forInformer, ownerTypeOf(options));
        this.#addSource(informer, 'owns', map, options.predicates);
      }
    }
    const name = this.#name ?? defaultName(forInformer);
    const controller = new Controller({
      metricsRegistry: this.#manager.metricsRegistry,
      logger: this.#manager.logger,
      readYourWrites: this.#manager.readYourWrites,
      ...this.#options,
      name,
      reconciler,
      sources: [...new Set(this.#sources.map((s) => s.informer))],
    });
    const enqueue = (request: Parameters<Controller['enqueue']>[0]): void => controller.enqueue(request);
    for (const source of this.#sources) {
      source.informer.addEventHandler(source.handler(enqueue), { name: `${name}/${source.role}` });
    }
    this.#manager.add(controller);
    return controller;
  }

  #addSource<T extends KubeObject>(
    informer: SharedIndexInformer<T>,
    role: string,
    map: MapFunc<T>,
    predicates: readonly Predicate<T>[] | undefined,
  ): void {
    const handler = (enqueue: Controller['enqueue']): ResourceEventHandler<KubeObject> =>
      enqueueHandler(map, predicates ?? [], enqueue) as unknown as ResourceEventHandler<KubeObject>;
    this.#sources.push({ informer: informer as unknown as SharedIndexInformer<KubeObject>, handler, role });
  }
}

function ownerTypeOf(options: OwnsOptions<KubeObject>): OwnerType | undefined {
  const { ownerKind, ownerApiVersion } = options;
  if (ownerKind === undefined && ownerApiVersion === undefined) return undefined;
  if (!ownerKind || !ownerApiVersion) {
    throw new ControllerOptionsError('owns() needs both ownerKind and ownerApiVersion, or neither');
  }
  return { ownerKind, ownerApiVersion };
}

/** `typed:/v1/configmaps` → `configmaps`. */
function defaultName(informer: SharedIndexInformer<KubeObject> | undefined): string {
  const name = informer?.name ?? '';
  return name.slice(name.lastIndexOf('/') + 1) || name;
}

/**
 * Starts building a controller managed by `manager` (controller-runtime's NewControllerManagedBy), e.g.
 * `newControllerManagedBy(mgr).named('census').for(pods).complete(reconcile)`.
 */
export function newControllerManagedBy(manager: ControllerManagerLike): ControllerBuilder {
  return new ControllerBuilder(manager);
}
