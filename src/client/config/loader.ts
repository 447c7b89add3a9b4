/** Loads and merges kubeconfig files exactly as kubectl picks, reads, decodes and merges them. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { KubeConfigError } from './errors.js';
import type { KubeConfigFile } from './kubeconfig-file.js';
import { type KubeConfigSource, type LoadedKubeConfig, mergeKubeConfigs } from './merge.js';
import { baseDirOf, kubeConfigPaths, resolveAuthInfoPaths, resolveClusterPaths } from './paths.js';
import { decodeKubeConfig } from './validate.js';
import { parseKubeConfigYaml } from './yaml.js';

/** Where to look for kubeconfig and how to read it. */
export interface LoadKubeConfigOptions {
  /** Files to read instead of `KUBECONFIG` (kubectl's `--kubeconfig`); each must exist. */
  readonly paths?: readonly string[];
  /** Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to `os.homedir()`; `~/.kube/config` is read when `KUBECONFIG` is unset. */
  readonly homeDir?: string;
  /**
   * Resolve relative file paths against each file's folder (default true). `false` keeps them as written, which
   * is what `kubectl config view` prints.
   */
  readonly resolvePaths?: boolean;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** Reads one file; `undefined` when it does not exist and may be skipped. */
async function readKubeConfigFile(file: string, explicit: boolean): Promise<KubeConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' && !explicit) return undefined;
    if (code === 'ENOENT') throw new KubeConfigError('KUBECONFIG_NOT_FOUND', 'file does not exist', { file });
    throw new KubeConfigError('KUBECONFIG_INVALID', `cannot read file (${code})`, { file });
  }
  const parsed = parseKubeConfigYaml(text);
  if ('problem' in parsed) {
    const at = parsed.problem.line === undefined ? '' : ` at line ${parsed.problem.line}`;
    throw new KubeConfigError('KUBECONFIG_INVALID', `invalid YAML${at}: ${parsed.problem.reason}`, { file });
  }
  return decodeKubeConfig(parsed.value, file);
}

function withResolvedPaths(file: string, config: KubeConfigFile): KubeConfigFile {
  const base = baseDirOf(file);
  return {
    ...config,
    ...(config.clusters === undefined
      ? {}
      : { clusters: config.clusters.map((c) => ({ ...c, cluster: resolveClusterPaths(c.cluster, base) })) }),
    ...(config.users === undefined
      ? {}
      : { users: config.users.map((u) => ({ ...u, user: resolveAuthInfoPaths(u.user, base) })) }),
  };
}

/**
 * Reads kubeconfig as kubectl does: explicit `paths`, else every file in `KUBECONFIG` (missing ones skipped), else
 * `~/.kube/config` (skipped when missing), merged with the first file taking precedence.
 *
 * @throws KubeConfigError `KUBECONFIG_NOT_FOUND` for a missing explicit path; `KUBECONFIG_INVALID` for a file that
 *   cannot be read, is not YAML, or holds a wrong type, naming the file, entry and field.
 */
export async function loadKubeConfig(options: LoadKubeConfigOptions = {}): Promise<LoadedKubeConfig> {
  const { files, explicit } = kubeConfigPaths({
    paths: options.paths,
    env: options.env ?? process.env,
    homeDir: options.homeDir ?? homedir(),
  });
  const sources: KubeConfigSource[] = [];
  for (const file of files) {
    const config = await readKubeConfigFile(file, explicit);
    if (config === undefined) continue;
    sources.push({ file, config: options.resolvePaths === false ? config : withResolvedPaths(file, config) });
  }
  return mergeKubeConfigs(sources);
}
