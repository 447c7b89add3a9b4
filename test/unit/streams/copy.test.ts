import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient } from '../../../src/client/index.js';
import { copyFromPod, copyToPod, NonZeroExitCodeError } from '../../../src/client/streams/index.js';
import { tempDir } from '../support/temp-dir.js';
import { runLocally } from './support/local-exec.js';
import { startTestServer, type TestServer } from './support/ws-server.js';

let server: TestServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await server?.close();
  server = undefined;
  agent = undefined;
});

/** A "container" whose exec runs commands in `root` on this machine. */
async function containerAt(root: string, protocol = 'v5.channel.k8s.io'): Promise<RESTClient> {
  server = await startTestServer({ protocols: [protocol], onSocket: (ws) => runLocally(ws, root) });
  agent = new Agent();
  return RESTClient.forConfig({ host: server.host, dispatcher: agent });
}

async function tree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(dir.length + 1)] = (await readFile(path)).toString('base64');
  }
  return files;
}

const target = { namespace: 'default', pod: 'box' };

describe('copyToPod and copyFromPod', () => {
  it('copies a folder in under a new name and back out, byte for byte', async () => {
    const local = await tempDir('kubeloop-copy-');
    const remote = await tempDir('kubeloop-copy-');
    await mkdir(join(local, 'site', 'assets', 'deep'), { recursive: true });
    await writeFile(join(local, 'site', 'index.html'), '<h1>hello</h1>');
    await writeFile(join(local, 'site', 'assets', 'blob.bin'), randomBytes(3 * 1024 * 1024));
    await writeFile(join(local, 'site', 'assets', 'deep', 'empty.txt'), '');
    const rest = await containerAt(remote);

    await copyToPod(rest, { ...target, source: join(local, 'site'), destination: join(remote, 'www') });
    await copyFromPod(rest, { ...target, source: join(remote, 'www'), destination: join(local, 'back') });

    const original = await tree(join(local, 'site'));
    expect(Object.keys(original)).toHaveLength(3);
    expect(await tree(join(remote, 'www'))).toEqual(original);
    expect(await tree(join(local, 'back'))).toEqual(original);
  });

  it('copies a single file under a new name', async () => {
    const local = await tempDir('kubeloop-copy-');
    const remote = await tempDir('kubeloop-copy-');
    await writeFile(join(local, 'config.yaml'), 'a: 1\n');
    const rest = await containerAt(remote);

    await copyToPod(rest, { ...target, source: join(local, 'config.yaml'), destination: join(remote, 'app.yaml') });

    expect(await readFile(join(remote, 'app.yaml'), 'utf8')).toBe('a: 1\n');
  });

  it("completes on a v4 server, which cannot close the container's stdin", async () => {
    const local = await tempDir('kubeloop-copy-');
    const remote = await tempDir('kubeloop-copy-');
    await mkdir(join(local, 'data'));
    await writeFile(join(local, 'data', 'a.bin'), randomBytes(12_345));
    const rest = await containerAt(remote, 'v4.channel.k8s.io');

    await copyToPod(rest, { ...target, source: join(local, 'data'), destination: join(remote, 'data') });

    expect(await tree(join(remote, 'data'))).toEqual(await tree(join(local, 'data')));
  });

  it("rejects with the container tar's complaint when the source is missing", async () => {
    const remote = await tempDir('kubeloop-copy-');
    const local = await tempDir('kubeloop-copy-');
    const rest = await containerAt(remote);

    const error = await copyFromPod(rest, {
      ...target,
      source: join(remote, 'missing'),
      destination: join(local, 'x'),
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NonZeroExitCodeError);
    expect((error as NonZeroExitCodeError).stderr).toContain('missing');
  });
});
