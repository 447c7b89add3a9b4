// Packs kubeloop as it would be published and installs the tarball once into a throwaway directory.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** A directory whose node_modules holds the packed kubeloop and its dependencies, installed by npm. */
    packagedRoot: string;
    /** The paths in the tarball, as `npm pack` lists them. */
    packedFiles: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // `npm test` builds first; packing a stale or tsc-only dist would test the wrong thing.
  if (!existsSync(join(repo, 'dist/index.d.cts'))) throw new Error('dist/ is missing or stale: run `npm run build`');
  const root = await mkdtemp(join(tmpdir(), 'kubeloop-packaging-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
    cwd: repo,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (packed === undefined) throw new Error(`npm pack printed no tarball: ${stdout}`);
  const installDir = join(root, 'consumers');
  await mkdir(installDir);
  await writeFile(join(installDir, 'package.json'), JSON.stringify({ name: 'consumers', private: true }));
  // --prefer-offline: the dependencies are in npm's cache after the repository's own install; no network then.
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(root, packed.filename)],
    { cwd: installDir },
  );
  project.provide('packagedRoot', installDir);
  project.provide(
    'packedFiles',
    packed.files.map((file) => file.path),
  );
  return () => rm(root, { recursive: true, force: true });
}
