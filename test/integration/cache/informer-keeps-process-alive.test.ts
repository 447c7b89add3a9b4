// Issue 9, defect 0: a program whose only work is an informer used to exit (code 0) at its first backoff.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { clientFor, testNamespace } from '../support.js';
import { compactEtcd } from './reflector-support.js';

const plane = inject('controlPlane');
const fixture = fileURLToPath(new URL('./fixtures/informer-only.ts', import.meta.url));
const core = { group: '', version: 'v1' };

/** The informer-only program as a child process, with its output lines and exit awaited one by one. */
function startChild(env: Record<string, string>, holdFirstWatch = false) {
  // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
  const child: ChildProcess = spawn(process.execPath, [fixture], {
    env: { ...process.env, KUBECONFIG: plane.kubeconfigPath, CONTEXT: plane.adminContext, ...env },
    stdio: [holdFirstWatch ? 'pipe' : 'ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const seen: string[] = [];
  /** Reads lines until one matches; fails if the child exits first. */
  const waitForLine = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`the child exited before printing ${pattern}; it printed ${JSON.stringify(seen)}`);
      seen.push(next.value);
      if (pattern.test(next.value)) return next.value;
    }
  };
  return { child, exited, waitForLine };
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('a program whose only work is an informer', () => {
  it('stays alive through several backoffs while the apiserver is unreachable, and exits 0 on its signal', async () => {
    const { child, exited, waitForLine } = startChild({ SERVER: `https://127.0.0.1:${await closedPort()}` });
    await waitForLine(/^started$/);
    // Three refused requests mean two backoffs slept through (0.8–1.6 s, then 1.6–3.2 s): the first used to end it.
    for (let i = 0; i < 3; i++) await waitForLine(/^request (list|watch)$/);
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('stays alive through a 410 and its relist against the real apiserver, and exits 0 on its signal', async () => {
    const namespace = await testNamespace('keepalive');
    const admin = await clientFor('admin');
    const create = (name: string) =>
      admin.post().groupVersion(core).namespace(namespace).resource('configmaps').body({ metadata: { name } }).do();
    const { child, exited, waitForLine } = startChild({ NAMESPACE: namespace, HOLD_FIRST_WATCH: '1' }, true);
    await waitForLine(/^listed \d+$/);
    // Two writes, then a compaction up to the second: the held watch starts from a compacted resourceVersion
    // (410 Gone), backs off and relists.
    await create('before-compaction');
    await create('at-compaction');
    await compactEtcd();
    child.stdin?.end();
    await waitForLine(/^listed \d+$/);
    await waitForLine(/^added before-compaction$/);
    await create('after-relist');
    await waitForLine(/^added after-relist$/);
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});
