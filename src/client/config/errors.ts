/** Defines the errors raised while loading kubeconfig, reading in-cluster config, or inferring either. */
import { KubeloopError } from '../../errors.js';

/** Why a kubeconfig could not be used. */
export type KubeConfigErrorCode = 'KUBECONFIG_NOT_FOUND' | 'KUBECONFIG_INVALID' | 'KUBECONFIG_ENTRY_MISSING';

/**
 * Where in a kubeconfig a problem is; every part is optional because some problems span a whole file.
 *
 * Guarantees: names only (paths, entry names, field names), never a field's value.
 */
export interface KubeConfigErrorLocation {
  /** The file, when known. */
  readonly file?: string;
  /** The entry, e.g. `users[alice]`, `contexts[dev]`, `preferences`. */
  readonly entry?: string;
  /** The field inside the entry, e.g. `client-certificate-data`. */
  readonly field?: string;
}

/**
 * A kubeconfig is missing, malformed, or does not hold the context, cluster or user asked for.
 *
 * Guarantees: `code` says which; `file`, `entry` and `field` locate the problem and the message names them; the
 * message never contains a field's value (tokens, passwords, key and certificate data stay out). Not retryable:
 * fix the file or the overrides.
 */
export class KubeConfigError extends KubeloopError<KubeConfigErrorCode> {
  readonly code: KubeConfigErrorCode;
  readonly file: string | undefined;
  readonly entry: string | undefined;
  readonly field: string | undefined;

  constructor(
    code: KubeConfigErrorCode,
    problem: string,
    location: KubeConfigErrorLocation = {},
    options?: ErrorOptions,
  ) {
    super(formatMessage(problem, location), options);
    this.code = code;
    this.file = location.file;
    this.entry = location.entry;
    this.field = location.field;
  }
}

function formatMessage(problem: string, { file, entry, field }: KubeConfigErrorLocation): string {
  const where = [entry, field].filter((part) => part !== undefined).join('.');
  const prefix = file === undefined ? 'kubeconfig' : `kubeconfig ${file}`;
  return where === '' ? `${prefix}: ${problem}` : `${prefix}: ${where}: ${problem}`;
}

/**
 * The process is not running in a Kubernetes pod, or its service-account files cannot be read.
 *
 * Guarantees: the message names the missing variable or file, never a token. Not retryable.
 */
export class InClusterConfigError extends KubeloopError<'IN_CLUSTER_CONFIG'> {
  readonly code = 'IN_CLUSTER_CONFIG';
}

/**
 * Neither a kubeconfig nor in-cluster config could be loaded (`inferConfig`).
 *
 * Guarantees: the message lists both failures; `kubeConfigError` and `inClusterError` keep them for inspection.
 */
export class InferConfigError extends KubeloopError<'CONFIG_INFER'> {
  readonly code = 'CONFIG_INFER';
  readonly kubeConfigError: unknown;
  readonly inClusterError: unknown;

  constructor(kubeConfigError: unknown, inClusterError: unknown) {
    super(`no usable config: kubeconfig: ${describe(kubeConfigError)}; in-cluster: ${describe(inClusterError)}`, {
      cause: kubeConfigError,
    });
    this.kubeConfigError = kubeConfigError;
    this.inClusterError = inClusterError;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
