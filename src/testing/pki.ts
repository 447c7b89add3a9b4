/** Generates the control plane's certificate authority, serving certificate, client certificates and service-account keys. */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  type CertificateProfile,
  encodeName,
  type KeyPair,
  keyPem,
  newKey,
  rawSubject,
  type Subject,
  signCertificate,
} from '../internal/x509.js';

export type { KeyPair, Subject } from '../internal/x509.js';

/** Everything the control plane's TLS and service accounts need, all PEM. */
export interface ControlPlanePki {
  readonly ca: KeyPair;
  readonly serving: KeyPair;
  readonly admin: KeyPair;
  readonly user: KeyPair;
  readonly serviceAccount: { readonly publicKeyPem: string; readonly privateKeyPem: string };
}

/** Names of the identities the generated client certificates carry. */
export interface PkiIdentities {
  readonly admin: Subject;
  readonly user: Subject;
}

// A year: long enough for any test run or a manual session, short enough not to look like a real credential.
const validityDays = 365;

const caName = encodeName({ name: 'kubeloop-ca', groups: [] });

/** A fresh key and its certificate for `subject`, signed by `issuerKey` under the name `issuer`. */
function issue(subject: Subject, issuer: Buffer, issuerKey: KeyObject, profile: CertificateProfile): KeyPair {
  const key = newKey();
  const request = { subject: encodeName(subject), issuer, publicKey: key.publicKey, issuerKey, profile, validityDays };
  return { certPem: signCertificate(request), keyPem: keyPem(key.privateKey) };
}

/**
 * Issues a certificate signed by a CA from {@link generatePki}: a client certificate for `subject`, or (with
 * `serverHosts`) a serving certificate for those names and addresses.
 */
export function issueCertificate(ca: KeyPair, subject: Subject, serverHosts?: readonly string[]): KeyPair {
  const profile: CertificateProfile = serverHosts
    ? { ca: false, usage: 'serverAuth', hosts: serverHosts }
    : { ca: false, usage: 'clientAuth' };
  return issue(subject, rawSubject(ca.certPem), createPrivateKey(ca.keyPem), profile);
}

/** Generates a fresh CA and the certificates signed by it; nothing is reused between control planes. */
export function generatePki(identities: PkiIdentities): ControlPlanePki {
  const caKey = newKey();
  const signed = (subject: Subject, profile: CertificateProfile) => issue(subject, caName, caKey.privateKey, profile);
  const hosts = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', '127.0.0.1', '::1'];
  const sa = newKey();
  const caRequest = { subject: caName, issuer: caName, publicKey: caKey.publicKey, issuerKey: caKey.privateKey };
  return {
    ca: {
      certPem: signCertificate({ ...caRequest, profile: { ca: true }, validityDays }),
      keyPem: keyPem(caKey.privateKey),
    },
    serving: signed({ name: 'kube-apiserver', groups: [] }, { ca: false, usage: 'serverAuth', hosts }),
    admin: signed(identities.admin, { ca: false, usage: 'clientAuth' }),
    user: signed(identities.user, { ca: false, usage: 'clientAuth' }),
    serviceAccount: {
      publicKeyPem: String(sa.publicKey.export({ type: 'spki', format: 'pem' })),
      privateKeyPem: keyPem(sa.privateKey),
    },
  };
}
