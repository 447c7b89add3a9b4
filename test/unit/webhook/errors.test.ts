import { describe, expect, it } from 'vitest';
import { KubeloopError } from '../../../src/errors.js';
import {
  WebhookCertificateError,
  WebhookConversionError,
  WebhookListenError,
  WebhookOptionsError,
  WebhookRequestError,
  WebhookServerStateError,
  WebhookTimeoutError,
} from '../../../src/webhook/errors.js';

describe('webhook errors', () => {
  it.each([
    [new WebhookOptionsError('m'), 'WEBHOOK_OPTIONS'],
    [new WebhookCertificateError('m', '/tls.crt'), 'WEBHOOK_CERTIFICATE'],
    [new WebhookRequestError(413, 'm'), 'WEBHOOK_REQUEST'],
    [new WebhookTimeoutError('m'), 'WEBHOOK_TIMEOUT'],
    [new WebhookConversionError('m'), 'WEBHOOK_CONVERSION'],
    [new WebhookListenError('m'), 'WEBHOOK_LISTEN'],
    [new WebhookServerStateError('m'), 'WEBHOOK_SERVER_STATE'],
  ])('%s has code %s, its class name and the KubeloopError brand', (error, code) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(error).toBeInstanceOf(KubeloopError);
  });

  it('carry their typed fields', () => {
    expect(new WebhookRequestError(415, 'm').status).toBe(415);
    expect(new WebhookCertificateError('m', '/tls.key').file).toBe('/tls.key');
  });
});
