// Points the apiserver at the Widget webhooks: the admission webhook configurations and the CRD's conversion section.
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhook,
  ValidatingWebhookConfiguration,
} from 'kubeloop/client/kubernetes/admissionregistration-v1';
import type { CustomResourceDefinition } from 'kubeloop/client/kubernetes/apiextensions-v1';
import type { LabelSelector } from 'kubeloop/client/kubernetes/meta-v1';
import { withCABundle } from 'kubeloop/webhook';
import { webhookPaths } from './webhooks.ts';
import { Widgets } from './widget.ts';

/** Where the apiserver reaches the webhook server, and the CA it trusts it by. */
export interface WebhookTarget {
  /** The server's base URL as the apiserver sees it: `https://127.0.0.1:9443`, `https://<service>.<ns>.svc`. */
  readonly url: string;
  /** The PEM CA that signed the server's certificate; written into every caBundle. */
  readonly caPem: string;
}

/** Options of {@link widgetWebhookConfigurations}. */
export interface AdmissionTarget extends WebhookTarget {
  /** The name of both configurations; default `widget-operator`. */
  readonly name?: string;
  /** Only Widgets in the namespaces it selects go to the webhooks; default all namespaces. */
  readonly namespaceSelector?: LabelSelector;
}

/** The Validating and Mutating WebhookConfigurations of a webhook server. */
export interface WidgetWebhookConfigurations {
  readonly validating: ValidatingWebhookConfiguration;
  readonly mutating: MutatingWebhookConfiguration;
}

/**
 * One webhook for Widget creates and updates, registered at v1: with matchPolicy Equivalent a request made at
 * v1alpha1 is converted to v1 first, so the handlers only ever see v1.
 */
function widgetWebhook(name: string, path: string, target: AdmissionTarget): ValidatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    timeoutSeconds: 10,
    clientConfig: { url: `${target.url}${path}` },
    ...(target.namespaceSelector === undefined ? {} : { namespaceSelector: target.namespaceSelector }),
    rules: [
      {
        apiGroups: [Widgets.group],
        apiVersions: [Widgets.version],
        resources: [Widgets.names.plural],
        operations: ['CREATE', 'UPDATE'],
      },
    ],
  };
}

/** The configurations sending Widget creates and updates to the validating and the defaulting webhook. */
export function widgetWebhookConfigurations(target: AdmissionTarget): WidgetWebhookConfigurations {
  const metadata = { name: target.name ?? 'widget-operator' };
  const validate = widgetWebhook(`validate.${Widgets.name}`, webhookPaths.validate, target);
  const mutate = widgetWebhook(`default.${Widgets.name}`, webhookPaths.default, target);
  return {
    validating: withCABundle({ metadata, webhooks: [validate] }, target.caPem),
    mutating: withCABundle({ metadata, webhooks: [mutate] }, target.caPem),
  };
}

/**
 * The Widget CRD to install. With a webhook server, both versions are served and it converts between them;
 * without, only v1 is served, since nothing could turn stored v1 objects into v1alpha1.
 */
export function widgetCRD(webhook?: WebhookTarget): CustomResourceDefinition {
  const crd = Widgets.manifest();
  if (webhook === undefined) {
    return { ...crd, spec: { ...crd.spec, versions: crd.spec.versions.filter((v) => v.storage) } };
  }
  const clientConfig = { url: `${webhook.url}${webhookPaths.convert}` };
  const conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } };
  return withCABundle({ ...crd, spec: { ...crd.spec, conversion } }, webhook.caPem);
}
