import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient, StatusError } from '../../../src/client/index.js';
import {
  attach,
  exec,
  execCommand,
  NonZeroExitCodeError,
  RemoteCommandError,
  StreamClosedError,
} from '../../../src/client/streams/index.js';
import { exitStatus, runLocally } from './support/local-exec.js';
import { type ServerSocket, startTestServer, type TestServer, type TestServerOptions } from './support/ws-server.js';

const v5 = 'v5.channel.k8s.io';
const v4 = 'v4.channel.k8s.io';

let server: TestServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await server?.close();
  server = undefined;
  agent = undefined;
});

async function clientFor(options: TestServerOptions): Promise<RESTClient> {
  server = await startTestServer(options);
  agent = new Agent();
  return RESTClient.forConfig({ host: server.host, bearerToken: 'secret-token', dispatcher: agent });
}

const target = { namespace: 'default', pod: 'web' };

describe('exec', () => {
  it('negotiates v5, sends the command and credentials, and closes stdin with the close channel', async () => {
    const rest = await clientFor({ protocols: [v5, v4], onSocket: (ws) => runLocally(ws, process.cwd()) });

    const result = await execCommand(rest, { ...target, container: 'app', command: ['cat'], stdin: 'hello\n' });

    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout.toString()).toBe('hello\n');
    const request = server?.requests[0];
    expect(request?.url.pathname).toBe('/api/v1/namespaces/default/pods/web/exec');
    expect(request?.url.searchParams.getAll('command')).toEqual(['cat']);
    expect(request?.url.searchParams.get('container')).toBe('app');
    expect(request?.url.searchParams.get('stdin')).toBe('true');
    expect(request?.headers.authorization).toBe('Bearer secret-token');
    expect(request?.headers['sec-websocket-protocol']).toBe(`${v5}, ${v4}`);
  });

  it('falls back to v4 when the server does not offer v5, and reads its exit code', async () => {
    const rest = await clientFor({ protocols: [v4], onSocket: (ws) => runLocally(ws, process.cwd()) });

    const session = await exec(rest, { ...target, command: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    const [stdout, stderr, exitCode] = await Promise.all([
      text(session.stdout),
      text(session.stderr),
      session.exitCode,
    ]);

    expect(session.protocol).toBe(v4);
    expect({ stdout, stderr, exitCode }).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
  });

  it('turns a non-zero exit into NonZeroExitCodeError only when asked to check', async () => {
    const rest = await clientFor({ protocols: [v5], onSocket: (ws) => runLocally(ws, process.cwd()) });
    const command = ['sh', '-c', 'echo broken >&2; exit 7'];

    await expect(execCommand(rest, { ...target, command })).resolves.toMatchObject({ exitCode: 7 });
    const error = await execCommand(rest, { ...target, command, check: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonZeroExitCodeError);
    expect(error).toMatchObject({ code: 'NON_ZERO_EXIT_CODE', exitCode: 7, stderr: 'broken\n' });
  });

  it('rejects with RemoteCommandError carrying a failure Status that is not an exit code', async () => {
    const status = { kind: 'Status', status: 'Failure', reason: 'InternalError', message: 'executable file not found' };
    const rest = await clientFor({
      protocols: [v5],
      onSocket: (ws) => {
        ws.send(3, JSON.stringify(status));
        ws.close();
      },
    });

    const session = await exec(rest, { ...target, command: ['nope'] });

    await expect(session.exitCode).rejects.toBeInstanceOf(RemoteCommandError);
    await expect(session.exitCode).rejects.toMatchObject({ code: 'REMOTE_COMMAND', status, message: status.message });
  });

  it('rejects with StreamClosedError when the connection is reset mid-stream, after delivering what arrived', async () => {
    const rest = await clientFor({
      protocols: [v5],
      onSocket: (ws) => {
        ws.send(1, 'partial');
        ws.socket.once('drain', () => undefined);
        setImmediate(() => ws.socket.destroy());
      },
    });

    const session = await exec(rest, { ...target, command: ['long'] });

    expect(await text(session.stdout)).toBe('partial');
    await expect(session.exitCode).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('rejects the handshake with the StatusError the server answered', async () => {
    const notFound = {
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'pods "web" not found',
    };
    const rest = await clientFor({
      protocols: [v5],
      reject: (_request, respond) => {
        respond(404, notFound);
        return true;
      },
    });

    const error = await exec(rest, { ...target, command: ['ls'] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StatusError);
    expect(error).toMatchObject({ statusCode: 404, reason: 'NotFound', message: 'pods "web" not found' });
  });

  it('ends everything at once on abort: the exit code rejects with the reason and the server sees the close', async () => {
    let serverSide: ServerSocket | undefined;
    const rest = await clientFor({
      protocols: [v5],
      onSocket: (ws) => {
        serverSide = ws;
        ws.send(1, 'started');
      },
    });
    const controller = new AbortController();
    const session = await exec(rest, { ...target, command: ['sleep', '1000'], signal: controller.signal });
    const [first] = (await once(session.stdout as Readable, 'data')) as [Buffer];

    const reason = new Error('user pressed ctrl-c');
    controller.abort(reason);

    await expect(session.exitCode).rejects.toBe(reason);
    expect(first.toString()).toBe('started');
    expect(await text(session.stdout)).toBe('');
    await serverSide?.closed;
    expect(serverSide?.socket.destroyed).toBe(true);
  });

  it('rejects the exit code with StreamClosedError when we close before the command ended', async () => {
    const rest = await clientFor({ protocols: [v5], onSocket: (ws) => ws.send(1, 'running') });
    const session = await exec(rest, { ...target, command: ['sleep', '1000'] });
    await once(session.stdout as Readable, 'data');

    session.close();

    await expect(session.exitCode).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('sends terminal sizes on the resize channel and opens no stderr with a tty', async () => {
    const messages: Buffer[] = [];
    const rest = await clientFor({
      protocols: [v5],
      onSocket: (ws) =>
        ws.onMessage((message) => {
          messages.push(message);
          ws.send(3, JSON.stringify(exitStatus(0)));
          ws.close();
        }),
    });

    const session = await exec(rest, { ...target, command: ['sh'], tty: true, stdin: true });
    session.resize({ width: 120, height: 40 });

    await expect(session.exitCode).resolves.toBe(0);
    expect(session.stderr).toBeUndefined();
    expect(server?.requests[0]?.url.searchParams.get('stderr')).toBe('false');
    expect(messages[0]?.readUInt8(0)).toBe(4);
    expect(JSON.parse(messages[0]?.subarray(1).toString() ?? '')).toEqual({ Width: 120, Height: 40 });
  });
});

describe('attach', () => {
  it('attaches to the container without a command', async () => {
    const rest = await clientFor({
      protocols: [v5],
      onSocket: (ws) => {
        ws.send(1, 'log line\n');
        ws.send(3, JSON.stringify(exitStatus(0)));
        ws.close();
      },
    });

    const session = await attach(rest, { ...target, container: 'app' });

    expect(await text(session.stdout)).toBe('log line\n');
    await expect(session.exitCode).resolves.toBe(0);
    expect(server?.requests[0]?.url.pathname).toBe('/api/v1/namespaces/default/pods/web/attach');
    expect(server?.requests[0]?.url.searchParams.has('command')).toBe(false);
  });
});

describe('back-pressure', () => {
  const total = 64 * 1024 * 1024;

  it('stops reading the socket while stdout is not read, then delivers every byte', async () => {
    const sent = createHash('sha256');
    let written = 0;
    let finished = false;
    const rest = await clientFor({
      protocols: [v5],
      onSocket: (ws) => {
        const chunk = Buffer.alloc(32 * 1024, 7);
        const pump = () => {
          while (written < total) {
            written += chunk.length;
            sent.update(chunk);
            if (!ws.send(1, chunk)) return void ws.socket.once('drain', pump);
          }
          finished = true;
          ws.send(3, JSON.stringify(exitStatus(0)));
          ws.close();
        };
        pump();
      },
    });
    const session = await exec(rest, { ...target, command: ['yes'], stderr: false });
    const stdout = session.stdout;
    if (!stdout) throw new Error('stdout was requested');

    // Let the loopback connection run: a client without back-pressure would take all 64 MiB in meanwhile.
    while (stdout.readableLength < stdout.readableHighWaterMark) await nextTurn();
    for (let turn = 0; turn < 200; turn++) await nextTurn();

    expect(finished).toBe(false);
    // At most its buffer plus what one socket chunk held.
    expect(stdout.readableLength).toBeLessThan(stdout.readableHighWaterMark + 128 * 1024);
    const received = createHash('sha256');
    let bytes = 0;
    for await (const chunk of stdout) {
      received.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    expect(bytes).toBe(total);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    await expect(session.exitCode).resolves.toBe(0);
  });

  it('does not buffer stdin without bound when the server never reads', async () => {
    const rest = await clientFor({ protocols: [v5], onSocket: (ws) => ws.socket.pause() });
    const session = await exec(rest, { ...target, command: ['cat'], stdin: true });
    const stdin = session.stdin;
    if (!stdin) throw new Error('stdin was requested');

    let accepted = 0;
    const chunk = Buffer.alloc(64 * 1024);
    const writeUntilBlocked = () =>
      new Promise<void>((resolve) => {
        const write = () => {
          while (accepted < total) {
            accepted += chunk.length;
            if (!stdin.write(chunk)) return void stdin.once('drain', write);
          }
          resolve();
        };
        write();
      });
    const writing = writeUntilBlocked();
    for (let turn = 0; turn < 500; turn++) await nextTurn();

    expect(accepted).toBeLessThan(total);
    expect(stdin.writableLength).toBeLessThanOrEqual(stdin.writableHighWaterMark + chunk.length);
    session.close();
    stdin.destroy();
    void writing;
  });
});

async function text(readable: AsyncIterable<unknown> | undefined): Promise<string> {
  let result = '';
  if (readable) for await (const chunk of readable) result += String(chunk);
  return result;
}
