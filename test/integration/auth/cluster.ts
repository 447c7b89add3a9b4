import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { isAlreadyExists, type RESTClient } from '../../../src/client/rest/index.js';

const core = { group: '', version: 'v1' };
const authentication = { group: 'authentication.k8s.io', version: 'v1' };
const fromBase64 = (data: string | undefined): string | undefined =>
  data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');

/** The cluster's address and CA only: no credential. */
export type ClusterConfig = Pick<RestConfig, 'host' | 'caData'>;

/** Reads the kubeconfig by hand: the cluster of `context`, and the user's client certificate. */
export async function configsFor(
  kubeconfigPath: string,
  context: string,
): Promise<{ cluster: ClusterConfig; admin: RestConfig }> {
  const file = load(await readFile(kubeconfigPath, 'utf8')) as KubeConfigFile;
  const ctx = file.contexts?.find((c) => c.name === context)?.context;
  const cluster = file.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = file.users?.find((u) => u.name === ctx?.user)?.user;
  if (cluster?.server === undefined || user === undefined) throw new Error(`context ${context} is incomplete`);
  const ca = fromBase64(cluster['certificate-authority-data']);
  const clusterConfig: ClusterConfig = { host: cluster.server, ...(ca === undefined ? {} : { caData: ca }) };
  const cert = fromBase64(user['client-certificate-data']);
  const key = fromBase64(user['client-key-data']);
  if (cert === undefined || key === undefined) throw new Error(`user of ${context} has no client certificate`);
  return { cluster: clusterConfig, admin: { ...clusterConfig, certData: cert, keyData: key } };
}

/** Creates a ServiceAccount and returns a fresh token for it from the TokenRequest API. */
export async function serviceAccountToken(admin: RESTClient, namespace: string, name: string): Promise<string> {
  await admin
    .post()
    .groupVersion(core)
    .namespace(namespace)
    .resource('serviceaccounts')
    .body({ metadata: { name } })
    .do()
    .catch((error: unknown) => {
      if (!isAlreadyExists(error)) throw error;
    });
  const request = await admin
    .post()
    .groupVersion(core)
    .namespace(namespace)
    .resource('serviceaccounts')
    .name(name)
    .subresource('token')
    .body({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })
    .do<{ status: { token: string } }>();
  return request.status.token;
}

/** Who the server thinks `client` is. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: string[];
  readonly extra?: Record<string, string[]>;
}

/** Asks the apiserver who the client is (POST selfsubjectreviews). */
export async function whoAmI(client: RESTClient): Promise<UserInfo> {
  const review = await client
    .post()
    .groupVersion(authentication)
    .resource('selfsubjectreviews')
    .body({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })
    .do<{ status: { userInfo: UserInfo } }>();
  return review.status.userInfo;
}
