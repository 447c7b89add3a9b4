/** Serialises a kubeconfig the way `kubectl config view --raw -o json` prints it, byte for byte. */
import type { AuthInfo, Cluster, Context, ExecConfig, KubeConfigFile, NamedExtension } from './kubeconfig-file.js';

type Ordered = Record<string, unknown>;

/** Drops undefined, empty strings and false, as Go's `omitempty` does, keeping the insertion (struct) order. */
function omitEmpty(fields: Ordered): Ordered {
  const out: Ordered = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

/** Go marshals maps with sorted keys; extension payloads are decoded into maps, so every level is sorted. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((key) => [key, sortKeys((value as Ordered)[key])]));
}

// clientcmd keeps entries in maps, so kubectl prints every named list sorted by name.
function byName<T extends { readonly name: string }>(items: readonly T[] | undefined): T[] {
  return [...(items ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function extensions(items: readonly NamedExtension[] | undefined): Ordered[] | undefined {
  if (items === undefined || items.length === 0) return undefined;
  return byName(items).map((item) => ({ name: item.name, extension: sortKeys(item.extension ?? null) }));
}

function cluster(c: Cluster): Ordered {
  return {
    server: c.server ?? '',
    ...omitEmpty({
      'tls-server-name': c['tls-server-name'],
      'insecure-skip-tls-verify': c['insecure-skip-tls-verify'],
      'certificate-authority': c['certificate-authority'],
      'certificate-authority-data': c['certificate-authority-data'],
      'proxy-url': c['proxy-url'],
      'disable-compression': c['disable-compression'],
      extensions: extensions(c.extensions),
    }),
  };
}

// `args`, `env` and `provideClusterInfo` have no omitempty in clientcmd's v1 types: absent lists print as null.
function exec(e: ExecConfig): Ordered {
  return {
    command: e.command,
    args: e.args ?? null,
    env: e.env?.map((v) => ({ name: v.name, value: v.value })) ?? null,
    ...omitEmpty({ apiVersion: e.apiVersion, installHint: e.installHint }),
    provideClusterInfo: e.provideClusterInfo ?? false,
    ...omitEmpty({ interactiveMode: e.interactiveMode }),
  };
}

function user(u: AuthInfo): Ordered {
  const extra = u['as-user-extra'];
  const provider = u['auth-provider'];
  return omitEmpty({
    'client-certificate': u['client-certificate'],
    'client-certificate-data': u['client-certificate-data'],
    'client-key': u['client-key'],
    'client-key-data': u['client-key-data'],
    token: u.token,
    tokenFile: u.tokenFile,
    as: u.as,
    'as-uid': u['as-uid'],
    'as-groups': u['as-groups'],
    'as-user-extra': extra === undefined || Object.keys(extra).length === 0 ? undefined : sortKeys(extra),
    username: u.username,
    password: u.password,
    'auth-provider':
      provider === undefined ? undefined : { name: provider.name, config: sortKeys(provider.config ?? null) },
    exec: u.exec === undefined ? undefined : exec(u.exec),
    extensions: extensions(u.extensions),
  });
}

function context(c: Context): Ordered {
  return {
    cluster: c.cluster,
    user: c.user,
    ...omitEmpty({ namespace: c.namespace, extensions: extensions(c.extensions) }),
  };
}

function preferences(p: KubeConfigFile['preferences']): Ordered | undefined {
  if (p === undefined) return undefined;
  const value = omitEmpty({
    colors: p.colors,
    extensions: extensions(Array.isArray(p.extensions) ? (p.extensions as NamedExtension[]) : undefined),
  });
  return Object.keys(value).length === 0 ? undefined : value;
}

function nullIfEmpty<T>(items: T[]): T[] | null {
  return items.length === 0 ? null : items;
}

// Go's encoder escapes these for safe embedding in HTML and JavaScript.
const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Prints a kubeconfig as `kubectl config view --raw -o json` does: struct fields in clientcmd's order, empty
 * optional fields dropped, named lists sorted by name, map keys sorted, four-space indent, Go's HTML escaping.
 */
export function kubeConfigView(config: KubeConfigFile): string {
  const prefs = preferences(config.preferences);
  const view = {
    kind: 'Config',
    apiVersion: 'v1',
    ...(prefs === undefined ? {} : { preferences: prefs }),
    clusters: nullIfEmpty(byName(config.clusters).map((c) => ({ name: c.name, cluster: cluster(c.cluster) }))),
    users: nullIfEmpty(byName(config.users).map((u) => ({ name: u.name, user: user(u.user) }))),
    contexts: nullIfEmpty(byName(config.contexts).map((c) => ({ name: c.name, context: context(c.context) }))),
    'current-context': config['current-context'] ?? '',
    ...omitEmpty({ extensions: extensions(config.extensions) }),
  };
  return `${JSON.stringify(view, null, 4).replace(/[<>&\u2028\u2029]/g, (ch) => goEscapes[ch] ?? ch)}\n`;
}
