/** Builds the command lines of the cluster's components and the apiserver flags a cluster needs. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { ComponentFiles, KubeletClientFiles } from './credentials.js';
import type { KwokFiles } from './kwok-config.js';

/** The annotation kwok selects the nodes it plays by; nodes without it stay untouched (kwok's own convention). */
export const kwokNodeAnnotation = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

// The client-go defaults (20 QPS for the controller-manager, 50 for the scheduler) would pace a 1,000-pod
// Deployment at tens of seconds; a local apiserver takes far more, as kwokctl's clusters assume.
const qps = 1000;
const burst = 2000;

/** The kube-apiserver flags of a cluster: it reaches kwok's kubelet endpoints on loopback with a client certificate. */
export function clusterApiServerFlags(dir: string, kubelet: KubeletClientFiles): string[] {
  return [
    `--kubelet-client-certificate=${kubelet.certFile}`,
    `--kubelet-client-key=${kubelet.keyFile}`,
    `--kubelet-certificate-authority=${join(dir, 'ca.crt')}`,
    // kwok reports each node at 127.0.0.1 (its --node-ip); a Hostname address would send the apiserver to DNS.
    '--kubelet-preferred-address-types=InternalIP',
  ];
}

const serving = (files: ComponentFiles, port: number): string[] => [
  '--bind-address=127.0.0.1',
  `--secure-port=${port}`,
  `--tls-cert-file=${files.servingCert}`,
  `--tls-private-key-file=${files.servingKey}`,
];

/** kube-controller-manager: every controller, each with its own service account, leader election off. */
export function controllerManagerArgs(dir: string, files: ComponentFiles, port: number): string[] {
  return [
    `--kubeconfig=${files.kubeconfig}`,
    ...serving(files, port),
    '--leader-elect=false',
    // Since v1.31 no controller of kube-controller-manager needs a cloud: `*` is every default-on controller.
    '--controllers=*',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${join(dir, 'sa.key')}`,
    `--root-ca-file=${join(dir, 'ca.crt')}`,
    `--cluster-signing-cert-file=${join(dir, 'ca.crt')}`,
    `--cluster-signing-key-file=${join(dir, 'ca.key')}`,
    `--kube-api-qps=${qps}`,
    `--kube-api-burst=${burst}`,
  ];
}

/** kube-scheduler: a component config (its client flags are deprecated) with leader election off. */
export async function schedulerArgs(dir: string, files: ComponentFiles, port: number): Promise<string[]> {
  const config = join(dir, 'kube-scheduler.yaml');
  const document = {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig: files.kubeconfig, qps, burst },
    leaderElection: { leaderElect: false },
  };
  await writeFile(config, yaml.dump(document), { mode: 0o600 });
  return [`--config=${config}`, ...serving(files, port)];
}

/** kwok: plays the annotated nodes and their pods with the given stages, serving kubelet endpoints on loopback. */
export function kwokArgs(files: ComponentFiles, kwok: KwokFiles, stages: string, port: number): string[] {
  return [
    `--kubeconfig=${files.kubeconfig}`,
    `--config=${stages}`,
    `--config=${kwok.config}`,
    `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}`,
    '--node-ip=127.0.0.1',
    `--node-port=${port}`,
    // Without it kwok listens on 0.0.0.0.
    `--server-address=127.0.0.1:${port}`,
    `--tls-cert-file=${files.servingCert}`,
    `--tls-private-key-file=${files.servingKey}`,
    // kwok's default pod CIDR is a /24: 254 pod IPs, fewer than a 1,000-pod Deployment needs.
    '--cidr=10.244.0.0/16',
    // The heartbeat-with-lease stage updates node status every ~10 min; the lease (renewed every 10 s) is what
    // keeps the node-lifecycle controller from marking the nodes NotReady. 40 s is the kubelet's default.
    '--node-lease-duration-seconds=40',
  ];
}
