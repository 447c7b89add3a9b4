/** Starts a real etcd and kube-apiserver on loopback (envtest's way), or a whole cluster, and stops them without leftovers. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Agent, request } from 'undici';
import type { KubeConfigFile } from '../client/config/kubeconfig-file.js';
import { restConfigFromKubeConfig } from '../client/config/rest-config.js';
import type { CustomResourceDefinition } from '../client/kubernetes/apiextensions-v1/types.js';
import type { RestConfig } from '../client/rest/config.js';
import { type ControlPlaneBinaries, resolveBinaries, resolveClusterBinaries } from './binaries.js';
import { clusterApiServerFlags } from './cluster/components.js';
import { writeKubeletClient } from './cluster/credentials.js';
import { type ClusterOptions, type LocalCluster, startCluster } from './cluster/start.js';
import { waitFor } from './cluster/wait.js';
import { type CRDOptions, installCRDs, uninstallCRDs } from './crds.js';
import { adminContext, controlPlaneKubeConfig, userContext } from './kubeconfig.js';
import { recordProcesses } from './leftovers.js';
import { type ControlPlanePki, generatePki } from './pki.js';
import { freePort } from './ports.js';
import { Guardian, startProcess } from './processes.js';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Extra kube-apiserver flags, appended last so they override ours (e.g. `--watch-cache-sizes=configmaps#0`). */
  readonly apiServerFlags?: readonly string[];
  /** Extra etcd flags, appended last. */
  readonly etcdFlags?: readonly string[];
  /**
   * How long to wait for the apiserver (and a cluster's components and nodes) to be ready; default 60 s (a loaded
   * CI machine can be slow).
   */
  readonly startTimeoutMs?: number;
  /** Binaries to use instead of resolving them (see {@link resolveBinaries}). */
  readonly binaries?: ControlPlaneBinaries;
  /** Keeps the processes running after this process exits; only `stop()` or SIGTERM to `guardianPid` ends them. */
  readonly persist?: boolean;
  /**
   * Makes it a whole cluster: kube-controller-manager, kube-scheduler and kwok's simulated nodes beside the
   * apiserver (see {@link LocalCluster}). Without it, only etcd and the apiserver run (the fast default).
   */
  readonly cluster?: ClusterOptions;
}

/** A running local control plane. */
export interface ControlPlane {
  /** The apiserver's URL, `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** Path of the generated kubeconfig (contexts `kubeloop-admin`, current, and `kubeloop-user`). */
  readonly kubeconfigPath: string;
  /** The generated kubeconfig, parsed. */
  readonly kubeconfig: KubeConfigFile;
  /** The context of the admin user (client certificate, group system:masters). */
  readonly adminContext: string;
  /** The context of an authenticated user that RBAC grants nothing. */
  readonly userContext: string;
  /** A ready RestConfig of the admin (group system:masters), for any client. */
  readonly adminConfig: RestConfig;
  /** A ready RestConfig of the unprivileged user: authenticated, granted nothing until a test binds a role. */
  readonly userConfig: RestConfig;
  /** The versions actually running, as the servers report them. */
  readonly versions: { readonly kubernetes: string; readonly etcd: string };
  /** etcd's client URL (plain HTTP on loopback), e.g. for compaction. */
  readonly etcdEndpoint: string;
  /** The binaries in use. */
  readonly binaries: ControlPlaneBinaries;
  /** The cluster's components and nodes, when started with the `cluster` option. */
  readonly cluster?: LocalCluster;
  /** The temporary folder holding certificates, data and logs; removed by `stop()`. */
  readonly dir: string;
  /** The guardian process: SIGTERM to it stops everything (what the CLI's `down` does). */
  readonly guardianPid: number;
  /** The random token on the guardian's command line, which tells it from a later process given the same pid. */
  readonly guardianToken: string;
  /** Compacts etcd up to its current revision, so older resourceVersions answer 410 Gone; returns that revision. */
  compactEtcd(): Promise<number>;
  /** Installs CRDs as the admin and waits until each is served; see {@link installCRDs}. */
  installCRDs(crds: readonly CustomResourceDefinition[], options?: CRDOptions): Promise<void>;
  /** Deletes CRDs as the admin and waits until each is gone; see {@link uninstallCRDs}. */
  uninstallCRDs(crds: readonly CustomResourceDefinition[], options?: CRDOptions): Promise<void>;
  /** Ends both processes and removes the folder; resolves when they are gone. Safe to call twice. */
  stop(): Promise<void>;
}

