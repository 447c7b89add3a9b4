import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { appendCriLog } from '../../src/testing/cluster/kwok-config.js';
import { clients, cluster, eventually, kubectl, testNamespace } from './support.js';

/** A bare pod, Running and Ready once kwok has played it; resolves to its namespace. */
async function runningPod(name: string): Promise<string> {
  const namespace = await testNamespace('kubelet');
  const pods = (await clients()).coreV1().pods(namespace);
  await pods.create({
    metadata: { name },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/kubeloop/app:1', ports: [{ containerPort: 8080 }] }] },
  });
  await eventually(async () => ((await pods.get(name)).status?.phase === 'Running' ? true : undefined));
  return namespace;
}

// kubectl built here talks to the apiserver, which proxies to kwok's kubelet endpoints: this proves the wiring
// independently of kubeloop's own client.
describe("kwok's kubelet endpoints, through the apiserver and the pinned kubectl", () => {
  it('serves pod logs from the simulated container log', async () => {
    const namespace = await runningPod('logs');

    const logs = await kubectl('logs', '-n', namespace, 'logs');

    expect(logs).toContain('kubeloop: this container is simulated by kwok');
  });

  it('follows the log: a line appended to the simulated container log reaches a follower', async () => {
    const namespace = await runningPod('follow');
    const follower = spawn(
      cluster.kubectl,
      ['--kubeconfig', cluster.kubeconfigPath, 'logs', '-f', '-n', namespace, 'follow'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    onTestFinished(() => void follower.kill());
    const lines = createInterface({ input: follower.stdout })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('kubeloop: this container is simulated by kwok');

    const appended = `kubeloop: a line for ${namespace}`;
    await appendCriLog(cluster.podLogFile, appended);

    let line = await lines.next();
    while (!line.done && line.value !== appended) line = await lines.next();
    expect(line.value).toBe(appended);
  });

  it('runs exec commands and returns their output', async () => {
    const namespace = await runningPod('exec');

    expect(await kubectl('exec', '-n', namespace, 'exec', '--', 'echo', 'hi')).toBe('hi\n');
    expect((await kubectl('exec', '-n', namespace, 'exec', '--', 'pwd')).trim()).toBe(cluster.execDir);
  });

  it('forwards a port to an echo of what is sent', async () => {
    const namespace = await runningPod('forward');
    const forward = spawn(
      cluster.kubectl,
      ['--kubeconfig', cluster.kubeconfigPath, 'port-forward', '-n', namespace, 'pod/forward', ':8080'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    onTestFinished(() => void forward.kill());
    const lines = createInterface({ input: forward.stdout });
    const port = await new Promise<number>((resolve) =>
      lines.on('line', (line) => {
        const match = /^Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(line);
        if (match) resolve(Number(match[1]));
      }),
    );

    const socket = connect(port, '127.0.0.1');
    onTestFinished(() => void socket.destroy());
    socket.write('ping\n');
    const echoed = await new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += String(chunk);
        if (received.endsWith('\n')) resolve(received);
      });
    });

    expect(echoed).toBe('ping\n');
  });
});
