// What points the apiserver at the widget webhooks: the CRD's versions and conversion, the admission configurations.
import { generateCA } from 'kubeloop/webhook';
import { describe, expect, it } from 'vitest';
import { widgetCRD, widgetWebhookConfigurations } from '../../../examples/widget-operator/webhook-config.ts';

const ca = generateCA();
const target = { url: 'https://127.0.0.1:9443', caPem: ca.certPem };
const caBundle = Buffer.from(ca.certPem).toString('base64');

describe('widgetCRD', () => {
  it('serves v1 alone without a webhook, since nothing could convert to v1alpha1', () => {
    const crd = widgetCRD();
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([['v1', true, true]]);
    expect(crd.spec.conversion).toBeUndefined();
  });

  it('serves both versions with a webhook, converted at its /convert-widgets path, trusting its CA', () => {
    const crd = widgetCRD(target);
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([
      ['v1', true, true],
      ['v1alpha1', true, false],
    ]);
    expect(crd.spec.conversion).toEqual({
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1'],
        clientConfig: { url: 'https://127.0.0.1:9443/convert-widgets', caBundle },
      },
    });
  });
});

describe('widgetWebhookConfigurations', () => {
  it('sends Widget creates and updates at v1 (others converted first) to each webhook path, trusting the CA', () => {
    const selector = { matchLabels: { team: 'a' } };
    const { validating, mutating } = widgetWebhookConfigurations({ ...target, namespaceSelector: selector });
    expect(validating.metadata?.name).toBe('widget-operator');
    expect(validating.webhooks).toEqual([
      expect.objectContaining({
        name: 'validate.widgets.demo.kubeloop.dev',
        clientConfig: { url: 'https://127.0.0.1:9443/validate-widgets', caBundle },
        matchPolicy: 'Equivalent',
        namespaceSelector: selector,
        rules: [
          {
            apiGroups: ['demo.kubeloop.dev'],
            apiVersions: ['v1'],
            resources: ['widgets'],
            operations: ['CREATE', 'UPDATE'],
          },
        ],
      }),
    ]);
    expect(mutating.webhooks).toEqual([
      expect.objectContaining({
        name: 'default.widgets.demo.kubeloop.dev',
        clientConfig: { url: 'https://127.0.0.1:9443/default-widgets', caBundle },
      }),
    ]);
  });

  it('matches every namespace unless a selector is given', () => {
    const { validating } = widgetWebhookConfigurations({ ...target, name: 'mine' });
    expect(validating.metadata?.name).toBe('mine');
    expect(validating.webhooks?.[0]?.namespaceSelector).toBeUndefined();
  });
});
