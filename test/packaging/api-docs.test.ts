// Builds the API reference with TypeDoc as `npm run docs` does; typedoc.json turns every warning into a failure.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('the API reference', () => {
  let out = '';
  afterAll(() => (out === '' ? undefined : rm(out, { recursive: true, force: true })));

  it('builds with no broken link, unexported referenced type or export without a doc comment', async () => {
    out = await mkdtemp(join(tmpdir(), 'kubeloop-docs-'));
    const typedoc = join(repo, 'node_modules/typedoc/bin/typedoc');
    await run(process.execPath, [typedoc, '--out', out], { cwd: repo, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`typedoc failed:\n${error.stdout ?? ''}${error.stderr ?? String(error)}`);
      },
    );
    // One page per entry point, named as users import it.
    const pages = [
      'kubeloop',
      'kubeloop_client',
      'kubeloop_client_kubernetes_core-v1',
      'kubeloop_cache',
      'kubeloop_controller',
    ];
    for (const page of [...pages, 'kubeloop_crd', 'kubeloop_webhook', 'kubeloop_testing']) {
      expect(existsSync(join(out, 'modules', `${page}.html`)), page).toBe(true);
    }
  });
});
