import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePki, issueCertificate } from '../../../src/testing/pki.js';
import { generateCA } from '../../../src/webhook/certificates.js';

const identities = { admin: { name: 'admin', groups: ['system:masters'] }, user: { name: 'user', groups: [] } };

describe('the control plane PKI', () => {
  it('signs a serving certificate the CA verifies, with the client identities in CN and O', () => {
    const pki = generatePki(identities);
    const ca = new X509Certificate(pki.ca.certPem);
    const serving = new X509Certificate(pki.serving.certPem);
    expect(ca.ca).toBe(true);
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.checkIP('::1')).toBe('::1');
    expect(serving.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(new X509Certificate(pki.admin.certPem).subject).toBe('O=system:masters\nCN=admin');
    expect(new X509Certificate(pki.admin.certPem).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  // Regression: every IPv6 host was encoded as ::1, so a certificate for any other IPv6 address did not match it.
  it('issues a serving certificate for an IPv6 address other than ::1', () => {
    const pki = generatePki(identities);
    const cert = new X509Certificate(issueCertificate(pki.ca, { name: 'svc', groups: [] }, ['fd00::10:2']).certPem);
    expect(cert.checkIP('fd00::10:2')).toBe('fd00::10:2');
    expect(cert.checkIP('::1')).toBeUndefined();
  });

  // Regression: the issuer name was always kubeloop-ca's, so a certificate from any other CA did not chain to it.
  it('names the CA it was given as the issuer, not kubeloop-ca', () => {
    const ca = generateCA({ name: 'another-ca' });
    const cert = new X509Certificate(issueCertificate(ca, { name: 'client', groups: ['g'] }).certPem);
    expect(cert.issuer).toBe('CN=another-ca');
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });
});

/** Every file the relative imports of `entry` reach, as paths relative to src/. */
function reachable(entry: string): Set<string> {
  const src = new URL('../../../src/', import.meta.url).pathname;
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(src, file), 'utf8');
    for (const [, target] of text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)\.js';/gms)) {
      visit(relative(src, join(src, dirname(file), `${target}.ts`)));
    }
  };
  visit(entry);
  return seen;
}

describe('kubeloop/webhook', () => {
  it("shares the certificate signer without reaching the control plane's modules", () => {
    const files = [...reachable('webhook/index.ts')];
    expect(files).toContain('internal/x509.ts');
    expect(files.filter((file) => file.startsWith('testing/'))).toEqual([]);
  });
});
