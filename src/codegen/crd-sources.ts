/** Reads CRDs to generate from: YAML files (one or many documents each), or the current cluster's CRDs of a group. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadAll } from 'js-yaml';
import { ApiextensionsV1Client } from '../client/kubernetes/apiextensions-v1/client.ts';
import type { RestConfig } from '../client/rest/config.ts';
import { type CrdInput, checkCrd } from './crd-input.ts';
import { CodegenInputError } from './errors.ts';

/**
 * Reads every CRD in the YAML files, skipping a bundle's other objects.
 *
 * @throws CodegenInputError naming the file for one that cannot be read or parsed, or holds no CRD; naming the
 * document, CRD and field for a CRD the generator cannot read.
 */
export async function readCrdFiles(paths: readonly string[]): Promise<CrdInput[]> {
  const crds: CrdInput[] = [];
  for (const path of paths) {
    let docs: unknown[];
    try {
      docs = loadAll(await readFile(path, 'utf8'));
    } catch (error) {
      const problem =
        error instanceof Error && 'code' in error ? `cannot read it (${String(error.code)})` : 'is not valid YAML';
      throw new CodegenInputError(
        path,
        undefined,
        undefined,
        `${problem}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const found = docs.flatMap(
      (doc, i) => checkCrd(doc, docs.length > 1 ? `${path} (document ${i + 1})` : path, basename(path)) ?? [],
    );
    if (found.length === 0)
      throw new CodegenInputError(path, undefined, undefined, 'holds no CustomResourceDefinition');
    crds.push(...found);
  }
  return crds;
}

/**
 * Reads the CRDs of `group` from the cluster `config` points at.
 *
 * @throws CodegenInputError when the cluster has none of that group; the client's errors when it cannot list them.
 */
export async function readClusterCrds(config: RestConfig, group: string, signal?: AbortSignal): Promise<CrdInput[]> {
  const client = ApiextensionsV1Client.forConfig(config).customResourceDefinitions();
  const list = await client.list(signal === undefined ? {} : { signal });
  const source = `cluster ${config.host}`;
  const ofGroup = list.items.filter((crd) => crd.spec.group === group);
  if (ofGroup.length === 0) {
    const groups = [...new Set(list.items.map((crd) => crd.spec.group))].sort().join(', ') || 'none';
    throw new CodegenInputError(source, undefined, undefined, `no CRD of group ${group} (groups with CRDs: ${groups})`);
  }
  // The server omits apiVersion and kind on list items.
  const typed = ofGroup.map((crd) => ({
    ...crd,
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
  }));
  return typed.flatMap((crd) => checkCrd(crd, source) ?? []);
}
