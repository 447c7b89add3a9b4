/** Serves exec on a test WebSocket by running the command locally, as a kubelet runs it in a container. */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ServerSocket } from './ws-server.js';

/** The Status a kubelet sends on the error channel for an exit code. */
export function exitStatus(code: number): object {
  if (code === 0) return { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} };
  return {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** Runs `command` (from the query) in `cwd` with the socket as its stdio; v5's close signal ends its stdin. */
export function runLocally(ws: ServerSocket, cwd: string): void {
  const command = ws.url.searchParams.getAll('command');
  const child = spawn(command[0] ?? 'true', command.slice(1), { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined);
  ws.onMessage((message) => {
    const channel = message.readUInt8(0);
    if (channel === 0) child.stdin.write(message.subarray(1));
    if (channel === 255 && message.readUInt8(1) === 0) child.stdin.end();
  });
  const forward = (readable: Readable, channel: number) =>
    new Promise<void>((resolve) => {
      readable.on('data', (chunk: Buffer) => {
        if (!ws.send(channel, chunk)) {
          readable.pause();
          ws.socket.once('drain', () => readable.resume());
        }
      });
      readable.on('end', resolve);
    });
  const outputs = Promise.all([forward(child.stdout, 1), forward(child.stderr, 2)]);
  child.on('close', (code) => {
    void outputs.then(() => {
      ws.send(3, JSON.stringify(exitStatus(code ?? 1)));
      ws.close();
    });
  });
  void ws.closed.then(() => child.kill());
}
