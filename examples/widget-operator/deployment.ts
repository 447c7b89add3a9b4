// Builds the Deployment a Widget owns: the server-side apply configuration the operator sends on every reconcile.
import type { Deployment } from 'kubeloop/client/kubernetes/apps-v1';
import { setControllerReference } from 'kubeloop/controller';
import { type Widget, Widgets } from './widget.ts';

/** The labels of a Widget's Deployment and of its pods. */
export function widgetLabels(widget: Widget): Record<string, string> {
  return { 'app.kubernetes.io/name': 'widget', 'app.kubernetes.io/instance': widget.metadata?.name ?? '' };
}

/**
 * The Deployment `widget` should own: same name and namespace, its replicas and image, controlled by it (so the
 * garbage collector deletes it with the Widget, and its events map back to the Widget's key).
 */
export function desiredDeployment(widget: Widget): Deployment {
  const labels = widgetLabels(widget);
  const deployment: Deployment = {
    metadata: { name: widget.metadata?.name ?? '', namespace: widget.metadata?.namespace ?? '', labels },
    spec: {
      replicas: widget.spec.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'widget', image: widget.spec.image }] },
      },
    },
  };
  return setControllerReference(widget, deployment, Widgets.groupVersionKind);
}
