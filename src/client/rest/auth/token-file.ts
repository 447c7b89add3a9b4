/** Reads a bearer token from a file and re-reads it periodically, as service-account tokens rotate. */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { TokenFileError } from './errors.js';
import type { PassiveClock } from './options.js';
import { SingleFlight } from './single-flight.js';

/**
 * How long a read token is used before the file is read again: client-go's cached file token source also re-reads
 * every minute, and the kubelet rotates projected service-account tokens well before they expire.
 */
export const tokenFileRereadMs = 60_000;

/**
 * A bearer token kept in a file (client-go's CachedFileTokenSource).
 *
 * Guarantees: the file is read at most once per `tokenFileRereadMs` unless `invalidate()` is called; concurrent
 * callers share one read; when a re-read fails after an earlier success the last good token is kept until the next
 * period and one warning is logged (naming the file and error code, never the token); surrounding whitespace is
 * trimmed.
 */
export class CachedFileTokenSource {
  readonly #path: string;
  readonly #clock: PassiveClock;
  readonly #logger: Logger | undefined;
  readonly #reads = new SingleFlight<string>();
  // Invariant: the last token read successfully and when the file was last tried; undefined until a good read.
  #cached: { token: string; readAt: number } | undefined;
  #stale = false;

  constructor(path: string, clock: PassiveClock, logger?: Logger) {
    this.#path = path;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** The current token, reading the file when the cached one is older than the re-read period or invalidated. */
  token(signal?: AbortSignal): Promise<string> {
    const cached = this.#cached;
    if (cached !== undefined && !this.#stale && this.#clock.now() - cached.readAt < tokenFileRereadMs) {
      return Promise.resolve(cached.token);
    }
    return this.#reads.do(() => this.#read(), signal);
  }

  /** Forces the next `token()` to read the file (after a 401: the token may have rotated). */
  invalidate(): void {
    this.#stale = true;
  }

  async #read(): Promise<string> {
    const readAt = this.#clock.now();
    try {
      const token = (await readFile(this.#path, 'utf8')).trim();
      if (token === '') throw new TokenFileError(`bearer token file ${this.#path} is empty`);
      this.#cached = { token, readAt };
      this.#stale = false;
      return token;
    } catch (error) {
      const reason =
        error instanceof TokenFileError
          ? error.message
          : `cannot read bearer token file ${this.#path}: ${errorCode(error)}`;
      if (this.#cached === undefined) throw error instanceof TokenFileError ? error : new TokenFileError(reason);
      // Keep the last good token and try the file again a period later (or at a refresh), not at every request:
      // a controller sending 50 requests a second would otherwise read and warn 50 times a second.
      this.#cached = { token: this.#cached.token, readAt };
      this.#logger?.warn({ path: this.#path }, `${reason}; keeping the previous token`);
      return this.#cached.token;
    }
  }
}

// Only the system error code: fs messages are safe, but a code is all a reader needs.
function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
}
