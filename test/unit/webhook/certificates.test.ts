import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from '../../../src/client/kubernetes/admissionregistration-v1/types.js';
import type { CustomResourceDefinition } from '../../../src/client/kubernetes/apiextensions-v1/types.js';
import { generatePki } from '../../../src/testing/pki.js';
import { withCABundle } from '../../../src/webhook/ca-bundle.js';
import {
  generateCA,
  generateWebhookCertificates,
  issueServingCertificate,
  writeServingCertificate,
} from '../../../src/webhook/certificates.js';
import { WebhookOptionsError } from '../../../src/webhook/errors.js';
import { tempDir } from '../support/temp-dir.js';

describe('webhook certificates', () => {
  it('issues a serving certificate the CA verifies, for every IP and DNS name asked', () => {
    const { ca, serving } = generateWebhookCertificates({ hosts: ['127.0.0.1', '::1', 'webhook.system.svc'] });
    const [caCert, cert] = [new X509Certificate(ca.certPem), new X509Certificate(serving.certPem)];
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('webhook.system.svc')).toBe('webhook.system.svc');
    expect(cert.checkHost('other.svc')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('rotates: a new serving key signed by the same CA', () => {
    const ca = generateCA({ name: 'rotating-ca' });
    const first = issueServingCertificate(ca, { hosts: ['127.0.0.1'] });
    const second = issueServingCertificate(ca, { hosts: ['127.0.0.1'] });
    expect(second.keyPem).not.toBe(first.keyPem);
    expect(new X509Certificate(second.certPem).issuer).toBe('CN=rotating-ca');
    expect(new X509Certificate(second.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  it("issues from another EC CA too, e.g. the control plane's (its subject has O and CN)", () => {
    const plane = generatePki({ admin: { name: 'a', groups: ['g'] }, user: { name: 'u', groups: [] } });
    const serving = issueServingCertificate(plane.ca, { hosts: ['127.0.0.1'] });
    expect(new X509Certificate(serving.certPem).checkIssued(new X509Certificate(plane.ca.certPem))).toBe(true);
  });

  it('refuses no hosts and a non-positive validity', () => {
    const ca = generateCA();
    expect(() => issueServingCertificate(ca, { hosts: [] })).toThrow(WebhookOptionsError);
    expect(() => issueServingCertificate(ca, { hosts: ['a'], validityDays: 0 })).toThrow(WebhookOptionsError);
  });

  it('writes tls.crt and tls.key (0600) into a folder', async () => {
    const dir = await tempDir('kubeloop-certs-');
    const { serving } = generateWebhookCertificates({ hosts: ['localhost'] });
    const files = await writeServingCertificate(dir, serving);
    expect(files).toEqual({ certFile: `${dir}/tls.crt`, keyFile: `${dir}/tls.key` });
    expect(await readFile(files.certFile, 'utf8')).toBe(serving.certPem);
    expect(await readFile(files.keyFile, 'utf8')).toBe(serving.keyPem);
  });
});

describe('withCABundle', () => {
  const { ca } = generateWebhookCertificates({ hosts: ['127.0.0.1'] });
  const bundle = Buffer.from(ca.certPem).toString('base64');
  const hook = (name: string) => ({
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    clientConfig: { url: `https://127.0.0.1:9443/${name}` },
  });

  it('writes the base64 CA into every webhook of a Validating and a Mutating configuration, without mutating them', () => {
    const validating: ValidatingWebhookConfiguration = { metadata: { name: 'v' }, webhooks: [hook('a'), hook('b')] };
    const mutating: MutatingWebhookConfiguration = { metadata: { name: 'm' }, webhooks: [hook('c')] };
    const result = withCABundle(validating, ca.certPem);
    expect(result.webhooks?.map((webhook) => webhook.clientConfig)).toEqual([
      { url: 'https://127.0.0.1:9443/a', caBundle: bundle },
      { url: 'https://127.0.0.1:9443/b', caBundle: bundle },
    ]);
    expect(validating.webhooks?.[0]?.clientConfig.caBundle).toBeUndefined();
    expect(withCABundle(mutating, ca.certPem).webhooks?.[0]?.clientConfig.caBundle).toBe(bundle);
  });

  it("writes it into a CRD's conversion webhook", () => {
    const crd: CustomResourceDefinition = {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Namespaced',
        versions: [],
        conversion: {
          strategy: 'Webhook',
          webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://127.0.0.1:9443/convert' } },
        },
      },
    };
    expect(withCABundle(crd, ca.certPem).spec.conversion?.webhook?.clientConfig).toEqual({
      url: 'https://127.0.0.1:9443/convert',
      caBundle: bundle,
    });
  });

  it('refuses a target with nowhere to write, and a CA that is not PEM', () => {
    const none: CustomResourceDefinition = {
      metadata: { name: 'plain.example.com' },
      spec: { group: 'example.com', names: { kind: 'Plain', plural: 'plains' }, scope: 'Namespaced', versions: [] },
    };
    expect(() => withCABundle(none, ca.certPem)).toThrow(/strategy Webhook/);
    expect(() => withCABundle({ metadata: { name: 'v' }, webhooks: [] }, ca.certPem)).toThrow(/no webhooks/);
    expect(() => withCABundle({ webhooks: [hook('a')] }, 'not pem')).toThrow(WebhookOptionsError);
  });
});
