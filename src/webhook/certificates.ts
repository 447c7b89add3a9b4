/** Generates a development CA and serving certificates for webhooks, on the shared X.509 signer. */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeName, type KeyPair, keyPem, newKey, rawSubject, signCertificate } from '../internal/x509.js';
import { WebhookOptionsError } from './errors.js';

export type { KeyPair } from '../internal/x509.js';

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

const commonName = (cn: string): Buffer => encodeName({ name: cn, groups: [] });

const checkedDays = (days: number | undefined): number => {
  const value = days ?? 365;
  if (!(Number.isInteger(value) && value > 0)) throw new WebhookOptionsError(`validityDays must be > 0, got ${value}`);
  return value;
};

/** A new self-signed CA (ECDSA P-256) for signing webhook serving certificates. */
export function generateCA(options: { readonly name?: string; readonly validityDays?: number } = {}): KeyPair {
  const key = newKey();
  const subject = commonName(options.name ?? 'kubeloop-webhook-ca');
  const certPem = signCertificate({
    subject,
    issuer: subject,
    publicKey: key.publicKey,
    issuerKey: key.privateKey,
    validityDays: checkedDays(options.validityDays),
    profile: { ca: true },
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
  const certPem = signCertificate({
    subject: commonName(options.hosts[0] as string),
    issuer: rawSubject(ca.certPem),
    publicKey: key.publicKey,
    issuerKey,
    validityDays: checkedDays(options.validityDays),
    profile: { ca: false, usage: 'serverAuth', hosts: options.hosts },
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
