/** Decodes one parsed kubeconfig document into a typed `KubeConfigFile`, rejecting wrong types as kubectl does. */
import { KubeConfigError } from './errors.js';
import type {
  AuthInfo,
  Cluster,
  Context,
  ExecConfig,
  KubeConfigFile,
  NamedAuthInfo,
  NamedCluster,
  NamedContext,
  NamedExtension,
} from './kubeconfig-file.js';
import { stdBase64 } from './pem.js';

type Json = Readonly<Record<string, unknown>>;

/** Where the decoder is: the file and entry that errors name. */
interface Site {
  readonly file: string;
  readonly entry: string | undefined;
}

function invalid(site: Site, field: string | undefined, problem: string): KubeConfigError {
  const location = { file: site.file, ...(site.entry === undefined ? {} : { entry: site.entry }) };
  return new KubeConfigError('KUBECONFIG_INVALID', problem, field === undefined ? location : { ...location, field });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

// Go's encoding/json leaves a field at its zero value for JSON null, so null is accepted everywhere.
function mapping(site: Site, field: string | undefined, value: unknown): Json {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid(site, field, `expected a mapping, got ${typeName(value)}`);
  return value as Json;
}

function list(site: Site, field: string, value: unknown): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(site, field, `expected a list, got ${typeName(value)}`);
  return value;
}

// kubectl reads YAML 1.1, where unquoted y/n/yes/no/on/off are booleans: a common surprise worth naming.
const yaml11Hint = ' (YAML 1.1 reads unquoted y, n, yes, no, on and off as booleans: quote the value)';

function string(site: Site, field: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') throw invalid(site, field, `expected a string, got a boolean${yaml11Hint}`);
  if (typeof value !== 'string') throw invalid(site, field, `expected a string, got ${typeName(value)}`);
  return value;
}

function boolean(site: Site, field: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(site, field, `expected a boolean, got ${typeName(value)}`);
  return value;
}

function strings(site: Site, field: string, value: unknown): string[] {
  return list(site, field, value).map((item) => string(site, field, item));
}

// Go decodes `[]byte` with base64.StdEncoding at load time; kubectl prints it re-encoded canonically.
function base64(site: Site, field: string, value: unknown): string {
  const text = stdBase64(string(site, field, value));
  if (text === undefined) throw invalid(site, field, 'not valid base64');
  return Buffer.from(text, 'base64').toString('base64');
}

/** Copies the non-empty values only, as Go's `omitempty` drops zero values. */
function compact<T extends object>(value: { [K in keyof T]: T[K] | '' | false | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== '' && item !== false && item !== undefined) out[key] = item;
  }
  return out as T;
}

function optionalList<T>(items: readonly T[]): readonly T[] | undefined {
  return items.length === 0 ? undefined : items;
}

/** Decodes a named list, rejecting duplicate names within the file as kubectl does. */
function named<T>(site: Site, field: string, value: unknown, decode: (item: Json, entry: Site) => T): T[] {
  const seen = new Set<string>();
  const prefix = site.entry === undefined ? field : `${site.entry}.${field}`;
  return list(site, field, value).map((raw) => {
    const item = mapping(site, field, raw);
    const name = string(site, `${field}.name`, item.name);
    const entry: Site = { file: site.file, entry: `${prefix}[${name}]` };
    if (seen.has(name)) throw invalid(entry, undefined, `duplicate name "${name}" in ${prefix}`);
    seen.add(name);
    return decode(item, entry);
  });
}

/** Finds a value Go's JSON encoder refuses (kubectl then fails to load the file): an infinite or NaN number. */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasNonFinite);
}

function extensions(site: Site, value: unknown): readonly NamedExtension[] | undefined {
  const decoded = named(site, 'extensions', value, (item, entry) => {
    if (hasNonFinite(item.extension)) throw invalid(entry, 'extension', 'holds an infinite or NaN number');
    return { name: String(item.name ?? ''), extension: item.extension ?? null };
  });
  return optionalList(decoded);
}

function cluster(site: Site, raw: Json): Cluster {
  return compact<Cluster>({
    server: string(site, 'server', raw.server),
    'tls-server-name': string(site, 'tls-server-name', raw['tls-server-name']),
    'insecure-skip-tls-verify': boolean(site, 'insecure-skip-tls-verify', raw['insecure-skip-tls-verify']),
    'certificate-authority': string(site, 'certificate-authority', raw['certificate-authority']),
    'certificate-authority-data': base64(site, 'certificate-authority-data', raw['certificate-authority-data']),
    'proxy-url': string(site, 'proxy-url', raw['proxy-url']),
    'disable-compression': boolean(site, 'disable-compression', raw['disable-compression']),
    extensions: extensions(site, raw.extensions),
  });
}

const interactiveModes = new Set(['', 'Never', 'IfAvailable', 'Always']);
// clientcmd defaults interactiveMode only for the pre-v1 APIs; v1 requires it to be written.
const defaultsToIfAvailable = new Set([
  'client.authentication.k8s.io/v1beta1',
  'client.authentication.k8s.io/v1alpha1',
]);

