// Computes a Widget's status from the Deployment it owns: ready replicas, the Ready condition, the generation seen.
import type { Deployment } from 'kubeloop/client/kubernetes/apps-v1';
import { setStatusCondition } from 'kubeloop/controller';
import type { Widget } from './widget.ts';

/** A Widget's status. */
export type WidgetStatus = NonNullable<Widget['status']>;

/** The condition that says whether every replica a Widget asks for is ready. */
export const readyCondition = 'Ready';

/**
 * The status `widget` should have, given its Deployment as last seen (undefined: not created yet).
 *
 * Guarantees: pure; the Ready condition keeps its lastTransitionTime while its status does not change, so an
 * unchanged world gives a status equal to the current one and the operator writes nothing.
 */
export function widgetStatus(widget: Widget, deployment: Deployment | undefined, now: number): WidgetStatus {
  const readyReplicas = deployment?.status?.readyReplicas ?? 0;
  const wanted = widget.spec.replicas;
  const conditions = [...(widget.status?.conditions ?? [])];
  const generation = widget.metadata?.generation;
  const ready = deployment !== undefined && readyReplicas >= wanted;
  setStatusCondition(
    conditions,
    {
      type: readyCondition,
      status: ready ? 'True' : 'False',
      reason: deployment === undefined ? 'DeploymentMissing' : ready ? 'AllReplicasReady' : 'ReplicasNotReady',
      message: `${readyReplicas}/${wanted} replicas ready`,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    },
    { clock: { now: () => now } },
  );
  return {
    readyReplicas,
    conditions,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
}
