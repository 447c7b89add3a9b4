import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstValueFrom, toArray } from 'rxjs';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTClient } from '../../../src/client/index.js';
import { type LogLine, podLogs } from '../../../src/client/streams/index.js';
import { startTestServer, type TestServer } from './support/ws-server.js';

let server: TestServer | undefined;
let agent: Agent | undefined;
const requests: URL[] = [];

afterEach(async () => {
  await agent?.close();
  await server?.close();
  server = undefined;
  agent = undefined;
  requests.length = 0;
});

async function clientFor(handler: (url: URL, response: ServerResponse, request: IncomingMessage) => void) {
  server = await startTestServer({
    protocols: [],
    onRequest: (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      requests.push(url);
      handler(url, response, request);
    },
  });
  agent = new Agent();
  return RESTClient.forConfig({ host: server.host, dispatcher: agent });
}

async function all(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const result: LogLine[] = [];
  for await (const line of lines) result.push(line);
  return result;
}

const target = { namespace: 'default', pod: 'web' };

describe('podLogs', () => {
  it('yields lines split anywhere by the network, keeping empty lines, with the query asked for', async () => {
    const rest = await clientFor((_url, response) => {
      response.write('first li');
      response.write('ne\n\nthird\nunterminated');
      response.end();
    });

    const lines = await all(
      podLogs(rest, { ...target, container: 'app', tailLines: 10, sinceSeconds: 60, previous: true }),
    );

    expect(lines.map((line) => line.text)).toEqual(['first line', '', 'third', 'unterminated']);
    expect(lines[0]).toEqual({ container: 'app', text: 'first line' });
    expect(requests[0]?.pathname).toBe('/api/v1/namespaces/default/pods/web/log');
    expect(Object.fromEntries(requests[0]?.searchParams ?? [])).toEqual({
      container: 'app',
      tailLines: '10',
      sinceSeconds: '60',
      previous: 'true',
    });
  });

  it('moves timestamps into `timestamp` when asked for them', async () => {
    const rest = await clientFor((_url, response) => response.end('2026-01-01T10:00:00.5Z hello world\n'));

    const lines = await all(podLogs(rest, { ...target, timestamps: true }));

    expect(lines).toEqual([{ container: '', text: 'hello world', timestamp: '2026-01-01T10:00:00.5Z' }]);
  });

  it('resumes a followed log cut mid-stream from the last timestamp, without repeating or losing a line', async () => {
    const log = [
      '2026-01-01T10:00:00.1Z one',
      '2026-01-01T10:00:01.2Z two',
      '2026-01-01T10:00:01.2Z two again, same instant',
      '2026-01-01T10:00:01.7Z three',
      '2026-01-01T10:00:02Z four',
    ];
    const rest = await clientFor((_url, response) => {
      if (requests.length === 1) {
        response.write(`${log.slice(0, 3).join('\n')}\n`);
        // The connection dies before the rest arrives.
        setImmediate(() => response.socket?.destroy());
        return;
      }
      // The server resumes at whole seconds: it replays from 10:00:01.
      response.end(`${log.slice(1).join('\n')}\n`);
    });

    const lines = await all(podLogs(rest, { ...target, follow: true, tailLines: 100, reconnect: { delayMs: 0 } }));

    expect(lines.map((line) => line.text)).toEqual(['one', 'two', 'two again, same instant', 'three', 'four']);
    expect(requests[0]?.searchParams.get('timestamps')).toBe('true');
    expect(requests[0]?.searchParams.get('tailLines')).toBe('100');
    expect(requests[1]?.searchParams.get('sinceTime')).toBe('2026-01-01T10:00:01Z');
    expect(requests[1]?.searchParams.has('tailLines')).toBe(false);
  });

  it('surfaces the cut when reconnecting is off', async () => {
    const rest = await clientFor((_url, response) => {
      response.write('a\n');
      setImmediate(() => response.socket?.destroy());
    });

    await expect(all(podLogs(rest, { ...target, follow: true, reconnect: false }))).rejects.toThrow();
    expect(requests).toHaveLength(1);
  });

  it('merges every container of the pod, each in order', async () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }, { name: 'sidecar' }] },
    };
    const rest = await clientFor((url, response) => {
      if (url.pathname.endsWith('/pods/web')) return void response.end(JSON.stringify(pod));
      const container = url.searchParams.get('container');
      response.end(`${container} 1\n${container} 2\n`);
    });

    const lines = await all(podLogs(rest, { ...target, allContainers: true }));

    for (const container of ['init', 'app', 'sidecar']) {
      const own = lines.filter((line) => line.container === container).map((line) => line.text);
      expect(own).toEqual([`${container} 1`, `${container} 2`]);
    }
    expect(lines).toHaveLength(6);
  });

  it('is also an Observable', async () => {
    const rest = await clientFor((_url, response) => response.end('x\ny\n'));

    const lines = await firstValueFrom(podLogs(rest, target).observable().pipe(toArray()));

    expect(lines.map((line) => line.text)).toEqual(['x', 'y']);
  });

  it('ends a followed log at once on abort, closing the request', async () => {
    let closed: Promise<unknown> | undefined;
    const rest = await clientFor((_url, response, request) => {
      closed = once(request.socket, 'close');
      response.write('waiting\n');
    });
    const controller = new AbortController();
    const reason = new Error('done watching');

    const seen: string[] = [];
    const reading = (async () => {
      for await (const line of podLogs(rest, { ...target, follow: true, signal: controller.signal })) {
        seen.push(line.text);
        controller.abort(reason);
      }
    })();

    await expect(reading).rejects.toBe(reason);
    await closed;
    expect(seen).toEqual(['waiting']);
  });

  it('closes the request when the consumer leaves the loop', async () => {
    let closed: Promise<unknown> | undefined;
    const rest = await clientFor((_url, response, request) => {
      closed = once(request.socket, 'close');
      response.write('one\ntwo\n');
    });

    for await (const line of podLogs(rest, { ...target, follow: true })) {
      expect(line.text).toBe('one');
      break;
    }

    await closed;
  });
});
