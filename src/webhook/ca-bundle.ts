/** Writes a CA into the caBundle of webhook configurations and of a CRD's conversion webhook. */
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from '../client/kubernetes/admissionregistration-v1/types.js';
import type { CustomResourceDefinition } from '../client/kubernetes/apiextensions-v1/types.js';
import { WebhookOptionsError } from './errors.js';

/** The objects whose webhook client configurations carry a caBundle. */
export type CABundleTarget = ValidatingWebhookConfiguration | MutatingWebhookConfiguration | CustomResourceDefinition;

/**
 * A copy of `target` whose every webhook trusts `caPem`: each entry of `webhooks[]` of a Validating or Mutating
 * WebhookConfiguration, or `spec.conversion.webhook` of a CRD.
 *
 * Guarantees: `target` is not mutated; only `clientConfig.caBundle` changes (to the base64 of `caPem`, as the API's
 * `[]byte` field is encoded); a target with nothing to write to (no webhooks, a CRD without a conversion webhook)
 * throws a WebhookOptionsError rather than silently trusting nothing.
 *
 * @typeParam T - the target's type, returned as is.
 */
export function withCABundle<T extends CABundleTarget>(target: T, caPem: string): T {
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new WebhookOptionsError('caPem must be a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  const caBundle = Buffer.from(caPem).toString('base64');
  const name = target.metadata?.name ?? '(unnamed)';
  if ('webhooks' in target) {
    if (!target.webhooks?.length) throw new WebhookOptionsError(`${name} has no webhooks to write a caBundle into`);
    const webhooks = target.webhooks.map((webhook) => ({
      ...webhook,
      clientConfig: { ...webhook.clientConfig, caBundle },
    }));
    return { ...target, webhooks };
  }
  const crd = target as CustomResourceDefinition;
  const webhook = crd.spec?.conversion?.webhook;
  if (crd.spec?.conversion?.strategy !== 'Webhook' || webhook === undefined) {
    throw new WebhookOptionsError(`${name}: a caBundle needs spec.conversion with strategy Webhook and a webhook`);
  }
  const conversion = {
    ...crd.spec.conversion,
    webhook: { ...webhook, clientConfig: { ...webhook.clientConfig, caBundle } },
  };
  return { ...target, spec: { ...crd.spec, conversion } };
}
