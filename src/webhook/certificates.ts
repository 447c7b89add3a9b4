/** Generates a development CA and serving certificates for webhooks, on the control plane's DER encoder. */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as der from '../testing/der.js';
import type { KeyPair } from '../testing/pki.js';
import { WebhookOptionsError } from './errors.js';

export type { KeyPair } from '../testing/pki.js';

/** A CA and a serving certificate it signed. */
export interface WebhookCertificates {
  /** Put `ca.certPem` into the webhook configuration's caBundle (see `withCABundle`); keep `ca.keyPem` to rotate. */
  readonly ca: KeyPair;
  readonly serving: KeyPair;
}

/** Options of {@link issueServingCertificate} and {@link generateWebhookCertificates}. */
export interface ServingCertificateOptions {
  /** DNS names and IP addresses the certificate is valid for, e.g. `['127.0.0.1', 'webhook.system.svc']`. */
  readonly hosts: readonly string[];
  /** Default 365: long enough for a development session, short enough not to pass for a real credential. */
  readonly validityDays?: number;
}

const oids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const commonName = (cn: string): Buffer =>
  der.sequence(der.set(der.sequence(der.oid(oids.commonName), der.utf8String(cn))));

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

/** A subjectAltName entry: iPAddress [7] (4 or 16 bytes) or dNSName [2]. */
function altName(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return der.tlv(0x87, Buffer.from(host.split('.').map(Number)));
  if (family === 6) return der.tlv(0x87, ipv6Bytes(host));
  return der.tlv(0x82, Buffer.from(host, 'ascii'));
}

function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const [before, after] = [groups(head), groups(tail)];
  const all = host.includes('::') ? [...before, ...Array(8 - before.length - after.length).fill(0), ...after] : before;
  return Buffer.from(all.flatMap((group: number) => [group >> 8, group & 0xff]));
}

const pem = (label: string, bytes: Buffer): string =>
  `-----BEGIN ${label}-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

interface Issue {
  readonly subject: Buffer;
  readonly issuer: Buffer;
  readonly publicKey: KeyObject;
  readonly issuerKey: KeyObject;
  readonly extensions: readonly Buffer[];
  readonly validityDays: number;
}

/** Signs a certificate (ECDSA P-256, SHA-256) with raw DER subject and issuer names. */
function certificate(issue: Issue): string {
  const algorithm = der.sequence(der.oid(oids.ecdsaWithSha256));
  const now = Date.now();
  const tbs = der.sequence(
    der.explicit(0, der.integer(Buffer.from([2]))),
    der.integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    issue.issuer,
    // Backdated a minute: the apiserver's clock may be a little behind ours.
    der.sequence(der.time(new Date(now - 60_000)), der.time(new Date(now + issue.validityDays * 86_400_000))),
    issue.subject,
    issue.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...issue.extensions)),
  );
  return pem('CERTIFICATE', der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, issue.issuerKey))));
}

/** The raw DER subject of a certificate: the 6th field of its TBSCertificate, bytes as signed. */
function rawSubject(certPem: string): Buffer {
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

// ECDSA P-256: fast to generate and accepted by Go's TLS stack, which is what calls a webhook.
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keyPem = (key: KeyObject): string => String(key.export({ type: 'pkcs8', format: 'pem' }));

const checkedDays = (days: number | undefined): number => {
  const value = days ?? 365;
  if (!(Number.isInteger(value) && value > 0)) throw new WebhookOptionsError(`validityDays must be > 0, got ${value}`);
  return value;
};

/** A new self-signed CA (ECDSA P-256) for signing webhook serving certificates. */
export function generateCA(options: { readonly name?: string; readonly validityDays?: number } = {}): KeyPair {
  const key = newKey();
  const subject = commonName(options.name ?? 'kubeloop-webhook-ca');
  const certPem = certificate({
    subject,
    issuer: subject,
    publicKey: key.publicKey,
    issuerKey: key.privateKey,
    validityDays: checkedDays(options.validityDays),
    extensions: [
      extension(oids.basicConstraints, true, der.sequence(der.boolean(true))),
      // keyCertSign | cRLSign: 0x06 with 1 unused bit.
      extension(oids.keyUsage, true, der.bitString(Buffer.from([0x06]), 1)),
    ],
  });
  return { certPem, keyPem: keyPem(key.privateKey) };
}

/**
 * A serving certificate for `hosts` with a fresh key, signed by `ca` (an EC CA such as {@link generateCA}'s): call
 * it again with the same CA to rotate the serving key without touching any caBundle.
 */
export function issueServingCertificate(ca: KeyPair, options: ServingCertificateOptions): KeyPair {
  if (options.hosts.length === 0) throw new WebhookOptionsError('a serving certificate needs at least one host');
  const issuerKey = createPrivateKey(ca.keyPem);
  if (issuerKey.asymmetricKeyType !== 'ec') {
    throw new WebhookOptionsError(`the CA key must be an EC key, got ${issuerKey.asymmetricKeyType}`);
  }
  const key = newKey();
  const certPem = certificate({
    subject: commonName(options.hosts[0] as string),
    issuer: rawSubject(ca.certPem),
    publicKey: key.publicKey,
    issuerKey,
    validityDays: checkedDays(options.validityDays),
    extensions: [
      extension(oids.basicConstraints, true, der.sequence()),
      // digitalSignature: 0x80 with 7 unused bits.
      extension(oids.keyUsage, true, der.bitString(Buffer.from([0x80]), 7)),
      extension(oids.extKeyUsage, false, der.sequence(der.oid(oids.serverAuth))),
      extension(oids.subjectAltName, false, der.sequence(...options.hosts.map(altName))),
    ],
  });
  return { certPem, keyPem: keyPem(key.privateKey) };
}

/** A new CA and a serving certificate for `hosts` signed by it. */
export function generateWebhookCertificates(options: ServingCertificateOptions): WebhookCertificates {
  const ca = generateCA(options.validityDays === undefined ? {} : { validityDays: options.validityDays });
  return { ca, serving: issueServingCertificate(ca, options) };
}

/** Where {@link writeServingCertificate} put the files. */
export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Writes a serving certificate as `tls.crt` and `tls.key` (a kubernetes.io/tls Secret's names) in `dir`, each by
 * an atomic rename so a watching server never reads half a file; the key is written first, mode 0600.
 */
export async function writeServingCertificate(dir: string, pair: KeyPair): Promise<CertificateFiles> {
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  const replace = async (file: string, text: string): Promise<void> => {
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  };
  await replace(files.keyFile, pair.keyPem);
  await replace(files.certFile, pair.certPem);
  return files;
}
