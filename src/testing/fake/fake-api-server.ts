/** Creates an in-process Kubernetes API server for unit tests, reached through an undici Dispatcher (no socket). */
import type { Dispatcher } from 'undici';
import type { KubeObject } from '../../client/meta.js';
import type { RestConfig } from '../../client/rest/config.js';
import { KubeloopError } from '../../errors.js';
import type { FaultState, ServerContext, Validator } from './context.js';
import { validateCustomResource } from './crd-schema.js';
import { crdHook, validateCrd } from './crds.js';
import { discovery } from './discovery.js';
import { FakeDispatcher, type FakeRequest, type FakeResponse } from './dispatcher.js';
import { createFaults, type FakeFaults, takeFailure } from './faults.js';
import { Collector, prepareNamespace, terminateNamespace } from './lifecycle.js';
import { getObject } from './reads.js';
import { Registry } from './registry.js';
import { deleteOptions, parseResourcePath, type ResourceRequest, serveResource } from './resources.js';
import { ApiFailure, conflict, methodNotSupported, modifiedMessage, noSuchPath } from './status.js';
import { Store } from './store.js';
import type { WatchSettings } from './watch.js';
import { createObject } from './writes.js';

/** Options of createFakeApiServer; every one has a default. */
export interface FakeApiServerOptions {
  /** Objects created at start, in order (after the built-in namespaces `default`, `kube-system`, `kube-public`, `kube-node-lease`). */
  readonly objects?: readonly KubeObject[];
  /**
   * How often a watch that allows bookmarks gets one (ms). Default 10 s: the real apiserver sends one about every
   * minute; a shorter period keeps dead-watch detectors (60 s by default) quiet without flooding tests.
   */
  readonly bookmarkIntervalMs?: number;
  /**
   * Changes kept per resource for watches and paged lists (at least this many, trimmed in batches of a quarter of it)
   * before the oldest are compacted away; default 100,000.
   */
  readonly historyLimit?: number;
  /** The clock for timestamps (creationTimestamp, deletionTimestamp, managedFields). Default: the system clock. */
  readonly now?: () => Date;
  /**
   * Whether watch-list requests (`sendInitialEvents`) are served; default true, as kube-apiserver v1.37 (feature
   * gate WatchList, beta, on). False answers each one as `--feature-gates=WatchList=false` does: 422 Invalid,
   * `sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is
   * enabled` (to test a client's fallback to list+watch).
   */
  readonly watchList?: boolean;
}

/**
 * An in-process API server.
 *
 * Guarantees: one global resourceVersion counter; every request is answered asynchronously with the status code,
 * headers and Status body shape of the real apiserver for what the fake models, and with a 400 naming the case for
 * what it does not (never a silently different answer); watches see changes in commit order; background work
 * (garbage collection, namespace cleanup, CRD establishment) runs after the request that caused it and
 * `settle()` waits for it.
 */
export interface FakeApiServer {
  /** A RestConfig for any kubeloop client, informer or manager: requests go to this server's dispatcher. */
  readonly config: RestConfig;
  /** The undici Dispatcher serving the requests. */
  readonly dispatcher: Dispatcher;
  /** The latest resourceVersion. */
  readonly resourceVersion: string;
  /** Test-armed faults. */
  readonly faults: FakeFaults;
  /** Forgets history up to now, as an etcd compaction: older watches and continue tokens get 410 Gone. */
  compact(): string;
  /** Resolves once no background work (garbage collection, namespace cleanup, CRD establishment) is pending. */
  settle(): Promise<void>;
  /** Ends every open watch. The server keeps answering new requests. */
  close(): Promise<void>;
}

/** Thrown by createFakeApiServer for options it cannot honour (a seed object of a kind it does not serve). */
export class FakeApiServerOptionsError extends KubeloopError<'FAKE_API_SERVER_OPTIONS'> {
  readonly code = 'FAKE_API_SERVER_OPTIONS';
}

/** The host in the fake's RestConfig: `.invalid` never resolves, so a request that escapes the dispatcher fails. */
const fakeHost = 'http://fake-apiserver.kubeloop.invalid';

const builtinNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Starts a fake API server: built-in resources of Kubernetes v1.37 plus any CRD created on it.
 *
 * @example
 * const server = createFakeApiServer();
 * const manager = newManager({ config: server.config });
 */
export function createFakeApiServer(options: FakeApiServerOptions = {}): FakeApiServer {
  const faults: FaultState = { latencyMs: 0, failures: [], conflicts: 0 };
  const context: ServerContext = {
    store: new Store({ historyLimit: options.historyLimit ?? 100_000, startRv: 1 }),
    registry: new Registry(),
    now: options.now ?? (() => new Date()),
    faults,
    hooks: [],
    validators: [],
    background: new Set(),
  };
  const collector = new Collector(context);
  context.hooks.push(collector.hook, crdHook(context));
  context.validators.push(validateCrd, namespaceDefaults, validateCustomResource);
  const settings: WatchSettings = {
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    watchList: options.watchList ?? true,
  };
  const dispatcher = new FakeDispatcher((request) => handle(context, settings, request));
  const seed = { dryRun: false, manager: 'kube-apiserver' };
  const namespaces = context.registry.lookup('', 'v1', 'namespaces');
  for (const name of builtinNamespaces)
    createObject(context, namespaces as NonNullable<typeof namespaces>, undefined, { metadata: { name } }, seed);
  for (const object of options.objects ?? []) seedObject(context, object);
  return {
    config: { host: fakeHost, dispatcher },
    dispatcher,
    get resourceVersion() {
      return String(context.store.rv);
    },
    faults: createFaults(faults, dispatcher),
    compact: () => String(context.store.compact()),
    settle: () => settle(context),
    close: () => dispatcher.close(),
  };
}

const namespaceDefaults: Validator = (type, object, old) => {
  if (type.storageKey === '/namespaces' && old === undefined) prepareNamespace(object);
};

function seedObject(context: ServerContext, object: KubeObject): void {
  const apiVersion = object.apiVersion ?? '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const type = context.registry.all().find((t) => t.group === group && t.version === version && t.kind === object.kind);
  if (!type) throw new FakeApiServerOptionsError(`no served resource has kind ${object.kind} in ${apiVersion}`);
  createObject(context, type, object.metadata?.namespace, object as never, {
    dryRun: false,
    manager: 'kube-apiserver',
  });
}

async function settle(context: ServerContext): Promise<void> {
  while (context.background.size > 0) await Promise.all([...context.background]);
}

async function handle(context: ServerContext, settings: WatchSettings, request: FakeRequest): Promise<FakeResponse> {
  if (context.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, context.faults.latencyMs));
  try {
    const target = parseResourcePath(context, request.path);
    const injected = takeFailure(context.faults, target ? verbOf(request, target) : 'get');
    if (injected) throw injected;
    const answer = discovery(context.registry, request);
    if (answer) return answer;
    if (!target) throw noSuchPath();
    const verb = verbOf(request, target);
    if (target.subresource === undefined && !target.type.verbs.has(verb)) throw methodNotSupported(target.type, verb);
    if (isWrite(verb) && context.faults.conflicts > 0) {
      context.faults.conflicts -= 1;
      throw conflict(target.type, target.name ?? '', modifiedMessage);
    }
    if (verb === 'delete' && target.type.storageKey === '/namespaces' && target.subresource === undefined) {
      const namespace = getObject(context, target.type, undefined, target.name as string);
      const answer = deleteOptions(request).dryRun ? namespace : terminateNamespace(context, target.type, namespace);
      return { kind: 'json', status: 200, body: answer };
    }
    return serveResource(context, settings, request, target);
  } catch (error) {
    if (error instanceof ApiFailure)
      return { kind: 'json', status: error.status.code ?? 500, body: error.status, headers: error.headers };
    throw error;
  }
}

function verbOf(request: FakeRequest, target: ResourceRequest): string {
  const collection = target.name === undefined;
  switch (request.method) {
    case 'GET': {
      const watch = request.query.get('watch');
      if (watch === 'true' || watch === '1') return 'watch';
      return collection ? 'list' : 'get';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return request.method.toLowerCase();
  }
}

function isWrite(verb: string): boolean {
  return verb === 'create' || verb === 'update' || verb === 'patch' || verb === 'delete';
}
