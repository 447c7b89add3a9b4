// Measures a warm whole cluster (binaries cached): start until ready, stop, and how long the pods of a 1,000-replica
// Deployment take to be Running and Ready, then to go away after scaling to 0.
// Run: npm run bench -- testing/cluster (Node 24 runs this file as is; it uses the built dist/).
import { ClientSet } from '../../dist/client/index.js';
import { resolveBinaries, resolveClusterBinaries, startControlPlane } from '../../dist/testing/index.js';
import { report, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const replicas = Number(process.env.BENCH_REPLICAS ?? 1000);
const binaries = await resolveBinaries();
const clusterBinaries = await resolveClusterBinaries();

/** Polls `done` every 100 ms; resolves to the milliseconds since `begin` when it first holds. */
async function timeUntil(begin: number, done: () => Promise<boolean>): Promise<number> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 100));
  return performance.now() - begin;
}

/** Runs a Deployment of `replicas` pods to readyReplicas, then scales it to 0 until its pods are gone. */
async function podsOfADeployment(clients: ClientSet): Promise<{ ready: number; gone: number }> {
  const deployments = clients.appsV1().deployments('default');
  const pods = clients.coreV1().pods('default');
  const labels = { app: 'bench' };
  const container = { name: 'app', image: 'registry.invalid/kubeloop/bench:1' };
  const begin = performance.now();
  await deployments.create({
    metadata: { name: 'bench' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container] } },
    },
  });
  const ready = await timeUntil(begin, async () => (await deployments.get('bench')).status?.readyReplicas === replicas);
  const running = await pods.list({ labelSelector: 'app=bench', fieldSelector: 'status.phase=Running' });
  if (running.items.length !== replicas) throw new Error(`${running.items.length} of ${replicas} pods are Running`);
  const scaled = performance.now();
  await deployments.patch('bench', 'merge', { spec: { replicas: 0 } });
  const gone = await timeUntil(
    scaled,
    async () => (await pods.list({ labelSelector: 'app=bench' })).items.length === 0,
  );
  return { ready, gone };
}

const starts: number[] = [];
const stops: number[] = [];
const ready: number[] = [];
const gone: number[] = [];
for (let i = 0; i <= runs; i++) {
  const begin = performance.now();
  const plane = await startControlPlane({ binaries, cluster: { binaries: clusterBinaries } });
  const started = performance.now();
  // The first run warms the page cache and is not counted.
  if (i > 0) {
    starts.push(started - begin);
    const pods = await podsOfADeployment(ClientSet.forConfig(plane.adminConfig));
    ready.push(pods.ready);
    gone.push(pods.gone);
  }
  const stopping = performance.now();
  await plane.stop();
  if (i > 0) stops.push(performance.now() - stopping);
}
report('local cluster (apiserver, controller-manager, scheduler, kwok with 3 nodes), warm', [
  summarize('start until components healthy, nodes Ready, default ServiceAccount', starts, 'ms'),
  summarize(`Deployment of ${replicas}: create until readyReplicas ${replicas} (all Running)`, ready, 'ms'),
  summarize(`scale ${replicas} to 0 until every pod is gone`, gone, 'ms'),
  summarize('stop (processes gone, folder removed)', stops, 'ms'),
]);