function exec(site: Site, value: unknown): ExecConfig | undefined {
  if (value === null || value === undefined) return undefined;
  const raw = mapping(site, 'exec', value);
  const apiVersion = string(site, 'exec.apiVersion', raw.apiVersion);
  let mode = string(site, 'exec.interactiveMode', raw.interactiveMode);
  // Stricter than kubectl, which accepts any string here and rejects it only when the user is used.
  if (!interactiveModes.has(mode)) throw invalid(site, 'exec.interactiveMode', 'must be Never, IfAvailable or Always');
  if (mode === '' && defaultsToIfAvailable.has(apiVersion)) mode = 'IfAvailable';
  const env =
    raw.env === null || raw.env === undefined
      ? undefined
      : list(site, 'exec.env', raw.env).map((item) => {
          const variable = mapping(site, 'exec.env', item);
          return {
            name: string(site, 'exec.env.name', variable.name),
            value: string(site, 'exec.env.value', variable.value),
          };
        });
  const args = raw.args === null || raw.args === undefined ? undefined : strings(site, 'exec.args', raw.args);
  return {
    ...compact<Omit<ExecConfig, 'apiVersion' | 'command'>>({
      args,
      env,
      installHint: string(site, 'exec.installHint', raw.installHint),
      interactiveMode: mode as ExecConfig['interactiveMode'] | '',
    }),
    apiVersion,
    command: string(site, 'exec.command', raw.command),
    provideClusterInfo: boolean(site, 'exec.provideClusterInfo', raw.provideClusterInfo),
  };
}

// Object.fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
function userExtra(site: Site, value: unknown): Readonly<Record<string, readonly string[]>> | undefined {
  // A null value list becomes an empty one here, where kubectl would keep (and print) null.
  const entries = Object.entries(mapping(site, 'as-user-extra', value)).map(
    ([key, values]) => [key, strings(site, 'as-user-extra', values)] as const,
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function authProvider(site: Site, value: unknown): AuthInfo['auth-provider'] {
  if (value === null || value === undefined) return undefined;
  const raw = mapping(site, 'auth-provider', value);
  const name = string(site, 'auth-provider.name', raw.name);
  if (raw.config === null || raw.config === undefined) return { name };
  const entries = Object.entries(mapping(site, 'auth-provider.config', raw.config)).map(
    ([key, item]) => [key, string(site, 'auth-provider.config', item)] as const,
  );
  return { name, config: Object.fromEntries(entries) };
}

function authInfo(site: Site, raw: Json): AuthInfo {
  return compact<AuthInfo>({
    'client-certificate': string(site, 'client-certificate', raw['client-certificate']),
    'client-certificate-data': base64(site, 'client-certificate-data', raw['client-certificate-data']),
    'client-key': string(site, 'client-key', raw['client-key']),
    'client-key-data': base64(site, 'client-key-data', raw['client-key-data']),
    token: string(site, 'token', raw.token),
    tokenFile: string(site, 'tokenFile', raw.tokenFile),
    as: string(site, 'as', raw.as),
    'as-uid': string(site, 'as-uid', raw['as-uid']),
    'as-groups': raw['as-groups'] == null ? undefined : strings(site, 'as-groups', raw['as-groups']),
    'as-user-extra': userExtra(site, raw['as-user-extra']),
    username: string(site, 'username', raw.username),
    password: string(site, 'password', raw.password),
    'auth-provider': authProvider(site, raw['auth-provider']),
    exec: exec(site, raw.exec),
    extensions: extensions(site, raw.extensions),
  });
}

function context(site: Site, raw: Json): Context {
  return {
    cluster: string(site, 'cluster', raw.cluster),
    user: string(site, 'user', raw.user),
    ...compact<Pick<Context, 'namespace' | 'extensions'>>({
      namespace: string(site, 'namespace', raw.namespace),
      extensions: extensions(site, raw.extensions),
    }),
  };
}

function preferences(file: string, value: unknown): KubeConfigFile['preferences'] {
  const site: Site = { file, entry: 'preferences' };
  const raw = mapping(site, undefined, value);
  const decoded = compact<Record<string, unknown>>({
    colors: boolean(site, 'colors', raw.colors),
    extensions: extensions(site, raw.extensions),
  });
  return Object.keys(decoded).length === 0 ? undefined : decoded;
}

/**
 * Decodes a parsed kubeconfig document as kubectl's loader does: unknown keys dropped, null read as the zero value,
 * empty values omitted, `*-data` fields checked as base64, v1beta1 exec `interactiveMode` defaulted.
 *
 * @throws KubeConfigError `KUBECONFIG_INVALID` naming the file, entry and field of the first wrong value.
 */
export function decodeKubeConfig(value: unknown, file: string): KubeConfigFile {
  const top: Site = { file, entry: undefined };
  const raw = mapping(top, undefined, value);
  const kind = string(top, 'kind', raw.kind);
  if (kind !== '' && kind !== 'Config') throw invalid(top, 'kind', 'must be Config');
  const apiVersion = string(top, 'apiVersion', raw.apiVersion);
  if (apiVersion !== '' && apiVersion !== 'v1') throw invalid(top, 'apiVersion', 'must be v1');
  const clusters: NamedCluster[] = named(top, 'clusters', raw.clusters, (item, site) => ({
    name: string(site, 'name', item.name),
    cluster: cluster(site, mapping(site, 'cluster', item.cluster)),
  }));
  const users: NamedAuthInfo[] = named(top, 'users', raw.users, (item, site) => ({
    name: string(site, 'name', item.name),
    user: authInfo(site, mapping(site, 'user', item.user)),
  }));
  const contexts: NamedContext[] = named(top, 'contexts', raw.contexts, (item, site) => ({
    name: string(site, 'name', item.name),
    context: context(site, mapping(site, 'context', item.context)),
  }));
  return compact<KubeConfigFile>({
    preferences: preferences(file, raw.preferences),
    clusters: optionalList(clusters),
    users: optionalList(users),
    contexts: optionalList(contexts),
    'current-context': string(top, 'current-context', raw['current-context']),
    extensions: extensions(top, raw.extensions),
  });
}
