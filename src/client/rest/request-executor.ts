/** Sends one logical request: limiter, credentials, dispatch, Warning headers, 401 refresh and Retry-After retries. */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { type Dispatcher, request as undiciRequest } from 'undici';
import type { Authenticator } from './auth/authenticator.js';
import type { Clock } from './clock.js';
import { type ConnectionContext, transportError, unauthorizedDetail } from './connection-context.js';
import { decodeBody, decodeStream } from './content-encoding.js';
import { RequestTimeoutError } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ObservedRequest, RequestObserver } from './request-observer.js';
import { statusErrorFromResponse } from './status-error.js';
import type { Transport, TransportIdentity } from './transport.js';
import { parseWarningHeaders, type WarningHandler } from './warnings.js';

/** A request body: bytes that can be sent again on a retry, or a stream that cannot. */
export type RequestBody =
  | { readonly replayable: true; readonly data: string | Uint8Array }
  | { readonly replayable: false; readonly data: Readable };

/** One request as the builder hands it over. */
export interface RequestSpec {
  readonly verb: string;
  /** The URL path (with the config's host prefix), no query string. */
  readonly path: string;
  /** `''` or `?k=v&…`. */
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestBody | undefined;
  /** 0 means none. For streaming requests it bounds the wait for the response headers only. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Response headers as undici gives them. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** A successful response with its body read. */
export interface BufferedResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  readonly body: Uint8Array;
}

/** A successful response whose body is still arriving; the consumer must read or destroy it. */
export interface StreamingResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  readonly body: Readable & AsyncIterable<Uint8Array>;
}

/**
 * How a RESTClient reaches its apiserver as its user, resolved once per client: what its requests use and what its
 * streams (exec, port-forward) reuse for their WebSockets.
 */
export interface ConnectionParts {
  /** `scheme://host:port` of the apiserver. */
  readonly origin: string;
  readonly transport: Transport;
  /** The TLS identity of the config (files read once), before the authenticator's certificate is applied. */
  readonly identity: () => Promise<TransportIdentity>;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly userAgent: string;
  /**
   * Names the server, kubeconfig entries and auth method in the TLS and 401 errors of requests and stream
   * handshakes alike; absent = undici's messages.
   */
  readonly connection?: ConnectionContext | undefined;
}

/** What the executor is built from (resolved by the RESTClient). */
export interface ExecutorParts extends ConnectionParts {
  readonly rateLimiter: RateLimiter | undefined;
  readonly clock: Clock;
  readonly warningHandler: WarningHandler;
  /** Applied to non-streaming requests without their own timeout; 0 means none. */
  readonly defaultTimeoutMs: number;
  /** Do not ask for gzip-compressed responses. */
  readonly disableCompression: boolean;
  /** Told of throttling, round trips, retries and ends (metrics); absent = none. */
  readonly observer?: RequestObserver | undefined;
}

/** client-go retries a throttled or failing request at most 10 times. */
export const maxRetries = 10;

/** Errors meaning the connection died under us (client-go's IsConnectionReset / IsProbableEOF). */
const connectionResetCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Whether an error (or its cause chain) is a connection reset or a premature end of the response. */
export function isConnectionReset(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && connectionResetCodes.has(code)) return true;
    current = current.cause;
  }
  return false;
}

