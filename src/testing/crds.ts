/** Installs and uninstalls CustomResourceDefinitions for tests, waiting until each is served (or gone). */
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscoveryClient } from '../client/discovery/discovery-client.js';
import type { APIResourceList } from '../client/discovery/types.js';
import {
  ApiextensionsV1Client,
  type CustomResourceDefinition,
  type CustomResourceDefinitionsClient,
} from '../client/kubernetes/apiextensions-v1/index.js';
import type { RestConfig } from '../client/rest/config.js';
import { isNotFound, StatusError } from '../client/rest/status-error.js';
import { KubeloopError } from '../errors.js';

/** Options of {@link installCRDs} and {@link uninstallCRDs}. */
export interface CRDOptions {
  readonly signal?: AbortSignal;
  /** How long to wait for every CRD to be served (or gone); default 30 s, ample for a local apiserver. */
  readonly timeoutMs?: number;
}

/** The apiserver refused a CRD (invalid name or schema, forbidden): `crd` names it, `cause` is the StatusError. */
export class CRDRejectedError extends KubeloopError<'CRD_REJECTED'> {
  readonly code = 'CRD_REJECTED' as const;
  constructor(
    readonly crd: string,
    cause: StatusError,
  ) {
    super(`kubeloop: the apiserver rejected CustomResourceDefinition "${crd}": ${cause.message}`, { cause });
  }
}

/** CRDs that were not served (or not gone) in time: `pending` names each with what it was waiting for. */
export class CRDTimeoutError extends KubeloopError<'CRD_TIMEOUT'> {
  readonly code = 'CRD_TIMEOUT' as const;
  constructor(
    readonly pending: ReadonlyMap<string, string>,
    timeoutMs: number,
  ) {
    const lines = [...pending].map(([name, why]) => `  ${name}: ${why}`).join('\n');
    super(`kubeloop: CustomResourceDefinitions not ready after ${timeoutMs} ms:\n${lines}`);
  }
}

const fieldManager = 'kubeloop-testing';
// Short: a local apiserver establishes a CRD within tens of milliseconds, and each poll is two or three requests.
const pollIntervalMs = 100;
const defaultTimeoutMs = 30_000;

const nameOf = (crd: CustomResourceDefinition): string =>
  crd.metadata?.name ?? `${crd.spec.names.plural}.${crd.spec.group}`;

/** The CRD as an apply configuration: only what its author sets (no status, no server-owned metadata). */
function applyConfiguration(crd: CustomResourceDefinition): CustomResourceDefinition {
  const { resourceVersion, uid, creationTimestamp, generation, managedFields, ...metadata } = crd.metadata ?? {};
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { ...metadata, name: nameOf(crd) },
    spec: crd.spec,
  };
}

/** Why `live` is not ready yet, or `undefined` when it is Established and every served version is discovered. */
function notReady(
  live: CustomResourceDefinition,
  discovered: ReadonlyMap<string, APIResourceList>,
): string | undefined {
  const conditions = live.status?.conditions ?? [];
  const established = conditions.find((c) => c.type === 'Established');
  const stale = (live.status?.observedGeneration ?? Number.POSITIVE_INFINITY) < (live.metadata?.generation ?? 0);
  if (established?.status !== 'True' || stale) {
    const said = conditions.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join(', ');
    return `not Established; conditions: ${said || 'none yet'}`;
  }
  const { group, names } = live.spec;
  const missing = live.spec.versions
    .filter((v) => v.served)
    .map((v) => `${group}/${v.name}`)
    .filter((gv) => !discovered.get(gv)?.resources.some((r) => r.name === names.plural));
  return missing.length > 0
    ? `Established, but ${names.plural} is not yet in discovery for ${missing.join(', ')}`
    : undefined;
}

/** Polls `pending` (name → why) until it returns an empty map, the deadline passes, or `signal` aborts. */
async function waitFor(
  check: (signal: AbortSignal | undefined) => Promise<ReadonlyMap<string, string>>,
  options: CRDOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await check(options.signal);
    if (pending.size === 0) return;
    if (Date.now() >= deadline) throw new CRDTimeoutError(pending, timeoutMs);
    await sleep(pollIntervalMs, undefined, options.signal ? { signal: options.signal } : {});
  }
}

function crdClient(config: RestConfig): CustomResourceDefinitionsClient {
  return ApiextensionsV1Client.forConfig(config).customResourceDefinitions();
}

/**
 * Creates or replaces each CRD by server-side apply (field manager `kubeloop-testing`, forced), then resolves once
 * every one is Established and each of its served versions lists its resource in discovery.
 *
 * Guarantees: a CRD the apiserver refuses rejects with {@link CRDRejectedError} naming it; CRDs not served within
 * `timeoutMs` reject with {@link CRDTimeoutError} naming each with its conditions' messages (NamesAccepted=False
 * and why); an aborted `signal` rejects with its reason. Safe to call again with the same CRDs.
 */
export async function installCRDs(
  config: RestConfig,
  crds: readonly CustomResourceDefinition[],
  options: CRDOptions = {},
): Promise<void> {
  const client = crdClient(config);
  const discovery = DiscoveryClient.forConfig(config);
  const { signal } = options;
  await Promise.all(
    crds.map(async (crd) => {
      try {
        await client.apply(applyConfiguration(crd), { fieldManager, force: true, ...(signal ? { signal } : {}) });
      } catch (error) {
        throw error instanceof StatusError ? new CRDRejectedError(nameOf(crd), error) : error;
      }
    }),
  );
  await waitFor(async (signal) => {
    const call = signal ? { signal } : {};
    const [lives, all] = await Promise.all([
      Promise.all(crds.map((crd) => client.get(nameOf(crd), call))),
      discovery.serverGroupsAndResources(call),
    ]);
    const discovered = new Map(all.resources.map((list) => [list.groupVersion, list]));
    const pending = new Map<string, string>();
    for (const live of lives) {
      const why = notReady(live, discovered);
      if (why !== undefined) pending.set(nameOf(live), why);
    }
    return pending;
  }, options);
}

/**
 * Deletes each CRD and resolves once every one is gone (the apiserver answers 404).
 *
 * Guarantees: idempotent (an absent CRD is already gone); CRDs still present after `timeoutMs` (their custom
 * resources are deleted first, which a finalizer on one of them can hold up) reject with {@link CRDTimeoutError}.
 */
export async function uninstallCRDs(
  config: RestConfig,
  crds: readonly CustomResourceDefinition[],
  options: CRDOptions = {},
): Promise<void> {
  const client = crdClient(config);
  const call = options.signal ? { signal: options.signal } : {};
  await Promise.all(crds.map((crd) => client.delete(nameOf(crd), call).catch(unlessNotFound)));
  await waitFor(async (signal) => {
    const lives = await Promise.all(
      crds.map((crd) => client.get(nameOf(crd), signal ? { signal } : {}).catch(unlessNotFound)),
    );
    const pending = new Map<string, string>();
    for (const live of lives) {
      if (live) pending.set(nameOf(live), 'still present (its custom resources are deleted first)');
    }
    return pending;
  }, options);
}

/** Turns a 404 into `undefined` (the object is gone) and rethrows anything else. */
function unlessNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}
