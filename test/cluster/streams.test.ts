import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RESTClient } from '../../src/client/index.js';
import {
  attach,
  copyFromPod,
  copyToPod,
  execCommand,
  podLogs,
  portForward,
  RemoteCommandError,
} from '../../src/client/streams/index.js';
import { appendCriLog } from '../../src/testing/cluster/kwok-config.js';
import { clients, cluster, eventually, testNamespace } from './support.js';

/** A bare pod, Running once kwok has played it, and the admin's RESTClient. */
async function runningPod(name: string): Promise<{ rest: RESTClient; namespace: string; pod: string }> {
  const namespace = await testNamespace('streams');
  const set = await clients();
  const pods = set.coreV1().pods(namespace);
  await pods.create({
    metadata: { name },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/kubeloop/app:1', ports: [{ containerPort: 8080 }] }] },
  });
  await eventually(async () => ((await pods.get(name)).status?.phase === 'Running' ? true : undefined));
  return { rest: set.rest, namespace, pod: name };
}

// Everything goes kubeloop → kube-apiserver → kwok's kubelet endpoints for a simulated node, and back.
describe('streaming subresources, end to end through the apiserver to simulated pods', () => {
  it('runs exec with stdin and reports exit codes 0 and non-zero', async () => {
    const { rest, namespace, pod } = await runningPod('exec');

    // kwok's exec does not pass the end of stdin on to the command (kubectl's `exec -i … cat` hangs as well), so
    // the command reads one line rather than up to end of input.
    const cat = await execCommand(rest, {
      namespace,
      pod,
      command: ['head', '-n', '1'],
      stdin: 'through the apiserver\n',
    });
    const succeeding = await execCommand(rest, { namespace, pod, command: ['sh', '-c', 'exit 0'] });
    // kwok reports a non-zero exit as an InternalError Status naming the exit status, where a kubelet sends
    // NonZeroExitCode (kubectl prints the same InternalError): it reaches us as RemoteCommandError.
    const failing = await execCommand(rest, { namespace, pod, command: ['sh', '-c', 'exit 42'] }).catch(
      (e: unknown) => e,
    );

    expect(cat.exitCode).toBe(0);
    expect(cat.stdout.toString()).toBe('through the apiserver\n');
    expect(succeeding.exitCode).toBe(0);
    expect(failing).toBeInstanceOf(RemoteCommandError);
    expect((failing as RemoteCommandError).status.message).toContain('exit status 42');
  });

  it('attaches to a running container and reads its output', async () => {
    const { rest, namespace, pod } = await runningPod('attach');

    const session = await attach(rest, { namespace, pod, container: 'app' });
    onTestFinished(() => session.close());
    // kwok's attach streams what the simulated container writes from now on.
    const written = `attached line for ${namespace}`;
    let output = '';
    const arrived = new Promise<void>((resolve) =>
      session.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(written)) resolve();
      }),
    );
    // Attach streams only what is written after kwok starts tailing: write until a line arrives.
    let attached = false;
    void arrived.then(() => {
      attached = true;
    });
    await eventually(async () => {
      await appendCriLog(cluster.podLogFile, written);
      return attached ? true : undefined;
    });

    expect(output).toContain(written);
  });

  it('forwards 20 concurrent connections carrying 10 MB each way', async () => {
    const { rest, namespace, pod } = await runningPod('forward');
    const forwarder = await portForward(rest, { namespace, pod, ports: [{ remote: 8080 }] });
    onTestFinished(() => forwarder.close());
    const local = forwarder.ports[0]?.local ?? 0;

    const connections = Array.from({ length: 20 }, async () => {
      const payload = randomBytes(10 * 1024 * 1024);
      const socket = connect(local, '127.0.0.1');
      socket.write(payload);
      const echoed = await readBytes(socket, payload.length);
      socket.destroy();
      return sha256(echoed) === sha256(payload);
    });

    expect(await Promise.all(connections)).toEqual(Array(20).fill(true));
  });

  it('copies a folder into the container and back out, byte for byte', async () => {
    const { rest, namespace, pod } = await runningPod('copy');
    const local = join(tmpdir(), `kubeloop-streams-${namespace}`);
    // kwok runs exec commands in one folder of this machine: that folder is the "container" filesystem.
    const remote = join(cluster.execDir, namespace);
    onTestFinished(async () => {
      await rm(local, { recursive: true, force: true });
      await rm(remote, { recursive: true, force: true });
    });
    await mkdir(join(local, 'site', 'assets'), { recursive: true });
    await mkdir(remote, { recursive: true });
    await writeFile(join(local, 'site', 'index.html'), '<h1>kubeloop</h1>');
    await writeFile(join(local, 'site', 'assets', 'blob.bin'), randomBytes(2 * 1024 * 1024));

    await copyToPod(rest, { namespace, pod, source: join(local, 'site'), destination: join(remote, 'www') });
    await copyFromPod(rest, { namespace, pod, source: join(remote, 'www'), destination: join(local, 'back') });

    const original = await tree(join(local, 'site'));
    expect(Object.keys(original)).toHaveLength(2);
    expect(await tree(join(remote, 'www'))).toEqual(original);
    expect(await tree(join(local, 'back'))).toEqual(original);
  });

  it('follows a log while it is being written', async () => {
    const { rest, namespace, pod } = await runningPod('logs');
    const controller = new AbortController();
    onTestFinished(() => controller.abort());
    const lines = podLogs(rest, { namespace, pod, follow: true, signal: controller.signal })[Symbol.asyncIterator]();

    expect((await lines.next()).value?.text).toBe('kubeloop: this container is simulated by kwok');
    const written = [`first line for ${namespace}`, `second line for ${namespace}`];
    await appendCriLog(cluster.podLogFile, written.join('\n'));

    const seen: string[] = [];
    while (seen.length < 2) {
      const next = await lines.next();
      if (next.done) break;
      if (next.value.text.endsWith(namespace)) seen.push(next.value.text);
    }
    expect(seen).toEqual(written);
  });
});

async function readBytes(socket: Socket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of socket) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= length) break;
  }
  return Buffer.concat(chunks);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function tree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(dir.length + 1)] = sha256(await readFile(path));
  }
  return files;
}
