/** Reads pod logs line by line, of one or all containers, following them across cut connections. */
import { Observable } from 'rxjs';
import type { KubeObject } from '../meta.js';
import { type Clock, requestClock } from '../rest/clock.js';
import { TransportError } from '../rest/errors.js';
import { isConnectionReset } from '../rest/request-executor.js';
import type { RESTClient } from '../rest/rest-client.js';
import { LineSplitter, type LogLine, ResumePoint, splitTimestamp } from './log-lines.js';

export type { LogLine } from './log-lines.js';

/** Options of podLogs: which log, how much of it, and how to follow it. */
export interface PodLogsOptions {
  readonly namespace: string;
  readonly pod: string;
  /** Required when the pod has more than one container, unless `allContainers`. */
  readonly container?: string;
  /** Every container of the pod (init, regular, ephemeral), merged as lines arrive, as `kubectl logs --all-containers`. */
  readonly allContainers?: boolean;
  /** Keep reading as the container writes, until it ends or the signal aborts. */
  readonly follow?: boolean;
  /** The previous, terminated instance of the container. */
  readonly previous?: boolean;
  readonly sinceSeconds?: number;
  /** RFC 3339; the server honours whole seconds. Only one of `sinceSeconds` and `sinceTime`. */
  readonly sinceTime?: string;
  readonly tailLines?: number;
  /** Ask for timestamps (in `LogLine.timestamp`). */
  readonly timestamps?: boolean;
  /** Per container; disables resuming (the server would count the timestamps resuming needs). */
  readonly limitBytes?: number;
  /**
   * With `follow`, how a connection cut mid-stream is resumed: after `delayMs` (default 1000), at most
   * `attempts` times in a row (default 5); `false` surfaces the cut as an error.
   */
  readonly reconnect?: false | { readonly attempts?: number; readonly delayMs?: number };
  /** Ends the stream; the iteration then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Waits between reconnects; tests inject a fake. */
  readonly clock?: Clock;
}

/**
 * Log lines as an AsyncIterable and an Observable.
 *
 * Guarantees: lines of one container arrive in order; the HTTP response is read only as fast as lines are
 * consumed (an Observable is pushed as they arrive); breaking out of the loop, unsubscribing or aborting ends
 * every request at once. When following, a cut connection is resumed from the last timestamp (the server resumes
 * at whole seconds; lines already delivered are skipped by timestamp, counting lines that share one), so no line
 * repeats and none is lost as long as the runtime's timestamps do not go backwards.
 */
export interface LogStream extends AsyncIterable<LogLine> {
  /** The same lines as an rxjs Observable; unsubscribing ends the request. */
  observable(): Observable<LogLine>;
}

/**
 * The log of a pod's container(s), line by line.
 *
 * @example
 * for await (const line of podLogs(rest, { namespace: 'default', pod: 'web', follow: true, signal })) {
 *   console.log(line.container, line.text);
 * }
 */
export function podLogs(rest: RESTClient, options: PodLogsOptions): LogStream {
  return {
    [Symbol.asyncIterator]: () => lines(rest, options)[Symbol.asyncIterator](),
    observable: () =>
      new Observable<LogLine>((subscriber) => {
        const stop = new AbortController();
        const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
        void (async () => {
          try {
            for await (const line of lines(rest, { ...options, signal })) subscriber.next(line);
            subscriber.complete();
          } catch (error) {
            if (!stop.signal.aborted) subscriber.error(error);
          }
        })();
        return () => stop.abort();
      }),
  };
}

async function* lines(rest: RESTClient, options: PodLogsOptions): AsyncGenerator<LogLine> {
  // One controller for every request, so leaving the loop ends follow streams still waiting for data.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  try {
    const containers = options.allContainers ? await containersOf(rest, options, signal) : [options.container];
    const sources = containers.map((container) => containerLines(rest, options, container, signal));
    yield* sources.length === 1 ? (sources[0] as AsyncGenerator<LogLine>) : merge(sources);
  } finally {
    stop.abort();
  }
}

interface PodSpecNames extends KubeObject {
  readonly spec?: {
    readonly initContainers?: readonly { readonly name: string }[];
    readonly containers?: readonly { readonly name: string }[];
    readonly ephemeralContainers?: readonly { readonly name: string }[];
  };
}