const identities = {
  admin: { name: 'kubeloop-admin', groups: ['system:masters'] },
  user: { name: 'kubeloop-user', groups: [] },
} as const;

async function writePki(dir: string, pki: ControlPlanePki): Promise<void> {
  const files: Record<string, string> = {
    'ca.crt': pki.ca.certPem,
    'apiserver.crt': pki.serving.certPem,
    'apiserver.key': pki.serving.keyPem,
    'sa.pub': pki.serviceAccount.publicKeyPem,
    'sa.key': pki.serviceAccount.privateKeyPem,
  };
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text, { mode: 0o600 })));
}

function apiServerArgs(dir: string, port: number, etcdEndpoint: string): string[] {
  return [
    `--etcd-servers=${etcdEndpoint}`,
    '--bind-address=127.0.0.1',
    // Given explicitly: the apiserver would otherwise look for the default route's address, and this machine has none.
    '--advertise-address=127.0.0.1',
    // The kubernetes Service's endpoints cannot be a loopback address; nothing in-cluster needs them here.
    '--endpoint-reconciler-type=none',
    `--secure-port=${port}`,
    `--cert-dir=${dir}`,
    `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
    `--client-ca-file=${join(dir, 'ca.crt')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
  ];
}

/** The apiserver flags that depend on whether a cluster runs beside it. */
async function clusterDependentFlags(dir: string, pki: ControlPlanePki, cluster: boolean): Promise<string[]> {
  // Without a controller-manager nothing creates the `default` ServiceAccount: pods could not be admitted with it on.
  if (!cluster) return ['--disable-admission-plugins=ServiceAccount'];
  return clusterApiServerFlags(dir, await writeKubeletClient(dir, pki.ca));
}

function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    '--name=default',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // Test data is thrown away: skipping fsync makes every write an order of magnitude faster.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

async function getJson(url: string, dispatcher?: Agent, method: 'GET' | 'POST' = 'GET', body?: string) {
  const response = await request(url, { method, ...(dispatcher ? { dispatcher } : {}), ...(body ? { body } : {}) });
  const text = await response.body.text();
  return response.statusCode === 200 ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

async function startEtcd(guardian: Guardian, binary: string, dir: string, flags: readonly string[], deadline: number) {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const etcd = await startProcess(
    guardian,
    'etcd',
    binary,
    [...etcdArgs(dir, clientPort, peerPort), ...flags],
    join(dir, 'etcd.log'),
  );
  await waitFor('etcd /health', deadline, [etcd], async () =>
    (await getJson(`${endpoint}/health`))?.health === 'true' ? true : undefined,
  );
  const version = await getJson(`${endpoint}/version`);
  return { endpoint, version: String(version?.etcdserver) };
}

async function startApiServer(
  guardian: Guardian,
  binary: string,
  dir: string,
  etcdEndpoint: string,
  flags: readonly string[],
  deadline: number,
  agent: Agent,
) {
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const args = [...apiServerArgs(dir, port, etcdEndpoint), ...flags];
  const apiserver = await startProcess(guardian, 'kube-apiserver', binary, args, join(dir, 'kube-apiserver.log'));
  // /readyz covers the post-start hooks (RBAC's bootstrap roles among them); the default namespace comes a moment later.
  await waitFor('kube-apiserver /readyz', deadline, [apiserver], async () => {
    const response = await request(`${server}/readyz`, { dispatcher: agent });
    return (await response.body.text()) === 'ok' && response.statusCode === 200 ? true : undefined;
  });
  await waitFor('the default namespace', deadline, [apiserver], () =>
    getJson(`${server}/api/v1/namespaces/default`, agent),
  );
  const version = await getJson(`${server}/version`, agent);
  return { server, version: String(version?.gitVersion) };
}

/**
 * Starts etcd and kube-apiserver on 127.0.0.1 with free ports, a fresh CA, RBAC, an admin and an unprivileged user,
 * and resolves once `/readyz` is ok and the `default` namespace exists. With `cluster`, it also starts
 * kube-controller-manager, kube-scheduler and kwok, and resolves once the cluster is ready (see {@link LocalCluster}).
 *
 * Guarantees: nothing listens on or connects to a non-loopback address; every process runs in its own process
 * group under a guardian that ends them and removes the temp folder when `stop()` is called or when this
 * process dies in any way, SIGKILL included. On a failed start everything already started is torn down.
 */
export async function startControlPlane(
  options: ControlPlaneOptions & { readonly cluster: ClusterOptions },
): Promise<ControlPlane & { readonly cluster: LocalCluster }>;
export async function startControlPlane(options?: ControlPlaneOptions): Promise<ControlPlane>;
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? (await resolveBinaries());
  const clusterBinaries = options.cluster && (options.cluster.binaries ?? (await resolveClusterBinaries()));
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const guardian = await Guardian.start();
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-'));
  await guardian.register(`dir ${dir}`);
  if (options.persist) await guardian.register('persist');
  const pki = generatePki(identities);
  const agent = new Agent({ connect: { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem } });
  try {
    await writePki(dir, pki);
    const etcd = await startEtcd(guardian, binaries.etcd, dir, options.etcdFlags ?? [], deadline);
    const api = await startApiServer(
      guardian,
      binaries.kubeApiserver,
      dir,
      etcd.endpoint,
      [...(await clusterDependentFlags(dir, pki, options.cluster !== undefined)), ...(options.apiServerFlags ?? [])],
      deadline,
      agent,
    );
    const cluster =
      options.cluster &&
      clusterBinaries &&
      (await startCluster(
        { guardian, dir, server: api.server, pki, binaries: clusterBinaries, deadline },
        options.cluster,
      ));
    const kubeconfig = controlPlaneKubeConfig(api.server, pki);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, yaml.dump(kubeconfig), { mode: 0o600 });
    if (options.persist) {
      // Read by the CLI's `down` should it have to kill the guardian, which then cannot end them itself.
      await recordProcesses(dir, guardian.pids);
      guardian.detach();
    }
    const adminConfig = restConfigFromKubeConfig(kubeconfig, { context: adminContext });
    return {
      server: api.server,
      kubeconfigPath,
      kubeconfig,
      adminContext,
      userContext,
      adminConfig,
      userConfig: restConfigFromKubeConfig(kubeconfig, { context: userContext }),
      versions: { kubernetes: api.version, etcd: etcd.version },
      etcdEndpoint: etcd.endpoint,
      binaries,
      ...(cluster ? { cluster } : {}),
      dir,
      guardianPid: guardian.pid,
      guardianToken: guardian.token,
      compactEtcd: () => compactEtcd(etcd.endpoint),
      installCRDs: (crds, crdOptions) => installCRDs(adminConfig, crds, crdOptions),
      uninstallCRDs: (crds, crdOptions) => uninstallCRDs(adminConfig, crds, crdOptions),
      stop: () => guardian.release(),
    };
  } catch (error) {
    await guardian.release();
    throw error;
  } finally {
    await agent.close();
  }
}

/** Compacts etcd's whole keyspace up to its current revision through etcd's JSON gateway. */
async function compactEtcd(endpoint: string): Promise<number> {
  const range = await getJson(`${endpoint}/v3/kv/range`, undefined, 'POST', JSON.stringify({ key: 'AA==' }));
  const revision = Number((range?.header as { revision?: string } | undefined)?.revision);
  if (!Number.isSafeInteger(revision))
    throw new Error(`kubeloop: etcd did not report its revision (${JSON.stringify(range)})`);
  const body = JSON.stringify({ revision: String(revision), physical: true });
  if (!(await getJson(`${endpoint}/v3/kv/compaction`, undefined, 'POST', body))) {
    throw new Error(`kubeloop: etcd refused to compact at revision ${revision}`);
  }
  return revision;
}
