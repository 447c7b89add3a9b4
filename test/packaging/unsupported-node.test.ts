// Runs the installed package on an unsupported Node.js (the machine's own where it is older, else Node 20 from the
// npm registry) and reads the error.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertSupportedNode, UnsupportedNodeError } from '../../src/runtime-check.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const { engines } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { engines: { node: string } };
const minimum = engines.node.replace(/^>=\s*/, '');

/** The first `node` on PATH outside this repository (whose node_modules/.bin holds Node 24), if it is too old. */
function oldNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || dir.startsWith(repo)) continue;
    const node = join(dir, 'node');
    try {
      const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      assertSupportedNode(version, minimum);
      return undefined;
    } catch (error) {
      if (error instanceof UnsupportedNodeError) return node;
    }
  }
  return undefined;
}

/** Node 20 as the npm registry ships it, one package per platform, with no install script. */
async function registryNode20(dir: string): Promise<string> {
  const pkg = `node-${process.platform}-${process.arch}`;
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${pkg}@20`]);
  return join(dir, 'node_modules', pkg, 'bin', 'node');
}

describe('on an unsupported Node.js', () => {
  let node = '';
  let dir: string | undefined;
  beforeAll(async () => {
    const old = oldNode();
    if (old) node = old;
    else {
      dir = await mkdtemp(join(tmpdir(), 'node20-'));
      node = await registryNode20(dir);
    }
  }, 120_000);
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it.each([
    ['import', "import('kubeloop').catch((e) => { console.error(e.message); process.exit(3); })"],
    ['require', "try { require('kubeloop/client') } catch (e) { console.error(e.message); process.exit(3) }"],
  ])('%s of kubeloop fails with one message naming the required version', async (_how, script) => {
    const cwd = inject('packagedRoot');
    const failure = await run(node, ['-e', script], { cwd }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(3);
    expect(failure?.stderr?.trim()).toMatch(
      new RegExp(`^kubeloop requires Node\\.js ${minimum.replaceAll('.', '\\.')} or newer; this is Node\\.js \\d+\\.`),
    );
  });
});

describe('assertSupportedNode', () => {
  it.each([
    ['22.19.0', '22.19.0'],
    ['22.20.1', '22.19.0'],
    ['23.0.0', '22.19.0'],
    ['24.21.0', '22.19.0'],
  ])('accepts Node.js %s when %s is required', (version, required) => {
    expect(() => assertSupportedNode(version, required)).not.toThrow();
  });

  it.each([
    ['20.20.2', '22.19.0'],
    ['22.18.9', '22.19.0'],
    ['22.9.0', '22.19.0'],
  ])('rejects Node.js %s when %s is required, with a typed error', (version, required) => {
    expect(() => assertSupportedNode(version, required)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_NODE', nodeVersion: version, minimumNodeVersion: required }),
    );
  });
});
