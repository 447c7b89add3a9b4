/** Merges kubeconfig files in precedence order with kubectl's rules: the first file to set a value wins. */
import type { KubeConfigFile, NamedExtension } from './kubeconfig-file.js';

/** One decoded kubeconfig file and where it came from. */
export interface KubeConfigSource {
  readonly file: string;
  readonly config: KubeConfigFile;
}

/** The file each merged cluster, user and context was taken from, by name. */
export interface KubeConfigOrigins {
  readonly clusters: ReadonlyMap<string, string>;
  readonly users: ReadonlyMap<string, string>;
  readonly contexts: ReadonlyMap<string, string>;
}

/**
 * A merged kubeconfig and the file behind each entry.
 *
 * Guarantees: `config` is a plain value owned by the caller; every name in `config.clusters`/`users`/`contexts`
 * has its file in `origins`; `files` lists the files that were read, in precedence order (missing ones left out).
 */
export interface LoadedKubeConfig {
  readonly config: KubeConfigFile;
  readonly origins: KubeConfigOrigins;
  readonly files: readonly string[];
}

/** Keeps the first entry seen for each name, whole, and records which file it came from. */
function firstByName<T extends { readonly name: string }>(
  sources: readonly KubeConfigSource[],
  pick: (config: KubeConfigFile) => readonly T[] | undefined,
): { entries: T[]; origin: Map<string, string> } {
  const origin = new Map<string, string>();
  const entries: T[] = [];
  for (const { file, config } of sources) {
    for (const entry of pick(config) ?? []) {
      if (origin.has(entry.name)) continue;
      origin.set(entry.name, file);
      entries.push(entry);
    }
  }
  return { entries, origin };
}

function extensionsOf(
  sources: readonly KubeConfigSource[],
  pick: (config: KubeConfigFile) => readonly NamedExtension[] | undefined,
): readonly NamedExtension[] | undefined {
  const { entries } = firstByName(sources, pick);
  return entries.length === 0 ? undefined : entries;
}

// clientcmd merges Preferences field by field (mergo): `colors` is true if any file sets it; extensions by name.
function preferencesOf(sources: readonly KubeConfigSource[]): KubeConfigFile['preferences'] {
  const colors = sources.some(({ config }) => config.preferences?.colors === true);
  const extensions = extensionsOf(sources, (config) => {
    const value = config.preferences?.extensions;
    return Array.isArray(value) ? (value as readonly NamedExtension[]) : undefined;
  });
  if (!colors && extensions === undefined) return undefined;
  return { ...(colors ? { colors } : {}), ...(extensions === undefined ? {} : { extensions }) };
}

/**
 * Merges decoded files, highest precedence first: the first file to define a cluster, user, context or extension
 * name wins and its entry is taken whole; the first non-empty `current-context` wins; duplicates are not errors.
 */
export function mergeKubeConfigs(sources: readonly KubeConfigSource[]): LoadedKubeConfig {
  const clusters = firstByName(sources, (config) => config.clusters);
  const users = firstByName(sources, (config) => config.users);
  const contexts = firstByName(sources, (config) => config.contexts);
  const currentContext = sources.find(({ config }) => (config['current-context'] ?? '') !== '');
  const preferences = preferencesOf(sources);
  const extensions = extensionsOf(sources, (config) => config.extensions);
  const config: KubeConfigFile = {
    ...(preferences === undefined ? {} : { preferences }),
    ...(clusters.entries.length === 0 ? {} : { clusters: clusters.entries }),
    ...(users.entries.length === 0 ? {} : { users: users.entries }),
    ...(contexts.entries.length === 0 ? {} : { contexts: contexts.entries }),
    ...(currentContext === undefined ? {} : { 'current-context': currentContext.config['current-context'] }),
    ...(extensions === undefined ? {} : { extensions }),
  };
  return {
    config,
    origins: { clusters: clusters.origin, users: users.origin, contexts: contexts.origin },
    files: sources.map(({ file }) => file),
  };
}