async function containersOf(rest: RESTClient, options: PodLogsOptions, signal: AbortSignal): Promise<string[]> {
  const pod = await podRequest(rest, options, signal).do<PodSpecNames>();
  const spec = pod.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map(
    (container) => container.name,
  );
}

function podRequest(rest: RESTClient, options: PodLogsOptions, signal: AbortSignal) {
  return rest
    .get()
    .groupVersion({ group: '', version: 'v1' })
    .namespace(options.namespace)
    .resource('pods')
    .name(options.pod)
    .signal(signal);
}

/** One container's lines, resuming after cuts when following. */
async function* containerLines(
  rest: RESTClient,
  options: PodLogsOptions,
  container: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<LogLine> {
  const reconnect = options.reconnect ?? {};
  const resumable = (options.follow ?? false) && reconnect !== false && options.limitBytes === undefined;
  const attempts = reconnect === false ? 0 : (reconnect.attempts ?? 5);
  const delayMs = reconnect === false ? 0 : (reconnect.delayMs ?? 1000);
  const resume = new ResumePoint();
  // Resuming needs timestamps; they are then asked for even when the caller did not.
  const params: LogQuery = { ...options, timestamps: resumable || options.timestamps };
  for (let failures = 0; ; ) {
    const resumed = resume.started
      ? { ...params, sinceSeconds: undefined, tailLines: undefined, sinceTime: resume.sinceTime }
      : params;
    resume.rewind();
    let delivered = false;
    try {
      const request = podRequest(rest, options, signal).subresource('log');
      for (const [key, value] of logQuery(resumed, container)) request.param(key, value);
      const splitter = new LineSplitter();
      const toLine = (raw: string): LogLine | undefined => {
        const { timestamp, text } = params.timestamps ? splitTimestamp(raw) : { timestamp: undefined, text: raw };
        if (resume.seen(timestamp)) return undefined;
        return { container: container ?? '', text, ...(timestamp === undefined ? {} : { timestamp }) };
      };
      for await (const chunk of await request.stream()) {
        for (const raw of splitter.push(chunk)) {
          const line = toLine(raw);
          if (line) {
            delivered = true;
            yield line;
          }
        }
      }
      const last = splitter.end();
      const line = last === undefined ? undefined : toLine(last);
      if (line) yield line;
      return;
    } catch (error) {
      failures = delivered ? 1 : failures + 1;
      if (signal.aborted || !resumable || !isCut(error) || failures > attempts) throw error;
      await (options.clock ?? requestClock).sleep(delayMs, signal);
    }
  }
}

/** The query fields of a log request, each possibly cleared for a resumed request. */
type LogQuery = { readonly [K in 'follow' | 'previous' | 'timestamps']?: boolean | undefined } & {
  readonly [K in 'sinceSeconds' | 'tailLines' | 'limitBytes']?: number | undefined;
} & { readonly sinceTime?: string | undefined };

function logQuery(options: LogQuery, container: string | undefined): [string, string | number | boolean][] {
  const query = {
    container,
    follow: options.follow,
    previous: options.previous,
    sinceSeconds: options.sinceSeconds,
    sinceTime: options.sinceTime,
    tailLines: options.tailLines,
    timestamps: options.timestamps,
    limitBytes: options.limitBytes,
  };
  return Object.entries(query).filter((entry): entry is [string, string | number | boolean] => {
    const value = entry[1];
    return value !== undefined && value !== false;
  });
}

/** A connection that broke (reset, refused while the apiserver restarts), as opposed to an answer. */
function isCut(error: unknown): boolean {
  return isConnectionReset(error) || error instanceof TransportError;
}

/**
 * Interleaves several line sources as lines arrive. Each source has at most one line read ahead, so a slow
 * consumer holds every response back.
 */
async function* merge(sources: readonly AsyncGenerator<LogLine>[]): AsyncGenerator<LogLine> {
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<LogLine> }>>();
  const pull = (index: number) => {
    const source = sources[index] as AsyncGenerator<LogLine>;
    const next = source.next().then((result) => ({ index, result }));
    // The race below sees a failure; a source still pending when another failed must not report it unhandled.
    next.catch(() => undefined);
    pending.set(index, next);
  };
  for (let index = 0; index < sources.length; index++) pull(index);
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(index);
      continue;
    }
    pull(index);
    yield result.value;
  }
}
