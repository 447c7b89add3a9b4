import { PassThrough, Readable } from 'node:stream';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, WatchEvent } from '../../../src/client/meta.js';
import { WatchDecodeError, WatchIdleTimeoutError } from '../../../src/client/rest/errors.js';
import { openWatch, type WatchStream } from '../../../src/client/rest/watch.js';
import { type MockServer, mockServer, statusBody } from './mock-server.js';

const events: WatchEvent[] = [
  { type: 'ADDED', object: { kind: 'ConfigMap', metadata: { name: 'é-ünïcödé-😀', resourceVersion: '1' } } },
  {
    type: 'MODIFIED',
    object: { kind: 'ConfigMap', metadata: { name: 'b', creationTimestamp: '2026-01-01T00:00:00Z' } },
  },
  { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '9' } } },
  { type: 'ERROR', object: statusBody(410, 'Expired') },
  { type: 'DELETED', object: { kind: 'ConfigMap', metadata: { name: 'b' } } },
];
const wire = Buffer.from(events.map((event) => `${JSON.stringify(event)}\n`).join(''));

function watchOver(body: Readable, idleTimeoutMs?: number): WatchStream<KubeObject> {
  const options = { path: '/api/v1/configmaps', abort: new AbortController() };
  return openWatch(
    body as Readable & AsyncIterable<Uint8Array>,
    idleTimeoutMs === undefined ? options : { ...options, idleTimeoutMs },
  );
}

