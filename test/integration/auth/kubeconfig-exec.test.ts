import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { RESTClient } from '../../../src/client/rest/index.js';
import { pluginScript, pluginWorkspace, v1beta1 } from '../../fixtures/exec-plugin/exec-config.js';
import { createNamespace, deleteNamespace } from '../support.js';
import { configsFor, serviceAccountToken, whoAmI } from './cluster.js';

const plane = inject('controlPlane');

let admin: RESTClient;
let namespace: string;

beforeAll(async () => {
  admin = RESTClient.forConfig((await configsFor(plane.kubeconfigPath, plane.adminContext)).admin);
  namespace = await createNamespace('auth-kubeconfig');
});

afterAll(async () => {
  await deleteNamespace(namespace);
});

it('authenticates through an exec user of a kubeconfig file, telling the plugin about the cluster', async () => {
  const token = await serviceAccountToken(admin, namespace, 'kubeconfig-exec');
  const { cluster } = await configsFor(plane.kubeconfigPath, plane.adminContext);
  const ws = await pluginWorkspace();
  const kubeconfig: KubeConfigFile = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'local',
        cluster: {
          server: cluster.host,
          'certificate-authority-data': Buffer.from(cluster.caData ?? '').toString('base64'),
          extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'kubeloop-test' } }],
        },
      },
    ],
    users: [
      {
        name: 'plugin-user',
        user: {
          exec: {
            apiVersion: v1beta1,
            command: process.execPath,
            args: [pluginScript],
            env: [
              { name: 'PLUGIN_RECORD', value: ws.record },
              { name: 'PLUGIN_TOKENS', value: token },
            ],
            provideClusterInfo: true,
            installHint: 'the fixture plugin ships with the kubeloop tests',
          },
        },
      },
    ],
    contexts: [{ name: 'plugin', context: { cluster: 'local', user: 'plugin-user' } }],
    'current-context': 'plugin',
  };
  const path = join(ws.dir, 'kubeconfig');
  await writeFile(path, dump(kubeconfig));
  const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [path] }));
  const user = await whoAmI(RESTClient.forConfig(config));
  expect(user.username).toBe(`system:serviceaccount:${namespace}:kubeconfig-exec`);
  const [run] = await ws.runs();
  expect(run?.execInfo.apiVersion).toBe(v1beta1);
  expect(run?.execInfo.spec.cluster).toMatchObject({
    server: cluster.host,
    'certificate-authority-data': Buffer.from(cluster.caData ?? '').toString('base64'),
    config: { audience: 'kubeloop-test' },
  });
});
