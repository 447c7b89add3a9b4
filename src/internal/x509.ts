/** Signs X.509 certificates (ECDSA P-256, SHA-256) for the control plane's PKI and for webhooks, with no dependencies. */
// Shared by kubeloop/testing and kubeloop/webhook: it imports only node:crypto, node:net and the DER encoder, so a
// webhook server's bundle never pulls in the control plane's process-spawning code.
import { generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** An X.509 subject: Kubernetes reads the user name from CN and the groups from O. */
export interface Subject {
  readonly name: string;
  readonly groups: readonly string[];
}

/** What a certificate may be used for: a CA, or a leaf for serving (with its hosts) or for client authentication. */
export type CertificateProfile =
  | { readonly ca: true }
  | { readonly ca: false; readonly usage: 'serverAuth'; readonly hosts: readonly string[] }
  | { readonly ca: false; readonly usage: 'clientAuth' };

/** What {@link signCertificate} needs: names as DER (see {@link encodeName}, {@link rawSubject}) and the keys. */
export interface CertificateRequest {
  readonly subject: Buffer;
  readonly issuer: Buffer;
  readonly publicKey: KeyObject;
  readonly issuerKey: KeyObject;
  readonly profile: CertificateProfile;
  readonly validityDays: number;
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

/** A subject's DER Name: one O per group, then the CN. */
export const encodeName = (subject: Subject): Buffer =>
  der.sequence(
    ...subject.groups.map((group) => der.set(der.sequence(der.oid(oids.organization), der.utf8String(group)))),
    der.set(der.sequence(der.oid(oids.commonName), der.utf8String(subject.name))),
  );

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const [before, after] = [groups(head), groups(tail)];
  const all = host.includes('::') ? [...before, ...Array(8 - before.length - after.length).fill(0), ...after] : before;
  return Buffer.from(all.flatMap((group: number) => [group >> 8, group & 0xff]));
}

/** A subjectAltName entry: iPAddress [7] (4 or 16 bytes) or dNSName [2]. */
function altName(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return der.tlv(0x87, Buffer.from(host.split('.').map(Number)));
  if (family === 6) return der.tlv(0x87, ipv6Bytes(host));
  return der.tlv(0x82, Buffer.from(host, 'ascii'));
}

function extensions(profile: CertificateProfile): Buffer {
  // keyUsage bits: keyCertSign|cRLSign (0x06, 1 unused bit) for a CA; digitalSignature (0x80, 7 unused) otherwise.
  const keyUsage = profile.ca ? der.bitString(Buffer.from([0x06]), 1) : der.bitString(Buffer.from([0x80]), 7);
  const list = [
    extension(oids.basicConstraints, true, der.sequence(...(profile.ca ? [der.boolean(true)] : []))),
    extension(oids.keyUsage, true, keyUsage),
  ];
  if (!profile.ca) list.push(extension(oids.extKeyUsage, false, der.sequence(der.oid(oids[profile.usage]))));
  if (!profile.ca && profile.usage === 'serverAuth') {
    list.push(extension(oids.subjectAltName, false, der.sequence(...profile.hosts.map(altName))));
  }
  return der.explicit(3, der.sequence(...list));
}

const pem = (label: string, bytes: Buffer): string =>
  `-----BEGIN ${label}-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** Signs a certificate with a random 128-bit serial, valid from a minute ago for `validityDays`; returns its PEM. */
export function signCertificate(request: CertificateRequest): string {
  const algorithm = der.sequence(der.oid(oids.ecdsaWithSha256));
  const now = Date.now();
  const tbs = der.sequence(
    der.explicit(0, der.integer(Buffer.from([2]))),
    der.integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    request.issuer,
    // Backdated a minute: the apiserver's clock may be a little behind ours.
    der.sequence(der.time(new Date(now - 60_000)), der.time(new Date(now + request.validityDays * 86_400_000))),
    request.subject,
    request.publicKey.export({ type: 'spki', format: 'der' }),
    extensions(request.profile),
  );
  return pem('CERTIFICATE', der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, request.issuerKey))));
}

/** The raw DER subject of a certificate (the 6th field of its TBSCertificate, bytes as signed): an issuer name. */
export function rawSubject(certPem: string): Buffer {
  const bytes = new X509Certificate(certPem).raw;
  const element = (offset: number): { content: number; end: number } => {
    const first = bytes[offset + 1] ?? 0;
    if (first < 0x80) return { content: offset + 2, end: offset + 2 + first };
    const count = first & 0x7f;
    const length = bytes.readUIntBE(offset + 2, count);
    return { content: offset + 2 + count, end: offset + 2 + count + length };
  };
  let field = element(element(0).content).content;
  for (let index = 0; index < 5; index++) field = element(field).end;
  return bytes.subarray(field, element(field).end);
}

// ECDSA P-256: fast to generate (a control plane is started often in tests) and accepted by Go's TLS and JWT code.
export const newKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const keyPem = (key: KeyObject): string => String(key.export({ type: 'pkcs8', format: 'pem' }));