async function collect(stream: WatchStream<KubeObject>): Promise<WatchEvent[]> {
  const seen: WatchEvent[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
}

describe('watch decoding', () => {
  it('decodes events split at every byte boundary, multi-byte characters included', async () => {
    for (let cut = 1; cut < wire.length; cut++) {
      const body = Readable.from([wire.subarray(0, cut), wire.subarray(cut)]);
      expect(await collect(watchOver(body))).toEqual(events);
    }
  });

  it('decodes events delivered one byte at a time', async () => {
    const bytes = Array.from(wire, (byte) => Buffer.from([byte]));
    expect(await collect(watchOver(Readable.from(bytes)))).toEqual(events);
  });

  it('decodes many events in one chunk and a last event without its newline', async () => {
    const body = Readable.from([Buffer.concat([wire, Buffer.from('\n\n'), Buffer.from(JSON.stringify(events[0]))])]);
    expect(await collect(watchOver(body))).toEqual([...events, events[0]]);
  });

  it('ends cleanly at EOF with no events', async () => {
    expect(await collect(watchOver(Readable.from([])))).toEqual([]);
  });

  it('yields the events before a garbage line, then throws WatchDecodeError without quoting it', async () => {
    const body = Readable.from([
      wire.subarray(0, wire.indexOf(10) + 1),
      Buffer.from('{"password":"hunter2" garbage\n'),
    ]);
    const seen: WatchEvent[] = [];
    const error = await (async () => {
      for await (const event of watchOver(body)) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(events.slice(0, 1));
    expect(error).toBeInstanceOf(WatchDecodeError);
    expect(error).toMatchObject({ code: 'WATCH_DECODE', eventIndex: 1 });
    expect((error as Error).message).not.toContain('hunter2');
  });

  it.each([
    ['an unknown type', '{"type":"CHANGED","object":{}}'],
    ['a missing object', '{"type":"ADDED"}'],
    ['a bare value', '42'],
    ['null', 'null'],
  ])('rejects JSON that is not an event: %s', async (_, line) => {
    const error = await collect(watchOver(Readable.from([Buffer.from(`${line}\n`)]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchDecodeError);
  });
});

describe('the watch watchdog', () => {
  it('aborts a silent stream with WatchIdleTimeoutError after the events already received', async () => {
    const body = new PassThrough();
    body.write(`${JSON.stringify(events[0])}\n`);
    const stream = watchOver(body, 50);
    const seen: WatchEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(events.slice(0, 1));
    expect(error).toBeInstanceOf(WatchIdleTimeoutError);
    expect(error).toMatchObject({ code: 'WATCH_IDLE_TIMEOUT', idleTimeoutMs: 50 });
    expect(body.destroyed).toBe(true);
  });

  it('does not count the time the consumer spends on an event as silence', async () => {
    const body = new PassThrough();
    body.write(`${JSON.stringify(events[0])}\n`);
    const seen: WatchEvent[] = [];
    for await (const event of watchOver(body, 100)) {
      seen.push(event);
      if (seen.length === 1) {
        body.end(`${JSON.stringify(events[1])}\n`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    expect(seen).toEqual(events.slice(0, 2));
  });
});

describe('closing a watch', () => {
  it('ends the iteration cleanly on close(), dropping buffered events, and destroys the body', async () => {
    const body = new PassThrough();
    body.write(wire);
    const stream = watchOver(body);
    const seen: WatchEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      stream.close();
    }
    expect(seen).toEqual(events.slice(0, 1));
    expect(body.destroyed).toBe(true);
  });

  it('delivers the events through observable() and closes the watch on unsubscribe', async () => {
    const body = new PassThrough();
    body.write(wire);
    const stream = watchOver(body);
    const firstTwo = await firstValueFrom(stream.observable().pipe(take(2), toArray()));
    expect(firstTwo).toEqual(events.slice(0, 2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.destroyed).toBe(true);
  });

  it('ends a reset connection cleanly, as client-go does', async () => {
    const body = new PassThrough();
    body.write(`${JSON.stringify(events[0])}\n`);
    const stream = watchOver(body);
    const seen: WatchEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      body.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    }
    expect(seen).toEqual(events.slice(0, 1));
  });
});

describe('Request.watch through the transport', () => {
  let server: MockServer;
  afterEach(async () => {
    await server.agent.close();
  });

  it('rejects the iteration with the reason of the caller signal', async () => {
    server = mockServer();
    server.pool.intercept({ path: (path) => path.startsWith('/api/v1/configmaps?') }).reply(200, wire.toString());
    const controller = new AbortController();
    const stream = await server.client
      .get()
      .groupVersion({ group: '', version: 'v1' })
      .resource('configmaps')
      .signal(controller.signal)
      .watch();
    const seen: WatchEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) {
        seen.push(event);
        controller.abort(new Error('caller stopped'));
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(events.slice(0, 1));
    expect(error).toEqual(new Error('caller stopped'));
  });

  it('sends watch=true with the caller parameters and reports the warnings of the watch response', async () => {
    server = mockServer();
    const paths: string[] = [];
    server.pool.intercept({ path: (path) => path.startsWith('/api/v1/namespaces/ns/configmaps?') }).reply((opts) => {
      paths.push(opts.path);
      return {
        statusCode: 200,
        data: wire.toString(),
        responseOptions: { headers: { warning: '299 - "watch warning"' } },
      };
    });
    const stream = await server.client
      .get()
      .groupVersion({ group: '', version: 'v1' })
      .namespace('ns')
      .resource('configmaps')
      .param('resourceVersion', '5')
      .param('allowWatchBookmarks', true)
      .watch();
    expect(await collect(stream)).toEqual(events);
    expect(paths).toEqual(['/api/v1/namespaces/ns/configmaps?resourceVersion=5&allowWatchBookmarks=true&watch=true']);
    expect(server.warnings.map((w) => w.text)).toEqual(['watch warning']);
  });

  it('rejects a watch the server refuses with a StatusError', async () => {
    server = mockServer();
    server.pool
      .intercept({ path: (path) => path.startsWith('/api/v1/secrets?') })
      .reply(403, statusBody(403, 'Forbidden'));
    const watch = server.client.get().groupVersion({ group: '', version: 'v1' }).resource('secrets').watch();
    await expect(watch).rejects.toMatchObject({ code: 'STATUS', reason: 'Forbidden' });
  });
});
