/** Chooses which kubeconfig files to read, and resolves an entry's relative paths against its file's folder. */
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { AuthInfo, Cluster } from './kubeconfig-file.js';

/** The files to read, in precedence order, and whether a missing one is an error. */
export interface KubeConfigPaths {
  readonly files: readonly string[];
  /** True for explicit paths: kubectl fails on a missing `--kubeconfig` but skips missing KUBECONFIG entries. */
  readonly explicit: boolean;
}

/**
 * Picks the kubeconfig files as kubectl does: explicit paths; else `KUBECONFIG` split on the path-list separator
 * (empty entries dropped, exact duplicates dropped after their first occurrence); else `~/.kube/config`.
 * A `KUBECONFIG` that is set but holds only separators selects no file at all, as in kubectl.
 */
export function kubeConfigPaths(options: {
  readonly paths?: readonly string[] | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
}): KubeConfigPaths {
  if (options.paths !== undefined && options.paths.length > 0) return { files: dedupe(options.paths), explicit: true };
  const list = options.env.KUBECONFIG;
  if (list !== undefined && list !== '') {
    return { files: dedupe(list.split(delimiter).filter((entry) => entry !== '')), explicit: false };
  }
  return { files: [join(options.homeDir, '.kube', 'config')], explicit: false };
}

function dedupe(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

/** Makes `ref` absolute against `base` unless it is empty or already absolute (then it is kept byte for byte). */
function resolveRef(ref: string | undefined, base: string): string | undefined {
  if (ref === undefined || ref === '' || isAbsolute(ref)) return ref;
  return resolve(base, ref);
}

/** The folder relative paths of `file` are resolved against. */
export function baseDirOf(file: string): string {
  return resolve(dirname(file));
}

/** Resolves a cluster's `certificate-authority` against `base`. */
export function resolveClusterPaths(cluster: Cluster, base: string): Cluster {
  const ca = resolveRef(cluster['certificate-authority'], base);
  return ca === undefined ? cluster : { ...cluster, 'certificate-authority': ca };
}

/**
 * Resolves a user's `client-certificate`, `client-key`, `tokenFile`, and its exec `command` when the command holds
 * a path separator (a bare name is looked up on PATH, as clientcmd does).
 */
export function resolveAuthInfoPaths(user: AuthInfo, base: string): AuthInfo {
  const out: Record<string, unknown> = { ...user };
  for (const field of ['client-certificate', 'client-key', 'tokenFile'] as const) {
    const value = resolveRef(user[field], base);
    if (value !== undefined) out[field] = value;
  }
  if (user.exec?.command.includes(sep)) {
    out.exec = { ...user.exec, command: resolveRef(user.exec.command, base) };
  }
  return out as AuthInfo;
}
