// The @kubernetes/client-node peer: its informer (makeInformer over listPodForAllNamespaces) on the replay server.
// Run by peers.bench.ts: node bench/peers/client-node.ts <url> full <objects> <events>
import { ADD, CoreV1Api, KubeConfig, makeInformer, UPDATE } from '@kubernetes/client-node';
import { control, countTo, cpuMs, finish, measure, peerArgs } from './protocol.ts';

const { url, objects, events } = peerArgs();
const config = new KubeConfig();
config.loadFromOptions({
  clusters: [{ name: 'bench', server: url, skipTLSVerify: true }],
  users: [{ name: 'bench' }],
  contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
  currentContext: 'bench',
});
const core = config.makeApiClient(CoreV1Api);
const informer = makeInformer(config, '/api/v1/pods', () => core.listPodForAllNamespaces());
const adds = countTo(objects);
const updates = countTo(events);
informer.on(ADD, adds.count);
informer.on(UPDATE, updates.count);
const begin = performance.now();
await informer.start();
await adds.reached;
const syncMs = performance.now() - begin;
const afterSync = measure();
const burstBegin = performance.now();
const burstCpu = cpuMs();
await control(url, 'burst');
await updates.reached;
const eventsPerSec = events / ((performance.now() - burstBegin) / 1000);
const burstCpuMs = cpuMs() - burstCpu;
finish({
  peer: 'client-node',
  mode: 'full',
  syncMs,
  eventsPerSec,
  burstCpuMs,
  afterSync,
  afterBurst: measure(),
  objects: informer.list().length,
});