/** The integer Retry-After seconds of a 429 or 5xx response, as client-go's checkWait reads it. */
export function retryAfterSeconds(statusCode: number, headers: ResponseHeaders): number | undefined {
  if (statusCode !== 429 && statusCode < 500) return undefined;
  const value = headers['retry-after'];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

type Attempt =
  | { readonly kind: 'done'; readonly statusCode: number; readonly headers: ResponseHeaders; readonly body: Uint8Array }
  | { readonly kind: 'streaming'; readonly response: StreamingResponse }
  | { readonly kind: 'retry'; readonly waitSeconds: number; readonly why: string; readonly code: string }
  | {
      readonly kind: 'unauthorized';
      readonly statusCode: number;
      readonly headers: ResponseHeaders;
      readonly body: Uint8Array;
      /** The authenticator's headers the rejected request carried. */
      readonly credentials: AuthHeaders;
    };

type AuthHeaders = Readonly<Record<string, string | readonly string[]>>;

/**
 * Executes RequestSpecs for one RESTClient.
 *
 * Guarantees: every attempt (first or retry) waits on the rate limiter and asks the authenticator for fresh
 * credentials; a request is retried only while its body is replayable, at most `maxRetries` times after a
 * Retry-After, and once after a 401 whose refresh() resolved true; connection resets are retried for GET only;
 * Warning headers of every response reach the warning handler; non-2xx ends in a StatusError.
 */
export class RequestExecutor {
  readonly #parts: ExecutorParts;
  /** The apiserver's `host:port`, as the observer reports it. */
  readonly #host: string;

  constructor(parts: ExecutorParts) {
    this.#parts = parts;
    this.#host = new URL(parts.origin).host;
  }

  /** Sends the request and reads the whole response body. */
  async buffered(spec: RequestSpec): Promise<BufferedResponse> {
    const result = await this.#run(spec, false);
    if (result.kind !== 'done') throw new Error('unreachable: a buffered request produced a stream');
    return result;
  }

  /** Sends the request and returns once a 2xx response's headers arrive; the body is the caller's to consume. */
  async streaming(spec: RequestSpec): Promise<StreamingResponse> {
    const result = await this.#run(spec, true);
    if (result.kind !== 'streaming') throw new Error('unreachable: a streaming request produced a buffer');
    return result.response;
  }

  async #run(spec: RequestSpec, stream: boolean): Promise<Attempt & { kind: 'done' | 'streaming' }> {
    const timeoutMs = spec.timeoutMs || (stream ? 0 : this.#parts.defaultTimeoutMs);
    const deadline = new AbortController();
    const timer = timeoutMs > 0 ? setTimeout(() => deadline.abort(), timeoutMs) : undefined;
    const signal = spec.signal ? AbortSignal.any([spec.signal, deadline.signal]) : deadline.signal;
    const startedAt = this.#parts.clock.now();
    try {
      return await this.#attempts(spec, stream, signal);
    } catch (error) {
      if (deadline.signal.aborted && !spec.signal?.aborted) {
        throw new RequestTimeoutError(spec.verb, spec.path, timeoutMs);
      }
      if (spec.signal?.aborted) throw spec.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      this.#parts.observer?.onDone?.(this.#observed(spec), (this.#parts.clock.now() - startedAt) / 1000);
    }
  }

  async #attempts(
    spec: RequestSpec,
    stream: boolean,
    signal: AbortSignal,
  ): Promise<Attempt & { kind: 'done' | 'streaming' }> {
    let refreshed = false;
    for (let retries = 0; ; ) {
      const attempt = await this.#attempt(spec, stream, signal, retries);
      if (attempt.kind === 'done' || attempt.kind === 'streaming') return attempt;
      if (attempt.kind === 'unauthorized') {
        const mayRetry =
          !refreshed &&
          spec.body?.replayable !== false &&
          (await this.#parts.authenticator.refresh(attempt.credentials));
        if (!mayRetry) throw this.#statusError(spec, attempt.statusCode, attempt.headers, attempt.body);
        refreshed = true;
        continue;
      }
      retries++;
      this.#parts.observer?.onRetry?.({ ...this.#observed(spec), code: attempt.code });
      this.#parts.logger.debug(
        { verb: spec.verb, path: spec.path, retry: retries, waitSeconds: attempt.waitSeconds, why: attempt.why },
        'retrying request',
      );
      await this.#parts.clock.sleep(attempt.waitSeconds * 1000, signal);
    }
  }

  /** One round trip. Decides between a result, a retry and a failure (thrown). */
  async #attempt(spec: RequestSpec, stream: boolean, signal: AbortSignal, retries: number): Promise<Attempt> {
    await this.#throttle(spec, signal);
    const replayable = spec.body?.replayable !== false;
    let response: Dispatcher.ResponseData | undefined;
    let credentials: AuthHeaders;
    let body: Uint8Array | undefined;
    try {
      ({ response, credentials } = await this.#send(spec, stream, signal));
      this.#parts.observer?.onAttempt?.({ ...this.#observed(spec), code: String(response.statusCode) });
      this.#reportWarnings(response.headers);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (ok && stream) {
        const { statusCode, headers } = response;
        return { kind: 'streaming', response: { statusCode, headers, body: decodeStream(headers, response.body) } };
      }
      body = await decodeBody(response.headers, await response.body.bytes());
    } catch (error) {
      if (response === undefined) this.#parts.observer?.onAttempt?.({ ...this.#observed(spec), code: '<error>' });
      if (signal.aborted) throw error;
      if (spec.verb === 'GET' && isConnectionReset(error) && retries < maxRetries) {
        // client-go treats a reset GET as a 500 with Retry-After: 1.
        return { kind: 'retry', waitSeconds: 1, why: 'connection reset', code: '<error>' };
      }
      throw transportError(spec.verb, spec.path, error, this.#parts.connection);
    }
    const { statusCode, headers } = response;
    if (statusCode >= 200 && statusCode < 300) return { kind: 'done', statusCode, headers, body };
    if (statusCode === 401) return { kind: 'unauthorized', statusCode, headers, body, credentials };
    const wait = retryAfterSeconds(statusCode, headers);
    if (wait !== undefined && replayable && retries < maxRetries) {
      return { kind: 'retry', waitSeconds: wait, why: `status ${statusCode}`, code: String(statusCode) };
    }
    throw this.#statusError(spec, statusCode, headers, body);
  }

  async #send(
    spec: RequestSpec,
    stream: boolean,
    signal: AbortSignal,
  ): Promise<{ response: Dispatcher.ResponseData; credentials: AuthHeaders }> {
    const parts = this.#parts;
    const [identity, authHeaders, certificate] = await Promise.all([
      parts.identity(),
      parts.authenticator.headers(signal),
      parts.authenticator.clientCertificate(signal),
    ]);
    const tls = certificate ? { ...identity, cert: certificate.cert, key: certificate.key } : identity;
    const dispatcher = parts.transport.dispatcherFor(tls, parts.logger);
    const headers: Record<string, string | string[]> = { 'user-agent': parts.userAgent, accept: 'application/json' };
    // The apiserver gzips responses over 128 KiB when asked: large lists shrink about tenfold.
    if (!parts.disableCompression) headers['accept-encoding'] = 'gzip';
    for (const [name, value] of Object.entries(authHeaders)) headers[name.toLowerCase()] = value as string | string[];
    for (const [name, value] of Object.entries(spec.headers)) headers[name.toLowerCase()] = value;
    const response = await undiciRequest(`${parts.origin}${spec.path}${spec.query}`, {
      dispatcher,
      method: spec.verb as Dispatcher.HttpMethod,
      headers,
      body: spec.body?.data ?? null,
      signal,
      // Streams (watch, follow=true logs) may idle for long; the watch has its own read-idle watchdog.
      ...(stream ? { bodyTimeout: 0 } : {}),
    });
    return { response, credentials: authHeaders };
  }

  /** Waits on the rate limiter, telling the observer how long it waited. */
  async #throttle(spec: RequestSpec, signal: AbortSignal): Promise<void> {
    const { rateLimiter, observer, clock } = this.#parts;
    if (rateLimiter === undefined) return;
    if (observer?.onRateLimited === undefined) return await rateLimiter.wait(signal);
    const startedAt = clock.now();
    await rateLimiter.wait(signal);
    observer.onRateLimited(this.#observed(spec), (clock.now() - startedAt) / 1000);
  }

  #observed(spec: RequestSpec): ObservedRequest {
    return { verb: spec.verb, host: this.#host };
  }

  #reportWarnings(headers: ResponseHeaders): void {
    const values = headers.warning;
    if (values === undefined) return;
    for (const warning of parseWarningHeaders(values)) this.#parts.warningHandler(warning);
  }

  #statusError(spec: RequestSpec, statusCode: number, headers: ResponseHeaders, body: Uint8Array): Error {
    const request = { verb: spec.verb, path: spec.path };
    const connection = statusCode === 401 ? this.#parts.connection : undefined;
    const detail = connection === undefined ? undefined : unauthorizedDetail(connection);
    return statusErrorFromResponse(statusCode, body, request, retryAfterSeconds(statusCode, headers), detail);
  }
}
