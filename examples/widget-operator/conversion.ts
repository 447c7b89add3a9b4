// Converts Widgets between v1alpha1 and v1 for the apiserver: v1 is the hub, and v1alpha1 called `replicas` `size`.
import { conversionWebhook, type Spoke } from 'kubeloop/webhook';
import { type Widget, Widgets, type WidgetV1alpha1 } from './widget.ts';

/**
 * v1alpha1 to and from the hub. Only `spec` changes shape; metadata and status carry over as they are, and the
 * webhook sets apiVersion. Lossless both ways: each v1alpha1 field has exactly one v1 field and back.
 */
export const v1alpha1Spoke: Spoke<Widget, WidgetV1alpha1> = {
  toHub: ({ apiVersion, spec: { size, ...spec }, ...rest }) => ({ ...rest, spec: { ...spec, replicas: size } }),
  fromHub: ({ apiVersion, spec: { replicas, ...spec }, ...rest }) => ({ ...rest, spec: { ...spec, size: replicas } }),
};

/**
 * The conversion webhook: any served version to any other, through v1. A third version would add one spoke (two
 * functions), not a converter per pair.
 */
export const convertWidgets = conversionWebhook<Widget>({
  name: 'convert-widgets',
  hub: Widgets.apiVersion,
  spokes: { [Widgets.forVersion('v1alpha1').apiVersion]: v1alpha1Spoke },
});
