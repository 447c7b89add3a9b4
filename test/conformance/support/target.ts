// Gives each conformance test its target (the real control plane or the fake API server) and marks known differences.
import { randomUUID } from 'node:crypto';
import { afterAll, inject, onTestFinished, type TestContext, test } from 'vitest';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { createFakeApiServer, type FakeApiServer, startControlPlane } from '../../../src/testing/index.js';

/** Which server this vitest project runs the suite against (set by the project's `env`). */
export const targetName: 'real' | 'fake' = process.env.KUBELOOP_CONFORMANCE_TARGET === 'real' ? 'real' : 'fake';

/** What a conformance test needs of its server, whichever it is. */
export interface Target {
  readonly name: 'real' | 'fake';
  readonly config: RestConfig;
  readonly client: RESTClient;
  /** A fresh namespace, deleted when the test finishes. */
  namespace(): Promise<string>;
  /** Compacts history so older resourceVersions answer 410 Gone (etcd compaction / the fake's compact()). */
  compact(): Promise<void>;
  /** The fake server itself (fake target only). */
  readonly fake?: FakeApiServer;
}

let current: Promise<Target> | undefined;

/** The target of this project, built once per test file. */
export function target(): Promise<Target> {
  current ??= targetName === 'real' ? realTarget() : Promise.resolve(fakeTarget());
  return current;
}

async function realTarget(): Promise<Target> {
  const plane = inject('controlPlane');
  const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
    context: plane.adminContext,
  });
  const client = RESTClient.forConfig(config);
  return {
    name: 'real',
    config,
    client,
    namespace: () => namespaceOn(client),
    compact: async () => {
      await compactEtcd(plane.etcdEndpoint);
    },
  };
}

let cluster: Promise<{ readonly target: Target; stop(): Promise<void> }> | undefined;

/**
 * The real target of cases that need controllers (the garbage collector): a whole local cluster of this test
 * file's own, started at its first such case and stopped after the file. The shared control plane runs none,
 * and the other cases expect a bare apiserver (no `kube-root-ca.crt` ConfigMap in each namespace, say).
 */
function clusterTarget(): Promise<Target> {
  cluster ??= startControlPlane({ cluster: { nodes: 1 } }).then((plane) => {
    const client = RESTClient.forConfig(plane.adminConfig);
    const target: Target = {
      name: 'real',
      config: plane.adminConfig,
      client,
      namespace: () => namespaceOn(client),
      compact: async () => {
        await plane.compactEtcd();
      },
    };
    return { target, stop: () => plane.stop() };
  });
  return cluster.then((c) => c.target);
}

let clusterStopRegistered = false;

function fakeTarget(): Target {
  const fake = createFakeApiServer();
  const client = RESTClient.forConfig(fake.config);
  return {
    name: 'fake',
    config: fake.config,
    client,
    namespace: () => namespaceOn(client),
    compact: async () => {
      fake.compact();
    },
    fake,
  };
}

async function namespaceOn(client: RESTClient): Promise<string> {
  const name = `conf-${randomUUID().slice(0, 8)}`;
  await client
    .post()
    .groupVersion({ group: '', version: 'v1' })
    .resource('namespaces')
    .body({ metadata: { name } })
    .do();
  onTestFinished(async () => {
    await client.delete().groupVersion({ group: '', version: 'v1' }).resource('namespaces').name(name).do();
  });
  return name;
}

/** Compacts etcd up to its current revision, physically (older resourceVersions are gone). */
async function compactEtcd(endpoint: string): Promise<void> {
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`etcd ${path}: ${response.status} ${await response.text()}`);
    return await response.json();
  };
  const range = (await post('/v3/kv/range', { key: 'AA==' })) as { header: { revision: string } };
  await post('/v3/kv/compaction', { revision: range.header.revision, physical: true });
}

/** A case's body: it gets the target. */
export type CaseBody = (t: Target, context: TestContext) => Promise<void>;

/** A documented way the fake differs: the reason, and the fake's actual behaviour, asserted. */
export interface KnownDifference {
  readonly reason: string;
  readonly onFake: CaseBody;
}

/** Marks a case as differing on the fake: on the fake, `onFake` runs instead and asserts what the fake does. */
export function knownDifference(reason: string, onFake: CaseBody): KnownDifference {
  return { reason, onFake };
}

/**
 * Declares a conformance case: `body` runs against the real apiserver, and against the fake unless a known
 * difference is given (then its own assertions run there, and the test name carries the reason).
 * `needs: 'controllers'` marks cases that need the garbage collector: on the real side they run against a whole
 * cluster of their file's own (see clusterTarget).
 */
export function conformance(
  name: string,
  body: CaseBody,
  options: { readonly difference?: KnownDifference; readonly needs?: 'controllers' } = {},
): void {
  const { difference } = options;
  const title = difference ? `${name} [differs on fake: ${difference.reason}]` : name;
  const run = targetName === 'fake' && difference ? difference.onFake : body;
  if (options.needs === 'controllers' && targetName === 'real') {
    if (!clusterStopRegistered) {
      clusterStopRegistered = true;
      afterAll(async () => {
        const started = cluster;
        cluster = undefined;
        if (started) await (await started).stop();
      });
    }
    test(`${title} [on a whole cluster]`, async (context) => run(await clusterTarget(), context));
    return;
  }
  test(title, async (context) => run(await target(), context));
}
