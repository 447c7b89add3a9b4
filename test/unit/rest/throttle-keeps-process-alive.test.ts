// A request waiting on the client-side throttle keeps Node alive, as it does while on the wire (issue 9's class of
// defect: a program that exits on its own with a top-level await unsettled, exit code 13).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/throttled-requests.ts', import.meta.url));

describe('a throttled request', () => {
  it('keeps the process alive until it is sent and answered', async () => {
    // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output).toBe('created first\ncreated second\n');
    expect(code).toBe(0);
  });
});
