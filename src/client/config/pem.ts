/** Checks and decodes the PEM credentials a kubeconfig carries inline as base64 `*-data` fields. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { KubeConfigError, type KubeConfigErrorLocation } from './errors.js';

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strips CR and LF and checks the rest is base64 as Go's base64.StdEncoding accepts it (padding required).
 *
 * @returns the base64 text without line breaks, or undefined when it is not valid.
 */
export function stdBase64(data: string): string | undefined {
  const text = data.replace(/[\r\n]/g, '');
  return base64Pattern.test(text) ? text : undefined;
}
const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function invalid(location: KubeConfigErrorLocation, problem: string): KubeConfigError {
  return new KubeConfigError('KUBECONFIG_INVALID', problem, location);
}

/** Decodes a `*-data` field as Go's base64.StdEncoding does (CR and LF ignored, padding required). */
function decodeBase64(data: string, location: KubeConfigErrorLocation): string {
  const text = stdBase64(data);
  if (text === undefined) throw invalid(location, 'not valid base64');
  return Buffer.from(text, 'base64').toString('utf8');
}

/**
 * Decodes base64 PEM certificates (a CA bundle or a client certificate) and checks every block parses.
 *
 * @throws KubeConfigError `KUBECONFIG_INVALID` at `location`; the message never holds the data.
 */
export function decodeCertificates(data: string, location: KubeConfigErrorLocation): string {
  const pem = decodeBase64(data, location);
  const blocks = pem.match(certificateBlock) ?? [];
  if (blocks.length === 0) throw invalid(location, 'holds no PEM certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw invalid(location, 'holds a PEM certificate that does not parse');
    }
  }
  return pem;
}

/**
 * Decodes a base64 PEM private key and checks it parses.
 *
 * @throws KubeConfigError `KUBECONFIG_INVALID` at `location`; the message never holds the key.
 */
export function decodePrivateKey(data: string, location: KubeConfigErrorLocation): string {
  const pem = decodeBase64(data, location);
  try {
    createPrivateKey(pem);
  } catch {
    throw invalid(location, 'holds no PEM private key that parses');
  }
  return pem;
}
