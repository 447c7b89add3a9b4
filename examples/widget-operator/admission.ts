// Checks and defaults Widgets as the apiserver admits them: pinned images, bounded scale-ups, a managed-by label.
import type { StatusCause } from 'kubeloop/client';
import { type AdmissionRequest, deny, mutatingWebhook, type Verdict, validatingWebhook } from 'kubeloop/webhook';
import type { Widget } from './widget.ts';

/** The label every Widget gets if it has none, naming what manages it. */
export const managedByLabel = 'demo.kubeloop.dev/managed-by';

/** How much one update may raise `spec.replicas`: a bigger jump is more likely a typo (30 for 3) than a plan. */
export const maxScaleUp = 10;

/** Why `image` is not pinned to one build, or undefined when it is: it has a digest, or a tag other than latest. */
export function unpinned(image: string): string | undefined {
  if (image.includes('@')) return undefined; // a digest names exactly one build
  const name = image.slice(image.lastIndexOf('/') + 1); // a registry's port is not a tag
  const colon = name.lastIndexOf(':');
  if (colon < 0) return 'has no tag, so it means :latest';
  return name.slice(colon + 1) === 'latest' ? 'is tagged :latest, which moves' : undefined;
}

/**
 * The verdict on a Widget being created or updated: its image must be pinned, and an update may raise its replicas
 * by at most {@link maxScaleUp} (the rule sees the old and the new object; `kubectl scale` goes through
 * `widgets/scale`, which the webhook configuration does not match, so a deliberate jump stays possible).
 */
export function validateWidget(request: AdmissionRequest<Widget>): Verdict {
  const widget = request.object;
  if (widget === undefined) return undefined;
  const causes: StatusCause[] = [];
  const reason = unpinned(widget.spec.image);
  if (reason !== undefined) {
    const message = `${JSON.stringify(widget.spec.image)} ${reason}: pin a tag or a digest`;
    causes.push({ field: 'spec.image', reason: 'FieldValueInvalid', message });
  }
  const before = request.operation === 'UPDATE' ? request.oldObject?.spec.replicas : undefined;
  if (before !== undefined && widget.spec.replicas - before > maxScaleUp) {
    const message = `may grow by at most ${maxScaleUp} in one update, not from ${before} to ${widget.spec.replicas}`;
    causes.push({ field: 'spec.replicas', reason: 'FieldValueInvalid', message });
  }
  if (causes.length === 0) return undefined;
  const name = widget.metadata?.name ?? request.name ?? '';
  return deny(`Widget ${name} is invalid: ${causes.map((c) => `${c.field} ${c.message}`).join('; ')}`, { causes });
}

/** Gives a Widget the {@link managedByLabel} label unless it has one. */
export function defaultWidget(widget: Widget): Widget {
  const labels = { [managedByLabel]: 'widget-operator', ...widget.metadata?.labels };
  return { ...widget, metadata: { ...widget.metadata, labels } };
}

/** The validating webhook: {@link validateWidget} behind the AdmissionReview protocol. */
export const validateWidgets = validatingWebhook<Widget>({ name: 'validate-widgets', validate: validateWidget });

/** The defaulting webhook: {@link defaultWidget}, answered as a JSON Patch. */
export const defaultWidgets = mutatingWebhook<Widget>({ name: 'default-widgets', mutate: defaultWidget });
