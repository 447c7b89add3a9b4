/** Generates the control plane's certificate authority, serving certificate, client certificates and service-account keys. */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIPv4 } from 'node:net';
import * as der from './der.js';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Everything the control plane's TLS and service accounts need, all PEM. */
export interface ControlPlanePki {
  readonly ca: KeyPair;
  readonly serving: KeyPair;
  readonly admin: KeyPair;
  readonly user: KeyPair;
  readonly serviceAccount: { readonly publicKeyPem: string; readonly privateKeyPem: string };
}

/** An X.509 subject: Kubernetes reads the user name from CN and the groups from O. */
export interface Subject {
  readonly name: string;
  readonly groups: readonly string[];
}

/** Names of the identities the generated client certificates carry. */
export interface PkiIdentities {
  readonly admin: Subject;
  readonly user: Subject;
}

const oids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// A year: long enough for any test run or a manual session, short enough not to look like a real credential.
const validityMs = 365 * 24 * 3600 * 1000;

const name = (subject: Subject): Buffer =>
  der.sequence(
    ...subject.groups.map((group) => der.set(der.sequence(der.oid(oids.organization), der.utf8String(group)))),
    der.set(der.sequence(der.oid(oids.commonName), der.utf8String(subject.name))),
  );

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

const altName = (host: string): Buffer =>
  isIPv4(host) || host.includes(':')
    ? der.tlv(0x87, Buffer.from(isIPv4(host) ? host.split('.').map(Number) : [...Array(15).fill(0), 1]))
    : der.tlv(0x82, Buffer.from(host, 'ascii'));

interface Profile {
  readonly ca: boolean;
  readonly usage?: 'serverAuth' | 'clientAuth';
  readonly hosts?: readonly string[];
}

function extensions(profile: Profile): Buffer {
  // keyUsage bits: keyCertSign|cRLSign (0x06, 1 unused bit) for the CA; digitalSignature (0x80, 7 unused) otherwise.
  const keyUsage = profile.ca ? der.bitString(Buffer.from([0x06]), 1) : der.bitString(Buffer.from([0x80]), 7);
  const list = [
    extension(oids.basicConstraints, true, der.sequence(...(profile.ca ? [der.boolean(true)] : []))),
    extension(oids.keyUsage, true, keyUsage),
  ];
  if (profile.usage) list.push(extension(oids.extKeyUsage, false, der.sequence(der.oid(oids[profile.usage]))));
  if (profile.hosts) list.push(extension(oids.subjectAltName, false, der.sequence(...profile.hosts.map(altName))));
  return der.explicit(3, der.sequence(...list));
}

const pem = (label: string, bytes: Buffer): string =>
  `-----BEGIN ${label}-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** Signs a certificate for `publicKey` with `issuerKey` (ECDSA P-256, SHA-256). */
function certificate(subject: Subject, issuer: Subject, publicKey: KeyObject, issuerKey: KeyObject, profile: Profile) {
  const algorithm = der.sequence(der.oid(oids.ecdsaWithSha256));
  const now = Date.now();
  const tbs = der.sequence(
    der.explicit(0, der.integer(Buffer.from([2]))),
    der.integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    name(issuer),
    der.sequence(der.time(new Date(now - 60_000)), der.time(new Date(now + validityMs))),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions(profile),
  );
  return pem('CERTIFICATE', der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, issuerKey))));
}

// ECDSA P-256: fast to generate (a control plane is started often in tests) and accepted by Go's TLS and JWT code.
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keyPem = (key: KeyObject): string => String(key.export({ type: 'pkcs8', format: 'pem' }));

const caSubject: Subject = { name: 'kubeloop-ca', groups: [] };

/**
 * Issues a certificate signed by a CA from {@link generatePki}: a client certificate for `subject`, or (with
 * `serverHosts`) a serving certificate for those names and addresses.
 */
export function issueCertificate(ca: KeyPair, subject: Subject, serverHosts?: readonly string[]): KeyPair {
  const key = newKey();
  const profile: Profile = serverHosts
    ? { ca: false, usage: 'serverAuth', hosts: serverHosts }
    : { ca: false, usage: 'clientAuth' };
  const certPem = certificate(subject, caSubject, key.publicKey, createPrivateKey(ca.keyPem), profile);
  return { certPem, keyPem: keyPem(key.privateKey) };
}

/** Generates a fresh CA and the certificates signed by it; nothing is reused between control planes. */
export function generatePki(identities: PkiIdentities): ControlPlanePki {
  const caKey = newKey();
  const issue = (subject: Subject, profile: Profile): KeyPair => {
    const key = newKey();
    const certPem = certificate(subject, caSubject, key.publicKey, caKey.privateKey, profile);
    return { certPem, keyPem: keyPem(key.privateKey) };
  };
  const hosts = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', '127.0.0.1', '::1'];
  const sa = newKey();
  return {
    ca: {
      certPem: certificate(caSubject, caSubject, caKey.publicKey, caKey.privateKey, { ca: true }),
      keyPem: keyPem(caKey.privateKey),
    },
    serving: issue({ name: 'kube-apiserver', groups: [] }, { ca: false, usage: 'serverAuth', hosts }),
    admin: issue(identities.admin, { ca: false, usage: 'clientAuth' }),
    user: issue(identities.user, { ca: false, usage: 'clientAuth' }),
    serviceAccount: {
      publicKeyPem: String(sa.publicKey.export({ type: 'spki', format: 'pem' })),
      privateKeyPem: keyPem(sa.privateKey),
    },
  };
}
