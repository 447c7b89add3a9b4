// Runs every benchmark under bench/ (or those whose path contains the first argument), one process each.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = import.meta.dirname;
const filter = process.argv[2] ?? '';
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.bench.ts') && file.includes(filter))
  .sort();
for (const file of files) {
  console.error(`bench: ${relative(process.cwd(), join(root, file))}`);
  const result = spawnSync(process.execPath, [join(root, file)], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
