/** Serves undici requests in-process: a Dispatcher that hands each request to the fake API server, no socket. */
import { Readable } from 'node:stream';
import { Dispatcher } from 'undici';

/** One request as the fake's handlers see it. */
export interface FakeRequest {
  readonly method: string;
  /** The URL path, no query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
}

/** Where a streaming response (a watch) writes; `closed` once the client went away or the stream ended. */
export interface StreamSink {
  readonly closed: boolean;
  write(text: string): void;
  /** Ends the response cleanly. */
  end(): void;
  /** Ends the response with a transport error (a dropped connection). */
  fail(error: Error): void;
  /** Runs once when the stream ends for any reason. */
  onClose(callback: () => void): void;
}

/** A handler's answer: a whole JSON body, or a stream it keeps writing to. */
export type FakeResponse =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'stream'; readonly status: number; readonly open: (sink: StreamSink) => void };

/** Answers one request. */
export type FakeHandler = (request: FakeRequest) => Promise<FakeResponse>;

/** The undici controller of one in-process request. */
class Controller implements Dispatcher.DispatchController {
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;
  /** Set by the dispatcher: what to do when the client aborts. */
  onAbort: ((reason: Error) => void) | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get reason(): Error | null {
    return this.#reason;
  }
  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.onAbort?.(reason);
  }
  // Bodies are pushed whole or per watch event; the client's Readable buffers them, so pausing is advisory.
  pause(): void {
    this.#paused = true;
  }
  resume(): void {
    this.#paused = false;
  }
}

/**
 * An undici Dispatcher answering every request with a FakeHandler.
 *
 * Guarantees: no socket is opened; each request is answered asynchronously (never inside `dispatch`); after the
 * client aborts, the handler's callbacks are never called again and the stream's onClose callbacks run; `close()`
 * ends every open stream cleanly and `destroy()` fails them.
 */
export class FakeDispatcher extends Dispatcher {
  readonly #handle: FakeHandler;
  readonly #streams = new Set<StreamSink>();

  constructor(handle: FakeHandler) {
    super();
    this.#handle = handle;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const controller = new Controller();
    let finished = false;
    const fail = (error: Error): void => {
      if (finished) return;
      finished = true;
      handler.onResponseError?.(controller, error);
    };
    controller.onAbort = fail;
    handler.onRequestStart?.(controller, {});
    if (controller.aborted) return true;
    void this.#serve(options, handler, controller, fail, () => {
      finished = true;
    });
    return true;
  }

  async #serve(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    controller: Controller,
    fail: (error: Error) => void,
    markFinished: () => void,
  ): Promise<void> {
    let response: FakeResponse;
    try {
      response = await this.#handle(await toRequest(options));
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (controller.aborted) return;
    if (response.kind === 'json') {
      const body = Buffer.from(JSON.stringify(response.body));
      const headers = { 'content-type': 'application/json', ...response.headers, 'content-length': `${body.length}` };
      handler.onResponseStart?.(controller, response.status, headers, statusText(response.status));
      if (controller.aborted) return;
      handler.onResponseData?.(controller, body);
      if (controller.aborted) return;
      markFinished();
      handler.onResponseEnd?.(controller, {});
      return;
    }
    handler.onResponseStart?.(controller, response.status, { 'content-type': 'application/json' }, 'OK');
    if (controller.aborted) return;
    response.open(this.#sink(handler, controller, fail, markFinished));
  }

  #sink(
    handler: Dispatcher.DispatchHandler,
    controller: Controller,
    fail: (error: Error) => void,
    markFinished: () => void,
  ): StreamSink {
    const callbacks: (() => void)[] = [];
    const streams = this.#streams;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      streams.delete(sink);
      for (const callback of callbacks) callback();
    };
    const sink: StreamSink = {
      get closed() {
        return closed || controller.aborted;
      },
      write(text) {
        if (!sink.closed) handler.onResponseData?.(controller, Buffer.from(text));
      },
      end() {
        if (sink.closed) return close();
        close();
        markFinished();
        handler.onResponseEnd?.(controller, {});
      },
      fail(error) {
        close();
        fail(error);
      },
      onClose(callback) {
        if (closed) callback();
        else callbacks.push(callback);
      },
    };
    controller.onAbort = (reason) => {
      fail(reason);
      close();
    };
    streams.add(sink);
    return sink;
  }

  /** Ends every open stream cleanly; new requests are still served. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | undefined {
    for (const stream of [...this.#streams]) stream.end();
    if (callback === undefined) return Promise.resolve();
    queueMicrotask(callback);
    return undefined;
  }

  /** Fails every open stream with `error`, or a socket error (a dropped connection); new requests are still served. */
  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(first?: Error | null | (() => void), second?: () => void): Promise<void> | undefined {
    const error = typeof first === 'function' ? undefined : first;
    const callback = typeof first === 'function' ? first : second;
    const reason =
      error ?? Object.assign(new Error('the fake API server dropped the connection'), { code: 'UND_ERR_SOCKET' });
    for (const stream of [...this.#streams]) stream.fail(reason);
    if (callback === undefined) return Promise.resolve();
    queueMicrotask(callback);
    return undefined;
  }
}

async function toRequest(options: Dispatcher.DispatchOptions): Promise<FakeRequest> {
  const url = new URL(options.path, 'http://fake.invalid');
  return {
    method: options.method.toUpperCase(),
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: headerRecord(options.headers),
    body: await readBody(options.body),
  };
}

function headerRecord(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const set = (name: string, value: unknown): void => {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  };
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) set(String(headers[i]), headers[i + 1]);
  } else if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, unknown]>) set(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) set(name, value);
  }
  return out;
}

async function readBody(body: Dispatcher.DispatchOptions['body']): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new TypeError('the fake API server accepts string, Uint8Array or Readable request bodies');
}

function statusText(code: number): string {
  return code < 300 ? 'OK' : code === 404 ? 'Not Found' : code === 409 ? 'Conflict' : 'Error';
}
