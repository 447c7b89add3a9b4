// Imports kubeloop/webhook by the package's own name, as users do (needs the built dist/).
import * as webhook from 'kubeloop/webhook';
import { describe, expect, it } from 'vitest';

describe('kubeloop/webhook', () => {
  it('resolves to the built module with the server, the webhook builders and the certificate helpers', () => {
    expect(typeof webhook.WebhookServer).toBe('function');
    expect(typeof webhook.validatingWebhook).toBe('function');
    expect(typeof webhook.mutatingWebhook).toBe('function');
    expect(typeof webhook.conversionWebhook).toBe('function');
    expect(typeof webhook.generateWebhookCertificates).toBe('function');
    expect(typeof webhook.withCABundle).toBe('function');
    expect(new webhook.WebhookOptionsError('x').code).toBe('WEBHOOK_OPTIONS');
  });
});
