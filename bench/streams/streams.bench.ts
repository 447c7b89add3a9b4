// Measures port-forward throughput and exec round trips of kubeloop against the pinned kubectl, through the
// apiserver to a pod of the local cluster's simulated node (kwok echoes forwarded ports and runs exec locally).
// Run: npm run bench -- streams (Node 24 runs this file as is; it uses the built dist/).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ClientSet, exec, execCommand, portForward, type RESTClient } from '../../dist/client/index.js';
import { startControlPlane } from '../../dist/testing/index.js';
import { report, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const megabytes = Number(process.env.BENCH_MB ?? 64);
const execs = Number(process.env.BENCH_EXECS ?? 20);
const run = promisify(execFile);

/** Sends `megabytes` through an echoing local port and reads them back; MB/s each way. */
async function echoThroughput(port: number): Promise<number> {
  const payload = randomBytes(megabytes * 1024 * 1024);
  const socket = connect(port, '127.0.0.1');
  const begin = performance.now();
  socket.write(payload);
  let received = 0;
  for await (const chunk of socket) {
    received += (chunk as Buffer).length;
    if (received >= payload.length) break;
  }
  const seconds = (performance.now() - begin) / 1000;
  socket.destroy();
  return megabytes / seconds;
}

/** Starts `kubectl port-forward` and resolves to its local port once it listens. */
async function kubectlForward(kubectl: string, kubeconfig: string, pod: string): Promise<[ChildProcess, number]> {
  const child = spawn(kubectl, ['--kubeconfig', kubeconfig, 'port-forward', '-n', 'default', `pod/${pod}`, ':8080'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve) =>
    lines.on('line', (line) => {
      const match = /^Forwarding from 127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    }),
  );
  return [child, port];
}

/** Milliseconds of one line sent to `cat` over an open exec session until it comes back. */
async function sessionRoundTrips(rest: RESTClient, pod: string): Promise<number[]> {
  const session = await exec(rest, { namespace: 'default', pod, command: ['cat'], stdin: true, stderr: false });
  const stdout = session.stdout;
  const stdin = session.stdin;
  if (!stdout || !stdin) throw new Error('stdin and stdout were requested');
  const samples: number[] = [];
  for (let i = 0; i < execs; i++) {
    const begin = performance.now();
    stdin.write('ping\n');
    await new Promise((resolve) => stdout.once('data', resolve));
    samples.push(performance.now() - begin);
  }
  session.close();
  return samples;
}

const plane = await startControlPlane({ cluster: { nodes: 1 } });
try {
  const clients = ClientSet.forConfig(plane.adminConfig);
  const pods = clients.coreV1().pods('default');
  const pod = 'bench';
  await pods.create({
    metadata: { name: pod },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/b:1' }] },
  });
  while ((await pods.get(pod)).status?.phase !== 'Running') await new Promise((resolve) => setTimeout(resolve, 100));
  const kubectl = plane.binaries.kubectl;
  const kubeconfig = plane.kubeconfigPath;

  const ours: number[] = [];
  const theirs: number[] = [];
  const forwarder = await portForward(clients.rest, { namespace: 'default', pod, ports: [{ remote: 8080 }] });
  const [child, kubectlPort] = await kubectlForward(kubectl, kubeconfig, pod);
  // The first run of each warms connections and is not counted.
  for (let i = 0; i <= runs; i++) {
    const a = await echoThroughput(forwarder.ports[0]?.local ?? 0);
    const b = await echoThroughput(kubectlPort);
    if (i > 0) ours.push(a);
    if (i > 0) theirs.push(b);
  }
  await forwarder.close();
  child.kill();

  const execOurs: number[] = [];
  const execTheirs: number[] = [];
  for (let i = 0; i <= execs; i++) {
    let begin = performance.now();
    await execCommand(clients.rest, { namespace: 'default', pod, command: ['true'], check: true });
    if (i > 0) execOurs.push(performance.now() - begin);
    begin = performance.now();
    await run(kubectl, ['--kubeconfig', kubeconfig, 'exec', '-n', 'default', pod, '--', 'true']);
    if (i > 0) execTheirs.push(performance.now() - begin);
  }
  const session = await sessionRoundTrips(clients.rest, pod);

  report('streams: port-forward and exec through the apiserver to a kwok pod', [
    summarize(`port-forward, ${megabytes} MB each way over one connection: kubeloop`, ours, 'MB/s'),
    summarize(`port-forward, ${megabytes} MB each way over one connection: kubectl port-forward`, theirs, 'MB/s'),
    summarize('exec `true` until exit code: kubeloop execCommand', execOurs, 'ms'),
    summarize('exec `true` until exit code: kubectl exec (includes starting kubectl)', execTheirs, 'ms'),
    summarize('one line through `cat` over an open kubeloop exec session', session, 'ms'),
  ]);
} finally {
  await plane.stop();
}
