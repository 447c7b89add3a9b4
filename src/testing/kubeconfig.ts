/** Builds the admin and unprivileged kubeconfig of a local control plane. */
import type { KubeConfigFile } from '../client/config/kubeconfig-file.js';
import type { ControlPlanePki } from './pki.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** Context names in the generated kubeconfig. */
export const adminContext = 'kubeloop-admin';
/** The context of the unprivileged user (authenticated, but granted nothing by RBAC). */
export const userContext = 'kubeloop-user';

/** Returns a kubeconfig with both identities, the admin context current; credentials are inline data. */
export function controlPlaneKubeConfig(server: string, pki: ControlPlanePki): KubeConfigFile {
  const cluster = 'kubeloop';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server, 'certificate-authority-data': b64(pki.ca.certPem) } }],
    users: [
      {
        name: adminContext,
        user: { 'client-certificate-data': b64(pki.admin.certPem), 'client-key-data': b64(pki.admin.keyPem) },
      },
      {
        name: userContext,
        user: { 'client-certificate-data': b64(pki.user.certPem), 'client-key-data': b64(pki.user.keyPem) },
      },
    ],
    contexts: [
      { name: adminContext, context: { cluster, user: adminContext, namespace: 'default' } },
      { name: userContext, context: { cluster, user: userContext, namespace: 'default' } },
    ],
    'current-context': adminContext,
  };
}
