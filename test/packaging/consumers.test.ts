// Installs the packed tarball into ESM, CommonJS and TypeScript projects and runs a snippet in each.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { consumers, expectedExports, writeConsumer } from './consumers.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

describe('the packed package', () => {
  it('ships the license, the changelog and the types `require` resolves to', () => {
    const files = inject('packedFiles');
    for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'dist/index.d.cts', 'dist/runtime-check.js']) {
      expect(files, file).toContain(file);
    }
  });

  it.each(consumers)('works in a $name project', async (consumer) => {
    const dir = await writeConsumer(inject('packagedRoot'), consumer, join(repo, 'node_modules/@types'));
    let entry = join(dir, consumer.file);
    if (consumer.compilerOptions !== undefined) {
      // tsc prints its diagnostics on stdout; show them when it fails.
      await run(process.execPath, [tsc, '-p', dir]).catch((error: { stdout?: string }) => {
        throw new Error(`tsc failed for ${consumer.name}:\n${error.stdout ?? String(error)}`);
      });
      entry = join(dir, 'out/main.js');
    }
    const { stdout } = await run(process.execPath, [entry], { cwd: dir });
    const report = JSON.parse(stdout) as { userAgent: string; exports: Record<string, string> };
    expect(report.exports).toEqual(expectedExports);
    // The version comes from src/version.ts, inlined at build time, not from reading package.json.
    expect(report.userAgent).toMatch(new RegExp(`^kubeloop/${version.replaceAll('.', '\\.')} \\(`));
  });
});
