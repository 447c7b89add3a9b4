/** Checks that a chosen cluster and user can be used, rejecting the combinations kubectl rejects. */
import { KubeConfigError, type KubeConfigErrorLocation } from './errors.js';
import type { AuthInfo, Cluster } from './kubeconfig-file.js';

function invalid(location: KubeConfigErrorLocation, field: string, problem: string): KubeConfigError {
  return new KubeConfigError('KUBECONFIG_INVALID', problem, { ...location, field });
}

function set(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/**
 * Rejects what kubectl's validation rejects for a cluster: CA data together with a CA file, and a CA together
 * with `insecure-skip-tls-verify`.
 */
export function checkCluster(cluster: Cluster, location: KubeConfigErrorLocation): void {
  const caFile = set(cluster['certificate-authority']);
  const caData = set(cluster['certificate-authority-data']);
  if (caFile && caData) {
    throw invalid(
      location,
      'certificate-authority-data',
      'certificate-authority-data and certificate-authority are both set',
    );
  }
  if ((caFile || caData) && cluster['insecure-skip-tls-verify'] === true) {
    throw invalid(location, 'insecure-skip-tls-verify', 'a CA may not be given together with insecure-skip-tls-verify');
  }
}

function checkClientCertificate(user: AuthInfo, location: KubeConfigErrorLocation): void {
  const cert = [set(user['client-certificate']), set(user['client-certificate-data'])];
  const key = [set(user['client-key']), set(user['client-key-data'])];
  if (cert[0] && cert[1]) {
    throw invalid(location, 'client-certificate-data', 'client-certificate-data and client-certificate are both set');
  }
  if (key[0] && key[1]) throw invalid(location, 'client-key-data', 'client-key-data and client-key are both set');
  if ((cert[0] || cert[1]) && !(key[0] || key[1])) {
    throw invalid(location, 'client-key', 'a client certificate needs client-key-data or client-key');
  }
  if ((key[0] || key[1]) && !(cert[0] || cert[1])) {
    throw invalid(location, 'client-certificate', 'a client key needs client-certificate-data or client-certificate');
  }
}

function checkExec(user: AuthInfo, location: KubeConfigErrorLocation): void {
  const exec = user.exec;
  if (exec === undefined) return;
  if (user['auth-provider'] !== undefined) {
    throw invalid(location, 'auth-provider', 'auth-provider cannot be combined with an exec plugin');
  }
  if (exec.command === '') throw invalid(location, 'exec.command', 'an exec plugin needs a command');
  if (exec.apiVersion === '') throw invalid(location, 'exec.apiVersion', 'an exec plugin needs an apiVersion');
  if (exec.env?.some((variable) => variable.name === '')) {
    throw invalid(location, 'exec.env', 'every exec environment variable needs a name');
  }
}

/**
 * Rejects what kubectl's validation rejects for a user (a certificate without its key, data and file both set,
 * a token together with basic auth, an incomplete exec plugin, impersonation details without `as`), plus
 * auth-provider plugins, which kubeloop does not implement.
 */
export function checkAuthInfo(user: AuthInfo, location: KubeConfigErrorLocation): void {
  checkClientCertificate(user, location);
  checkExec(user, location);
  if (set(user.token) && (set(user.username) || set(user.password))) {
    throw invalid(location, 'token', 'more than one authentication method: token and basic auth; only one is allowed');
  }
  const details =
    set(user['as-uid']) || (user['as-groups']?.length ?? 0) > 0 || Object.keys(user['as-user-extra'] ?? {}).length > 0;
  if (details && !set(user.as)) {
    throw invalid(location, 'as', 'as-uid, as-groups or as-user-extra need `as` (the user to impersonate)');
  }
  if (user['auth-provider'] !== undefined) {
    throw invalid(location, 'auth-provider', 'auth-provider plugins are not supported; use an exec credential plugin');
  }
}
