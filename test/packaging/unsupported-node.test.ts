// Runs the installed package on an unsupported Node.js (the machine's own, where it is older) and reads the error.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
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

const node = oldNode();

describe('on an unsupported Node.js', () => {
  // Where the machine's Node is recent enough there is nothing to run this with.
  it.skipIf(node === undefined).each([
    ['import', "import('kubeloop').catch((e) => { console.error(e.message); process.exit(3); })"],
    ['require', "try { require('kubeloop/client') } catch (e) { console.error(e.message); process.exit(3) }"],
  ])('%s of kubeloop fails with one message naming the required version', async (_how, script) => {
    const cwd = inject('packagedRoot');
    const failure = await run(node ?? 'node', ['-e', script], { cwd }).then(
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
