/** Creates the Node objects kwok plays and tells when kwok has made them Ready. */
import { kwokNodeAnnotation } from './components.js';
import type { AdminApi } from './wait.js';

/** The Node object of a simulated node: kwok fills its status (addresses, capacity, conditions, kubelet port). */
function nodeObject(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [kwokNodeAnnotation.key]: kwokNodeAnnotation.value },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok' },
    },
  };
}

/** Creates `count` nodes named `kwok-node-<i>` and returns their names. */
export async function createNodes(api: AdminApi, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, index) => `kwok-node-${index}`);
  for (const name of names) await api.send('POST', '/api/v1/nodes', nodeObject(name));
  return names;
}

interface NodeList {
  readonly items: readonly {
    readonly metadata: { readonly name: string };
    readonly status?: { readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
  }[];
}

/** True once every named node reports the condition Ready=True. */
export async function nodesReady(api: AdminApi, names: readonly string[]): Promise<true | undefined> {
  const list = (await api.get(`/api/v1/nodes?labelSelector=type%3Dkwok`)) as NodeList | undefined;
  const ready = new Set(
    list?.items
      .filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((node) => node.metadata.name),
  );
  return names.every((name) => ready.has(name)) ? true : undefined;
}
