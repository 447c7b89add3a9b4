// Wires the pod-watcher: a pod informer indexed by node feeds a controller that writes each namespace's census.
import { type Lister, listWatchFrom, newLister, type SharedIndexInformer } from 'kubeloop/cache';
import { isForbidden, isNotFound, StatusError } from 'kubeloop/client';
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';
import {
  type Controller,
  type EventRecorder,
  type Manager,
  newControllerManagedBy,
  newEventRecorder,
  type ReconcileContext,
  type Request,
} from 'kubeloop/controller';
import type { Logger } from 'pino';
import { censusName, podCensus } from './census.ts';
import { recordPhaseTransitions, type TransitionLog } from './transitions.ts';

/** The informer index of pods by `spec.nodeName` (unbound pods are not in it). */
export const byNodeIndex = 'byNode';

/** The field manager of every census write: server-side apply owns exactly the keys it last sent. */
export const fieldManager = 'pod-watcher';

/** Options of {@link addPodWatcher}. */
export interface PodWatcherOptions {
  /** Watch only pods matching this selector, in every namespace (tests use one to ignore their neighbours' pods). */
  readonly labelSelector?: string;
  /** Namespaces reconciled at once; default 4 (each reconcile is one apply request). */
  readonly maxConcurrentReconciles?: number;
  /** The controller's and the event recorder's logger; pass the manager's so all logs go one way. */
  readonly logger?: Logger;
  /** Read-only: the census is applied as a dry run (validated, never stored) and no Event is written. */
  readonly dryRun?: boolean;
}

/** A pod-watcher added to a manager: its controller, its cache and what it has done. */
export interface PodWatcher {
  readonly controller: Controller;
  readonly informer: SharedIndexInformer<Pod>;
  readonly pods: Lister<Pod>;
  readonly recorder: EventRecorder;
  readonly transitions: TransitionLog;
  /** Reconciles finished so far (successful or not). */
  reconciles(): number;
}

function podInformer(manager: Manager, labelSelector: string | undefined): SharedIndexInformer<Pod> {
  const indexers = { [byNodeIndex]: (pod: Pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []) };
  const pods = (ns: string | undefined) => manager.clientSet.coreV1().pods(ns);
  if (!labelSelector) return manager.factory.forClient(pods, { indexers });
  return manager.factory.informerFor(`pods?${labelSelector}`, () => listWatchFrom(pods(undefined), { labelSelector }), {
    indexers,
  });
}

/** A namespace being deleted refuses new objects; nothing is left to count there. */
function namespaceGone(error: unknown): boolean {
  if (isNotFound(error)) return true;
  const causes = error instanceof StatusError ? (error.status.details?.causes ?? []) : [];
  return isForbidden(error) && causes.some((c) => c.reason === 'NamespaceTerminating');
}

/** Adds the pod-watcher to `manager`; it runs when the manager starts. */
export function addPodWatcher(manager: Manager, options: PodWatcherOptions = {}): PodWatcher {
  const informer = podInformer(manager, options.labelSelector);
  const pods = newLister(informer.getIndexer());
  const recorder = newEventRecorder({
    client: manager.clientSet.eventsV1(),
    reportingController: 'kubeloop.dev/pod-watcher',
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const transitions = recordPhaseTransitions(informer, options.dryRun ? undefined : recorder);
  let reconciles = 0;

  // Reads pods from the cache only; the census is applied whole, so keys of vanished nodes are dropped.
  const reconcile = async ({ namespace }: Request, { signal, logger }: ReconcileContext): Promise<void> => {
    try {
      const data = podCensus(pods.namespace(namespace).list());
      await manager.clientSet
        .coreV1()
        .configMaps(namespace)
        .apply(
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: censusName, namespace }, data },
          { fieldManager, force: true, signal, dryRun: options.dryRun ?? false },
        );
      logger.debug({ pods: data.pods }, 'census applied');
    } catch (error) {
      if (!namespaceGone(error)) throw error;
      logger.debug('namespace is gone or terminating; nothing to write');
    } finally {
      reconciles++;
    }
  };

  const controller = newControllerManagedBy(manager)
    .named('pod-watcher')
    // No `for`: a census is keyed by its namespace, not by a pod, so every pod event maps to its namespace's census.
    .watches(informer, (pod) => [{ namespace: pod.metadata?.namespace ?? '', name: censusName }])
    .withOptions({
      maxConcurrentReconciles: options.maxConcurrentReconciles ?? 4,
      ...(options.logger ? { logger: options.logger } : {}),
    })
    .complete(reconcile);
  return { controller, informer, pods, recorder, transitions, reconciles: () => reconciles };
}
