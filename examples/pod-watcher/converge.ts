// Checks a namespace's pod-census ConfigMap against the census of a fresh pod list from the apiserver.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClientSet, isNotFound } from 'kubeloop/client';
import { censusName, podCensus } from './census.ts';

/** The census the pods listed now call for, and what the ConfigMap holds (undefined when it does not exist). */
export interface CensusCheck {
  readonly expected: Record<string, string>;
  readonly actual: Record<string, string> | undefined;
  readonly converged: boolean;
}

function sameData(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  if (b === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Lists the namespace's pods (optionally by label) and reads its census once. */
export async function checkCensus(
  clientSet: ClientSet,
  namespace: string,
  labelSelector?: string,
): Promise<CensusCheck> {
  const pods = await clientSet
    .coreV1()
    .pods(namespace)
    .list(labelSelector ? { labelSelector } : {});
  const expected = podCensus(pods.items);
  let actual: Record<string, string> | undefined;
  try {
    actual = (await clientSet.coreV1().configMaps(namespace).get(censusName)).data ?? {};
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { expected, actual, converged: sameData(expected, actual) };
}

/** Polls {@link checkCensus} until it converges or `timeoutMs` passes; returns the last check. */
export async function waitForCensus(
  clientSet: ClientSet,
  namespace: string,
  options: { readonly timeoutMs: number; readonly labelSelector?: string; readonly signal?: AbortSignal },
): Promise<CensusCheck> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const check = await checkCensus(clientSet, namespace, options.labelSelector);
    if (check.converged || Date.now() >= deadline || options.signal?.aborted) return check;
    await sleep(250);
  }
}
