// Writes kubeconfig files into a fresh temporary folder, removed when the test ends.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from '../support/temp-dir.js';

/** Creates a temporary folder holding `files` (relative path → content) and returns its absolute path. */
export async function tempFiles(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('kubeloop-config-');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}
