/** Creates kubeloop's pino loggers with every credential-bearing field redacted. */
import { type DestinationStream, type Level, type Logger, pino } from 'pino';

/** Field names that hold credentials wherever they appear in a log object. */
const credentialKeys = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'Proxy-Authorization',
  'cookie',
  'Cookie',
  'token',
  'bearerToken',
  'accessToken',
  'access-token',
  'id-token',
  'refresh-token',
  'password',
  'keyData',
  'certData',
  'client-key-data',
  'client-certificate-data',
  'clientKeyData',
  'clientCertificateData',
];

function accessor(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

/**
 * The pino redaction paths kubeloop loggers use: each credential key at the top level and up to three levels deep
 * (pino's wildcards match one level each), e.g. `headers.authorization`, `config.keyData`, `user["client-key-data"]`.
 */
export const redactPaths: readonly string[] = credentialKeys.flatMap((key) => {
  const tail = accessor(key);
  return [tail.startsWith('.') ? tail.slice(1) : tail, `*${tail}`, `*.*${tail}`, `*.*.*${tail}`];
});

/** Options of createLogger. */
export interface LoggerOptions {
  /** Defaults to `info`. */
  readonly level?: Level | 'silent';
  /** Defaults to `kubeloop`. */
  readonly name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture output. */
  readonly destination?: DestinationStream;
}

/**
 * Returns a new pino logger whose output never contains the values at `redactPaths` (they print as `[REDACTED]`).
 *
 * Guarantees: each call returns an independent logger; nothing is stored globally.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pinoOptions = {
    name: options.name ?? 'kubeloop',
    level: options.level ?? 'info',
    redact: { paths: [...redactPaths], censor: '[REDACTED]' },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
