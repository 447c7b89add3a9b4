/** Issues the cluster components' certificates and writes them, with one kubeconfig per component, into the plane's folder. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeConfigFile } from '../../client/config/kubeconfig-file.js';
import { issueCertificate, type KeyPair, type Subject } from '../pki.js';

/** The components that talk to the apiserver with a client certificate of their own. */
export type Component = 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

// The user names the apiserver's bootstrap RBAC policy grants each component's permissions to. kwok plays every
// kubelet at once (and impersonates for some stages), which no single bootstrap role covers.
const clients: Record<Component, Subject> = {
  'kube-controller-manager': { name: 'system:kube-controller-manager', groups: [] },
  'kube-scheduler': { name: 'system:kube-scheduler', groups: [] },
  kwok: { name: 'kubeloop-kwok', groups: ['system:masters'] },
};

const loopback = ['127.0.0.1', 'localhost'];

const write = (path: string, text: string): Promise<void> => writeFile(path, text, { mode: 0o600 });

/** Paths of the apiserver's side of the kubelet connection, written before the apiserver starts. */
export interface KubeletClientFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Writes the client certificate the apiserver presents to kwok's kubelet endpoints (logs, exec, port-forward) and
 * the CA's key for the controller-manager's CSR signer; both stay in the plane's folder, removed with it.
 */
export async function writeKubeletClient(dir: string, ca: KeyPair): Promise<KubeletClientFiles> {
  const pair = issueCertificate(ca, { name: 'kube-apiserver-kubelet-client', groups: [] });
  const files = { certFile: join(dir, 'kubelet-client.crt'), keyFile: join(dir, 'kubelet-client.key') };
  await Promise.all([
    write(files.certFile, pair.certPem),
    write(files.keyFile, pair.keyPem),
    write(join(dir, 'ca.key'), ca.keyPem),
  ]);
  return files;
}

/** What one component needs: its kubeconfig and the certificate it serves its own endpoints with. */
export interface ComponentFiles {
  readonly kubeconfig: string;
  readonly servingCert: string;
  readonly servingKey: string;
}

function kubeconfigFor(server: string, ca: KeyPair, user: string, client: KeyPair): KubeConfigFile {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubeloop', cluster: { server, 'certificate-authority-data': b64(ca.certPem) } }],
    users: [
      { name: user, user: { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) } },
    ],
    contexts: [{ name: user, context: { cluster: 'kubeloop', user } }],
    'current-context': user,
  };
}

/** Issues `component`'s client and loopback serving certificates and writes them with its kubeconfig. */
export async function writeComponentFiles(
  dir: string,
  server: string,
  ca: KeyPair,
  component: Component,
): Promise<ComponentFiles> {
  const subject = clients[component];
  const client = issueCertificate(ca, subject);
  const serving = issueCertificate(ca, { name: component, groups: [] }, loopback);
  const files: ComponentFiles = {
    kubeconfig: join(dir, `${component}.kubeconfig`),
    servingCert: join(dir, `${component}.crt`),
    servingKey: join(dir, `${component}.key`),
  };
  await Promise.all([
    write(files.kubeconfig, yaml.dump(kubeconfigFor(server, ca, subject.name, client))),
    write(files.servingCert, serving.certPem),
    write(files.servingKey, serving.keyPem),
  ]);
  return files;
}
