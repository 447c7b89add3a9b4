/**
 * Measures what installing a package costs: packs kubeloop (or takes a registry spec), installs it alone into a
 * temporary project and prints the installed size and package count, the way docs/benchmarks.md reports them.
 * Usage: `node scripts/footprint.ts [spec …]` (default: this repository's tarball, built by `npm run build` first;
 * e.g. `node scripts/footprint.ts . @kubernetes/client-node@2.0.1`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Bytes of every file under `dir` (apparent size, as `du --apparent-size`), without following symlinks. */
function apparentBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += apparentBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function measure(spec: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'kubeloop-footprint-'));
  try {
    let target = spec;
    if (spec === '.') {
      const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: repo,
        encoding: 'utf8',
      });
      target = join(dir, (JSON.parse(packed) as { filename: string }[])[0]?.filename ?? '');
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'footprint', private: true }));
    const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev'];
    execFileSync('npm', ['install', ...flags, target], { cwd: dir, stdio: 'ignore' });
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: object };
    const packages = Object.keys(lock.packages).filter((path) => path !== '').length;
    const mib = apparentBytes(join(dir, 'node_modules')) / 2 ** 20;
    console.log(`${spec}: ${mib.toFixed(1)} MiB installed, ${packages} packages (itself included)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const spec of process.argv.length > 2 ? process.argv.slice(2) : ['.']) measure(spec);
