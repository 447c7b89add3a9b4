/** Reads a serving certificate, key and client CA from files and reports each new valid set when the files change. */
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { WebhookCertificateError } from './errors.js';

/** The PEM texts a TLS context is made of. */
export interface CertificateSet {
  readonly cert: string;
  readonly key: string;
  /** Only with client-certificate verification. */
  readonly ca?: string;
}

/** Options of {@link CertWatcher}. */
export interface CertWatcherOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCAFile?: string;
  /** How often files are re-read in case a change event was missed (network volumes, some editors). */
  readonly pollIntervalMs: number;
  readonly logger: Logger;
  /** Called with each new set that makes a valid TLS context, never with an unchanged or broken one. */
  readonly onChange: (set: CertificateSet) => void;
}

// Coalesces the burst of events one rotation makes (key, cert, Kubernetes' ..data symlink swap) into one reload.
const settleMs = 50;

/**
 * Watches certificate files like controller-runtime's certwatcher: directory events plus a slow poll.
 *
 * Guarantees: `onChange` sees only sets that differ from the last one and that Node accepts as a TLS context (a
 * half-written rotation, e.g. a new cert with the old key, is skipped until the pair matches again); a reload
 * failure is logged and the previous set stays in use; after `signal` aborts nothing is read or reported.
 */
export class CertWatcher {
  readonly #options: CertWatcherOptions;
  /** The last set loaded or reported; undefined only before `load`. */
  #current: CertificateSet | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading = false;

  constructor(options: CertWatcherOptions) {
    this.#options = options;
  }

  /** Reads and checks the files once; rejects with a WebhookCertificateError naming the file that failed. */
  async load(): Promise<CertificateSet> {
    const set = await this.#read();
    this.#current = set;
    return set;
  }

  /** Watches the files' folders and polls until `signal` aborts. */
  watch(signal: AbortSignal): void {
    const files = [this.#options.certFile, this.#options.keyFile, this.#options.clientCAFile];
    const folders = new Set(files.filter((file) => file !== undefined).map((file) => dirname(file)));
    for (const folder of folders) {
      // Folders, not files: a rename or a symlink swap replaces the file a file watch would be stuck on.
      const watcher = watch(folder, { persistent: false, signal }, () => this.#schedule(signal));
      watcher.on('error', (error) =>
        this.#options.logger.warn({ err: error, folder }, 'certificate folder watch failed'),
      );
    }
    const poll = setInterval(() => this.#schedule(signal), this.#options.pollIntervalMs);
    poll.unref();
    signal.addEventListener('abort', () => {
      clearInterval(poll);
      clearTimeout(this.#timer);
    });
  }

  #schedule(signal: AbortSignal): void {
    if (this.#timer !== undefined || signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#reload(signal);
    }, settleMs);
    this.#timer.unref();
  }

  async #reload(signal: AbortSignal): Promise<void> {
    if (this.#reading) return this.#schedule(signal);
    this.#reading = true;
    try {
      const set = await this.#read();
      const current = this.#current;
      if (signal.aborted || (set.cert === current?.cert && set.key === current.key && set.ca === current.ca)) return;
      this.#current = set;
      this.#options.onChange(set);
      this.#options.logger.info({ certFile: this.#options.certFile }, 'serving certificate reloaded');
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'certificate files changed but do not load; keeping the previous ones');
    } finally {
      this.#reading = false;
    }
  }

  async #read(): Promise<CertificateSet> {
    const read = async (file: string): Promise<string> => {
      try {
        return await readFile(file, 'utf8');
      } catch (error) {
        throw new WebhookCertificateError(`cannot read ${file}: ${(error as Error).message}`, file, { cause: error });
      }
    };
    const { certFile, keyFile, clientCAFile } = this.#options;
    const [cert, key, ca] = await Promise.all([
      read(certFile),
      read(keyFile),
      clientCAFile === undefined ? undefined : read(clientCAFile),
    ]);
    const set = ca === undefined ? { cert, key } : { cert, key, ca };
    try {
      createSecureContext(set);
    } catch (error) {
      // Node's message names the problem (e.g. "key values mismatch"), never the key itself.
      const message = `${certFile} and ${keyFile} do not make a TLS context: ${(error as Error).message}`;
      throw new WebhookCertificateError(message, certFile, { cause: error });
    }
    return set;
  }
}
