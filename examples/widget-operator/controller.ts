// Wires the widget operator: Widgets and the Deployments they own feed one controller that applies, reports and cleans up.
import { isDeepStrictEqual } from 'node:util';
import { type Lister, newLister, type SharedIndexInformer } from 'kubeloop/cache';
import type { Deployment } from 'kubeloop/client/kubernetes/apps-v1';
import {
  type Controller,
  type Manager,
  newControllerManagedBy,
  type ReconcileContext,
  type Request,
  reconcileFinalizer,
} from 'kubeloop/controller';
import type { Logger } from 'pino';
import { desiredDeployment } from './deployment.ts';
import type { ExternalRegistry } from './registry.ts';
import { widgetStatus } from './status.ts';
import { type Widget, Widgets } from './widget.ts';

/** The field manager of every write: server-side apply owns exactly the fields it last sent. */
export const fieldManager = 'widget-operator';

/** Removes the Widget's external record before Kubernetes lets the Widget go. */
export const cleanupFinalizer = 'demo.kubeloop.dev/external-record';

/** Options of {@link addWidgetOperator}. */
export interface WidgetOperatorOptions {
  /** The system outside Kubernetes holding a record per Widget. */
  readonly registry: ExternalRegistry;
  readonly logger?: Logger;
}

/** A widget operator added to a manager: its controller and its caches. */
export interface WidgetOperator {
  readonly controller: Controller;
  readonly widgets: SharedIndexInformer<Widget>;
  readonly deployments: Lister<Deployment>;
}

/** Adds the widget operator to `manager`; it runs when the manager starts. */
export function addWidgetOperator(manager: Manager, options: WidgetOperatorOptions): WidgetOperator {
  const rest = manager.clientSet.rest;
  const widgetInformer = manager.factory.forClient((ns) => Widgets.client(rest, ns));
  const deploymentInformer = manager.factory.forClient((ns) => manager.clientSet.appsV1().deployments(ns));
  const widgets = newLister(widgetInformer.getIndexer());
  const deployments = newLister(deploymentInformer.getIndexer());
  const recorder = manager.eventRecorderFor('widget-operator');

  const reconcile = async ({ namespace, name }: Request, { signal, logger }: ReconcileContext): Promise<void> => {
    const cached = widgets.namespace(namespace).get(name);
    if (!cached) return; // deleted: the garbage collector removes its Deployment
    const client = Widgets.client(rest, namespace);
    const key = `${namespace}/${name}`;
    const step = await reconcileFinalizer({
      client,
      object: cached,
      finalizer: cleanupFinalizer,
      finalize: () => options.registry.remove(key),
      signal,
    });
    if (step.action === 'removed' || cached.metadata?.deletionTimestamp) return;
    const widget = step.object;
    await options.registry.put(key, { image: widget.spec.image, replicas: widget.spec.replicas });

    const before = deployments.namespace(namespace).get(name);
    const deployment = await manager.clientSet
      .appsV1()
      .deployments(namespace)
      .apply(desiredDeployment(widget), { fieldManager, force: true, signal });
    if (before?.spec?.replicas !== deployment.spec?.replicas) {
      const note = `Deployment ${name} ${before ? 'scaled' : 'created'} to ${widget.spec.replicas} replicas`;
      recorder.event({ regarding: widget, type: 'Normal', reason: 'DeploymentSynced', action: 'Apply', note });
    }

    const status = widgetStatus(widget, before ?? deployment, Date.now());
    if (isDeepStrictEqual(status, widget.status)) return;
    await client.applyStatus({ metadata: { name, namespace }, status }, { fieldManager, force: true, signal });
    logger.debug({ readyReplicas: status.readyReplicas }, 'status applied');
  };

  const controller = newControllerManagedBy(manager)
    .named('widget-operator')
    .for(widgetInformer)
    .owns(deploymentInformer)
    .withOptions(options.logger ? { logger: options.logger } : {})
    .complete(reconcile);
  return { controller, widgets: widgetInformer, deployments };
}
