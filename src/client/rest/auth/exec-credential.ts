/** Encodes the ExecCredential an exec plugin reads from KUBERNETES_EXEC_INFO and decodes the one it prints. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ExecClusterInfo } from '../config.js';
import type { ClientCertificate } from './authenticator.js';
import { ExecPluginError } from './errors.js';

/** The client.authentication.k8s.io versions kubeloop speaks (v1alpha1 was removed in Kubernetes 1.24). */
export const execApiVersions: readonly string[] = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
];

/** The credential a plugin returned, decoded and checked. */
export interface ExecCredentialResult {
  readonly token: string | undefined;
  readonly certificate: ClientCertificate | undefined;
  /** Epoch ms after which the credential must be fetched again; undefined: until a 401. */
  readonly expiresAt: number | undefined;
}

/** Returns the KUBERNETES_EXEC_INFO value: the ExecCredential input, with the cluster when one is given. */
export function execInfo(apiVersion: string, interactive: boolean, cluster: ExecClusterInfo | undefined): string {
  const spec = cluster === undefined ? { interactive } : { cluster, interactive };
  return JSON.stringify({ apiVersion, kind: 'ExecCredential', spec });
}

/**
 * Decodes a plugin's stdout as client-go does: an ExecCredential of the configured apiVersion whose status holds a
 * token and/or a client certificate with its key. Errors describe the shape, never quote the output.
 */
export function parseExecCredential(stdout: string, command: string, apiVersion: string): ExecCredentialResult {
  const bad = (what: string): ExecPluginError => new ExecPluginError('bad-output', `exec plugin ${command}: ${what}`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(stdout);
  } catch {
    // No cause: JSON.parse's message quotes the output, which may hold a credential.
    throw bad('output is not JSON');
  }
  if (!isObject(decoded) || decoded.kind !== 'ExecCredential') throw bad('output is not an ExecCredential');
  if (decoded.apiVersion !== apiVersion) {
    const returned = typeof decoded.apiVersion === 'string' ? decoded.apiVersion : 'none';
    throw bad(`configured to use API version ${apiVersion}, plugin returned version ${returned}`);
  }
  const status = decoded.status;
  if (!isObject(status)) throw bad('output has no status');
  const token = optionalString(status.token, 'status.token', bad);
  const cert = optionalString(status.clientCertificateData, 'status.clientCertificateData', bad);
  const key = optionalString(status.clientKeyData, 'status.clientKeyData', bad);
  if (token === undefined && cert === undefined && key === undefined)
    throw bad('returned neither a token nor a cert/key pair');
  if ((cert === undefined) !== (key === undefined)) throw bad('returned only a certificate or a key, not both');
  const certificate = cert !== undefined && key !== undefined ? checkedPair(cert, key, bad) : undefined;
  return { token, certificate, expiresAt: expiry(status.expirationTimestamp, bad) };
}

type Bad = (what: string) => ExecPluginError;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, field: string, bad: Bad): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw bad(`${field} is not a string`);
  return value;
}

function expiry(value: unknown, bad: Bad): number | undefined {
  if (value === undefined || value === null) return undefined;
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) throw bad('status.expirationTimestamp is not an RFC 3339 time');
  return at;
}

function checkedPair(cert: string, key: string, bad: Bad): ClientCertificate {
  let matches = false;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    // Unparsable PEM; the cause is dropped as it could echo key material.
  }
  if (!matches) throw bad('returned a client certificate and key that are not a matching PEM pair');
  return { cert, key };
}
