import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListerWatcher } from '../../../../src/cache/listwatch.js';
import type { KubeList, KubeObject, WatchEvent } from '../../../../src/client/meta.js';
import { RESTClient } from '../../../../src/client/rest/rest-client.js';
import { openWatch, type WatchStream } from '../../../../src/client/rest/watch.js';
import { defaultMaxWatchFrameBytes, WatchFrameTooLargeError } from '../../../../src/client/rest/watch-frame.js';
import { obj, type TestObject } from '../objects.js';
import { FakeWatch, page, ScriptedListerWatcher, startReflector } from './scripted.js';

/** An ADDED event line whose object carries `size` bytes of data, newline included when `terminated`. */
function eventLine(size: number, terminated = true): Buffer {
  const event = { type: 'ADDED', object: { ...obj('ns', 'big', '7'), data: { blob: 'x'.repeat(size) } } };
  return Buffer.from(`${JSON.stringify(event)}${terminated ? '\n' : ''}`);
}

/** A watch over `chunks`, counting how many the watch pulled. */
function watchOver(chunks: Iterable<Buffer>, maxFrameBytes?: number) {
  let pulled = 0;
  const counted = (function* () {
    for (const chunk of chunks) {
      pulled++;
      yield chunk;
    }
  })();
  const body = Readable.from(counted) as Readable & AsyncIterable<Uint8Array>;
  const options = { path: '/api/v1/configmaps', abort: new AbortController() };
  const stream: WatchStream<KubeObject> = openWatch(
    body,
    maxFrameBytes === undefined ? options : { ...options, maxFrameBytes },
  );
  return { stream, pulled: () => pulled };
}

async function drain(stream: WatchStream<KubeObject>): Promise<{ events: WatchEvent[]; error: unknown }> {
  const events: WatchEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

describe('the watch frame cap (issue 9, defect 6)', () => {
  it('fails with WatchFrameTooLargeError while a newline-less frame is still arriving, reading no further', async () => {
    function* endless(): Generator<Buffer> {
      for (let i = 0; i < 100_000; i++) yield Buffer.alloc(1024, 0x61);
    }
    const { stream, pulled } = watchOver(endless(), 64 * 1024);
    const { events, error } = await drain(stream);
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(WatchFrameTooLargeError);
    expect(error).toMatchObject({ code: 'WATCH_FRAME_TOO_LARGE', maxFrameBytes: 65_536, path: '/api/v1/configmaps' });
    expect((error as Error).message).not.toContain('aaaa');
    expect(pulled()).toBeLessThan(1000);
  });

  it('accepts a frame of exactly the cap and rejects one byte more, also when the whole line is in one chunk', async () => {
    const fits = eventLine(1000, false);
    const max = fits.length;
    const ok = await drain(watchOver([Buffer.concat([fits, Buffer.from('\n')])], max).stream);
    expect(ok.error).toBeUndefined();
    expect(ok.events).toHaveLength(1);
    const over = await drain(watchOver([eventLine(1001)], max).stream);
    expect(over.error).toBeInstanceOf(WatchFrameTooLargeError);
  });

  it('caps frames at 16 MiB by default', async () => {
    expect(defaultMaxWatchFrameBytes).toBe(16 * 1024 * 1024);
    const { error } = await drain(watchOver([eventLine(defaultMaxWatchFrameBytes)]).stream);
    expect(error).toBeInstanceOf(WatchFrameTooLargeError);
  });

  it('makes the Reflector drop the watch and relist after a backoff', async () => {
    const watch = new FakeWatch().fail(new WatchFrameTooLargeError('/api/v1/configmaps', 1024));
    const lw = new ScriptedListerWatcher({
      lists: [page([], '10'), page([obj('ns', 'a', '11')], '11')],
      watches: [watch],
    });
    const h = startReflector(lw);
    await lw.waitForCalls(2);
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.map((c) => c.verb).slice(0, 3)).toEqual(['list', 'watch', 'list']);
    await expect.poll(() => h.store.ops).toEqual(['replace []@10', 'replace [ns/a]@11']);
    await h.stop();
  });
});

describe('the watch frame cap over a loopback server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  it('closes a real watch whose event outgrows maxFrameBytes, and the Reflector relists', async () => {
    const lists: string[] = [];
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      response.setHeader('content-type', 'application/json');
      if (url.searchParams.get('watch') === 'true') {
        // One oversized event, then the connection stays open: only the cap can end this watch.
        response.write(eventLine(8192, false));
        return;
      }
      lists.push(url.searchParams.get('resourceVersion') ?? '');
      response.end(JSON.stringify(page([], String(10 + lists.length))));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const client = RESTClient.forConfig(
      { host: `http://127.0.0.1:${port}` },
      { rateLimiter: { wait: async () => {} } },
    );
    const core = { group: '', version: 'v1' };
    const lw: ListerWatcher<TestObject> = {
      list: async (options) => {
        const request = client.get().groupVersion(core).resource('configmaps');
        request.param('resourceVersion', options.resourceVersion);
        return await request.do<KubeList<TestObject>>();
      },
      watch: async (options) => {
        const request = client.get().groupVersion(core).resource('configmaps');
        if (options.signal) request.signal(options.signal);
        return await request.watch<TestObject>({ maxFrameBytes: 4096 });
      },
    };
    const h = startReflector(lw);
    await expect.poll(() => h.clock.pending().length, { timeout: 10_000 }).toBe(1);
    await h.clock.fireNext();
    await expect.poll(() => lists.length, { timeout: 10_000 }).toBe(2);
    await h.stop();
  });
});
